import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { OriginProtocolPolicy, type IOrigin } from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { API_ROUTES, routeKey, storeOperationsOf, type ApiRoute } from '../../lambdas/api/routes.js';
import { ORIGIN_VERIFY_HEADER } from '../../lambdas/api/origin-verify.js';
import { ENV } from '../../lambdas/shared/env.js';
import type { SecretKey } from '../../lambdas/shared/secret-keys.js';
import type { ApiConfig } from './config.js';
import { PipelineFunction, type RenderTarget } from './pipeline-function.js';
import type { KeySecrets } from './secrets.js';
import type { TableLogicalName } from './table-definitions.js';

/** Routes only the local dev server serves (lib/local/dev-routes.ts); never deployed. */
export const LOCAL_ONLY_PREFIX = '/api/dev/';

/** Every API function's size: room for the SDKs' cold start; below the HTTP API's 30 s integration limit. */
export const API_FUNCTION_MEMORY_MB = 512;
export const API_FUNCTION_TIMEOUT_SECONDS = 25;

/**
 * The stage's default throttle (requests per second, burst), for a route without its own; every
 * route of the table has its own (`throttle` in lambdas/api/routes.ts). The account default
 * (10,000 rps) is far above what this app should take.
 */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/** The stage's per-route settings (CloudFormation's RouteSettings, keyed by route key): each route's own throttle. */
export function routeSettings(routes: readonly ApiRoute[]): Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> {
  return Object.fromEntries(routes.map((route) => [routeKey(route), { ThrottlingRateLimit: route.throttle.rate, ThrottlingBurstLimit: route.throttle.burst }]));
}

/** The routes that are deployed: the route table without the local-only ones. */
export function cloudRoutes(routes: readonly ApiRoute[] = API_ROUTES): ApiRoute[] {
  return routes.filter((route) => !route.path.startsWith(LOCAL_ONLY_PREFIX));
}

/**
 * The name prefix of the stack's CloudWatch alarms: GET /api/alerts lists those in ALARM
 * (ALARM_NAME_PREFIX, cloudwatch:DescribeAlarms on `alarm:{prefix}*`). Alarms must be named with it.
 */
export function alarmNamePrefix(scope: Construct): string {
  return `${Stack.of(scope).stackName}-`;
}

export interface ApiProps {
  tables: Record<TableLogicalName, Table>;
  assets: IBucket;
  queue: IQueue;
  /** The jobs queue's DLQ (operator routes read its depth). */
  deadLetterQueue: IQueue;
  /** The webhooks queue (a resend sends its attempt there). */
  webhookQueue: IQueue;
  /** The pipeline (the health probe describes it). */
  stateMachine: IStateMachine;
  /** Remotion Lambda (the health probe looks its function up) and the render provider (SHORTS_RENDER). */
  render: RenderTarget;
  renderProvider: string;
  /** The voice provider (SHORTS_VOICE): the routes that check a voice read it. */
  voiceProvider: string;
  /** The keys' secrets: each route reads the ones it uses, and ORIGIN_VERIFY. */
  secrets: KeySecrets;
  config: ApiConfig;
  /** The dashboard's origin (`https://…`): the default for CLERK_AUTHORIZED_PARTIES and APP_URL. */
  dashboardUrl: string;
  logRetention: RetentionDays;
  retainData: boolean;
}

/**
 * The HTTP API: one Lambda per entry of API_ROUTES (lambdas/api/routes.ts, the table the local
 * server serves), each granted exactly its route's `access`. No API Gateway authorizer: the
 * handlers verify Clerk session tokens and API keys themselves, identically to the local server.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** By route id. */
  readonly functions: Record<string, PipelineFunction>;
  /** By route id. */
  readonly routes: Record<string, HttpRoute>;
  /** The API as a CloudFront origin, for the dashboard's /api/* behaviour. */
  readonly origin: IOrigin;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'ai-shorts API (routes from lambdas/api/routes.ts)',
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs) },
    });

    this.functions = {};
    this.routes = {};
    for (const route of cloudRoutes()) {
      const fn = this.routeFunction(route, props);
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.id}Integration`, fn.function),
      });
      this.functions[route.id] = fn;
      this.routes[route.id] = created!;
      NagSuppressions.addResourceSuppressions(created!, [
        {
          id: 'AwsSolutions-APIG4',
          reason:
            route.auth === 'user'
              ? `${routeKey(route)}: the handler verifies the Clerk session token (@clerk/backend verifyToken) or the API key (its SHA-256 looked up in the keys table) itself, lambdas/api/auth.ts, exactly as on the local server; an API Gateway authorizer would be a second, divergent check.`
              : `${routeKey(route)} is public by design (${route.id === 'StripeWebhook' ? "Stripe's calls, authenticated by the Stripe-Signature check in the handler" : 'the OpenAPI document'}).`,
        },
      ]);
    }

    // Each route's own throttle. The stage must wait for its routes: CloudFormation refuses
    // RouteSettings naming a route key that does not exist yet.
    (this.stage.node.defaultChild as CfnStage).routeSettings = routeSettings(cloudRoutes());
    for (const route of Object.values(this.routes)) this.stage.node.addDependency(route);

    // CloudFront adds the origin-verify value (a dynamic reference CloudFormation resolves at
    // deploy, never in the template); the functions refuse requests without it (lambdas/api/origin-verify.ts).
    const { region, urlSuffix } = Stack.of(this);
    this.origin = new HttpOrigin(`${this.httpApi.apiId}.execute-api.${region}.${urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      customHeaders: { [ORIGIN_VERIFY_HEADER]: props.secrets.of('ORIGIN_VERIFY').secretValue.unsafeUnwrap() },
    });
  }

  /** The URL of the API's default stage (`https://{id}.execute-api.{region}.amazonaws.com`). */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }

  private routeFunction(route: ApiRoute, props: ApiProps): PipelineFunction {
    const { access } = route;
    const { config } = props;
    const fn = new PipelineFunction(this, route.id, {
      spec: {
        id: route.id,
        entry: route.entry,
        timeoutSeconds: API_FUNCTION_TIMEOUT_SECONDS,
        memoryMb: API_FUNCTION_MEMORY_MB,
        description: `${routeKey(route)}: ${route.summary}`,
      },
      logRetention: props.logRetention,
      retainData: props.retainData,
    });
    fn.bindStore(storeOperationsOf(route), props.tables);
    if (access.objects) {
      fn.bindAssets(props.assets, { read: access.objects.read, write: access.objects.write ?? [], ...(access.objects.delete ? { delete: access.objects.delete } : {}) });
    }
    if (access.queue) fn.bindQueueSend(props.queue);
    if (access.webhookQueue) fn.bindWebhookQueueSend(props.webhookQueue);
    // The keys the route reads, Clerk's secret key when there is no PEM key to verify tokens
    // with, and the origin-verify value every route checks.
    const keys = new Set<SecretKey>([...(access.secrets ?? []), 'ORIGIN_VERIFY']);
    if (route.auth === 'user' && !config.clerkJwtKey) keys.add('CLERK_SECRET_KEY');
    for (const key of keys) fn.bindSecret(key, props.secrets.of(key));

    if (route.auth === 'user') {
      if (config.clerkJwtKey) fn.addEnvironment(ENV.CLERK_JWT_KEY, config.clerkJwtKey);
      fn.addEnvironment(ENV.CLERK_AUTHORIZED_PARTIES, config.clerkAuthorizedParties ?? props.dashboardUrl);
      if (config.adminUserIds) fn.addEnvironment(ENV.ADMIN_USER_IDS, config.adminUserIds);
    }
    for (const name of access.env ?? []) {
      const value = envValue(name, props, this);
      if (value !== undefined) fn.addEnvironment(name, value);
    }
    for (const op of access.ops ?? []) this.bindOps(fn, op, props);
    return fn;
  }

  /**
   * The operator reads of `access.ops` (docs/ops.md), each with the variables that name what it
   * reads — a grant never comes without the setting that uses it, nor a setting without its grant.
   */
  private bindOps(fn: PipelineFunction, op: 'health' | 'queueStats' | 'alarms', props: ApiProps): void {
    const allow = (actions: string[], resources: string[]) => fn.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
    const env = (...names: string[]) => {
      for (const name of names) {
        const value = envValue(name, props, this);
        if (value !== undefined) fn.addEnvironment(name, value);
      }
    };
    switch (op) {
      case 'health':
        fn.addEnvironment(ENV.JOBS_TABLE, props.tables.JobsTable.tableName);
        env(ENV.ASSETS_BUCKET, ENV.JOBS_QUEUE_URL, ENV.STATE_MACHINE_ARN, ENV.RENDER);
        allow(['dynamodb:DescribeTable'], [props.tables.JobsTable.tableArn]);
        // HeadBucket is authorized by s3:ListBucket.
        allow(['s3:ListBucket'], [props.assets.bucketArn]);
        allow(['sqs:GetQueueAttributes'], [props.queue.queueArn]);
        allow(['states:DescribeStateMachine'], [props.stateMachine.stateMachineArn]);
        if (props.renderProvider === 'lambda') {
          env(ENV.REMOTION_FUNCTION_NAME, ENV.REMOTION_REGION);
          allow(['lambda:GetFunction'], [props.render.functionArn]);
        }
        return;
      case 'queueStats':
        env(ENV.JOBS_QUEUE_URL, ENV.JOBS_DLQ_URL);
        allow(['sqs:GetQueueAttributes'], [props.queue.queueArn, props.deadLetterQueue.queueArn]);
        return;
      case 'alarms': {
        env(ENV.ALARM_NAME_PREFIX);
        const { partition, region, account } = Stack.of(this);
        allow(['cloudwatch:DescribeAlarms'], [`arn:${partition}:cloudwatch:${region}:${account}:alarm:${alarmNamePrefix(this)}*`]);
        NagSuppressions.addResourceSuppressions(
          fn.role,
          [
            {
              id: 'AwsSolutions-IAM5',
              reason: "Alarm ARNs end in the alarm's name; the wildcard covers only this stack's alarms (named with its prefix), which /api/alerts lists.",
              appliesTo: [{ regex: '/^Resource::arn:.*:cloudwatch:.*:alarm:[^:]+\\*$/g' }],
            },
          ],
          true,
        );
        return;
      }
    }
  }
}

/** The value of a route's `access.env` variable in AWS; undefined leaves the handler's default. */
function envValue(name: string, props: ApiProps, scope: Construct): string | undefined {
  const { config } = props;
  if (name.startsWith('ALERT_')) return undefined; // alert thresholds: the handler's defaults (docs/ops.md)
  switch (name) {
    case ENV.ASSETS_BUCKET:
      return props.assets.bucketName;
    case ENV.JOBS_QUEUE_URL:
      return props.queue.queueUrl;
    case ENV.JOBS_DLQ_URL:
      return props.deadLetterQueue.queueUrl;
    case ENV.STATE_MACHINE_ARN:
      return props.stateMachine.stateMachineArn;
    case ENV.RENDER:
      return props.renderProvider;
    case ENV.REMOTION_FUNCTION_NAME:
      return props.render.functionName;
    case ENV.REMOTION_REGION:
      return props.render.region;
    case ENV.ALARM_NAME_PREFIX:
      return alarmNamePrefix(scope);
    case ENV.MAX_RUNNING_PIPELINES:
      return String(config.maxRunningPipelines);
    case ENV.STARTING_CREDITS:
      return String(config.startingCredits);
    case ENV.CREDIT_PRICE_CENTS:
      return String(config.creditPriceCents);
    case ENV.ADMIN_USER_IDS:
      return config.adminUserIds;
    case ENV.APP_URL:
      return config.appUrl ?? props.dashboardUrl;
    case ENV.VOICE:
      return props.voiceProvider;
    case ENV.ELEVENLABS_VOICES:
      return config.elevenLabsVoices; // unset: the handler offers ElevenLabs' premade voices
    case ENV.MAX_ACTIVE_JOBS_PER_USER:
      return String(config.maxActiveJobsPerUser);
    case ENV.MAX_JOBS_PER_USER_PER_HOUR:
      return String(config.maxJobsPerUserPerHour);
    case ENV.MAX_JOBS_PER_USER_PER_DAY:
      return String(config.maxJobsPerUserPerDay);
    case ENV.INCLUDED_REGENERATIONS:
      return String(config.includedRegenerations);
    case ENV.REGENERATION_CREDITS:
      return String(config.regenerationCredits);
    case ENV.REVIEW_TTL_HOURS:
      return String(config.reviewTtlHours);
    case ENV.STRIPE_API_BASE:
      // A stub's URL in tests only; in AWS the SDK talks to Stripe itself.
      return undefined;
    default:
      throw new Error(`lib/cloud/api.ts does not know the value of ${name} (a route's access.env); say where it comes from.`);
  }
}
