/**
 * The WAF in front of CloudFront: per-IP rate limits and AWS's managed rule groups, with the
 * requests it blocks logged. A CLOUDFRONT-scoped web ACL must live in us-east-1: when the app's
 * stack is there it holds the ACL itself; otherwise a small stack in us-east-1 does
 * ({@link EdgeStack}) and a cross-region reference (`Fn::GetStackOutput`, cdk.json's weak references)
 * carries the ACL's ARN over (lib/cloud/app.ts).
 */
import { ArnFormat, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { WafConfig } from './config.js';

/** The only region a CloudFront web ACL can be created in. */
export const EDGE_REGION = 'us-east-1';

/** Stripe's deliveries come from a few addresses: the per-IP rules and the managed groups leave them to the signature check. */
export const WEBHOOK_PATH = '/api/billing/webhook';

/** Where orders arrive (POST /api/videos and POST /api/videos/{id}/retry). */
export const ORDERS_PATH_PREFIX = '/api/videos';

/** Seconds a rate-based rule counts over. */
export const RATE_WINDOW_SECONDS = 300;

/** What a client over a rate limit gets: API Gateway's own throttle answer, so clients handle one shape. */
export const WAF_TOO_MANY_REQUESTS_BODY = '{"message":"Too Many Requests"}';

export interface EdgeProtectionProps {
  waf: WafConfig;
  /** Names the ACL, its metrics and its log group. */
  name: string;
  logRetention: RetentionDays;
  retainData: boolean;
}

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const path = (searchString: string, positionalConstraint: 'EXACTLY' | 'STARTS_WITH'): CfnWebACL.StatementProperty => ({
  byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint, searchString, textTransformations: [{ priority: 0, type: 'NONE' }] },
});

const notWebhook: CfnWebACL.StatementProperty = { notStatement: { statement: path(WEBHOOK_PATH, 'EXACTLY') } };

const tooMany: CfnWebACL.RuleActionProperty = { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'tooManyRequests' } } };

/** A managed rule group of AWS's, applied to everything but the webhook. */
function managedGroup(name: string, priority: number, overrides: CfnWebACL.RuleActionOverrideProperty[] = []): CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        scopeDownStatement: notWebhook,
        ...(overrides.length ? { ruleActionOverrides: overrides } : {}),
      },
    },
    visibilityConfig: visibility(name),
  };
}

/**
 * The web ACL: (1) at most `rateLimit` requests per client IP per 5 minutes on any path but the
 * Stripe webhook; (2) at most `orderRateLimit` orders per IP — a loop of new accounts spending
 * their starting credits runs into it; (3) AWS's common rule set and (4) known bad inputs, both
 * beside the webhook. The common set's 8 KB body limit only counts: the API refuses large bodies itself.
 */
export class EdgeProtection extends Construct {
  readonly webAcl: CfnWebACL;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: EdgeProtectionProps) {
    super(scope, id);
    const { waf, name } = props;
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name,
      description: 'ai-shorts: per-IP rate limits and AWS managed rules in front of the dashboard and the API.',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(name),
      customResponseBodies: { tooManyRequests: { contentType: 'APPLICATION_JSON', content: WAF_TOO_MANY_REQUESTS_BODY } },
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: tooMany,
          statement: {
            rateBasedStatement: { limit: waf.rateLimit, aggregateKeyType: 'IP', evaluationWindowSec: RATE_WINDOW_SECONDS, scopeDownStatement: notWebhook },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        {
          name: 'RateLimitOrdersPerIp',
          priority: 1,
          action: tooMany,
          statement: {
            rateBasedStatement: {
              limit: waf.orderRateLimit,
              aggregateKeyType: 'IP',
              evaluationWindowSec: RATE_WINDOW_SECONDS,
              scopeDownStatement: {
                andStatement: {
                  statements: [
                    { byteMatchStatement: { fieldToMatch: { method: {} }, positionalConstraint: 'EXACTLY', searchString: 'POST', textTransformations: [{ priority: 0, type: 'NONE' }] } },
                    path(ORDERS_PATH_PREFIX, 'STARTS_WITH'),
                  ],
                },
              },
            },
          },
          visibilityConfig: visibility('RateLimitOrdersPerIp'),
        },
        managedGroup('AWSManagedRulesCommonRuleSet', 2, [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        managedGroup('AWSManagedRulesKnownBadInputsRuleSet', 3),
      ],
    });

    // WAF logs to a log group whose name starts with aws-waf-logs-; only what it blocked or counted, tokens redacted.
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${name}`,
      retention: props.logRetention,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const logGroupArn = Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: this.logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const logging = new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [logGroupArn],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
          },
        ],
      },
    });
    logging.node.addDependency(this.logGroup);
  }
}

/** The web ACL in its own stack in us-east-1, for an app deployed to any other region. */
export class EdgeStack extends Stack {
  readonly protection: EdgeProtection;

  constructor(scope: Construct, id: string, props: StackProps & Omit<EdgeProtectionProps, 'name'>) {
    super(scope, id, { ...props, crossRegionReferences: true });
    if (this.region !== EDGE_REGION) throw new Error(`The edge stack must be in ${EDGE_REGION} (CloudFront's web ACLs live there), not ${this.region}.`);
    this.protection = new EdgeProtection(this, 'Edge', { waf: props.waf, name: id, logRetention: props.logRetention, retainData: props.retainData });
  }
}
