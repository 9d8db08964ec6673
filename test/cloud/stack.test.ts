/**
 * The AiShorts stack, synthesized once (without bundling) with cdk.json's feature flags and
 * cdk-nag's AWS Solutions checks: the deployed pipeline is the local runner's ASL, every step
 * has its env and exactly its grants, tables match the local runtime's, and nag is clean.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { LambdaInternals } from '@remotion/lambda';
import { getRolePolicy } from '@remotion/lambda/policies';
import { tableUses, type StoreOperation, type StoreTable } from '../../lambdas/adapters/aws/store-operations.js';
import { API_ROUTES, routeKey } from '../../lambdas/api/routes.js';
import { stepAccess } from '../../lib/cloud/step-access.js';
import { QUEUE_FUNCTIONS } from '../../lambdas/queue/registry.js';
import { ENV } from '../../lambdas/shared/env.js';
import { API_FUNCTION_MEMORY_MB, API_FUNCTION_TIMEOUT_SECONDS, cloudRoutes, LOCAL_ONLY_PREFIX } from '../../lib/cloud/api.js';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';
import { PIPELINE_ASL, substitute } from '../../lib/local/state-machine-runner.js';
import { REPO_ROOT } from '../../lib/cloud/paths.js';
import { remotionFunctionZip } from '../../lib/cloud/render.js';
import { PLACEHOLDER_PAGE } from '../../lib/cloud/web.js';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { createTableInput, TABLE_DEFINITIONS, TABLES, type TableLogicalName } from '../../lib/cloud/table-definitions.js';
import { synthesize, TEST_ACCOUNT, TEST_REGION, type Synthesized } from './synth.js';
import {
  asList,
  grants,
  logicalId,
  render,
  resourcesOfType,
  stagedAssetPath,
  statementsByRole,
  type CfnTemplate,
  type Json,
} from './template-tools.js';

/** Short names of the tables in the grants below. */
const TABLE_NAMES: Record<StoreTable, string> = { JobsTable: 'jobs', AccountsTable: 'accounts', LedgerTable: 'ledger', IdempotencyTable: 'idempotency' };

/** The DynamoDB grants the code's store operations call for (lambdas/adapters/aws/store-operations.ts). */
function store(operations: readonly StoreOperation[]): string[] {
  return tableUses(operations).flatMap((use) => use.actions.map((action) => `dynamodb:${action} ${TABLE_NAMES[use.table]}${use.index ? `/index/${use.index}` : ''}`));
}

let synth: Synthesized;
let template: CfnTemplate;

beforeAll(() => {
  synth = synthesize();
  template = synth.template.toJSON() as CfnTemplate;
});

function resource(id: string) {
  const found = template.Resources[id];
  if (!found) throw new Error(`no resource ${id}`);
  return found;
}

function functionOf(stepId: string) {
  return resource(logicalId(synth.stack.pipeline.functions[stepId]!.function)).Properties!;
}

describe('the state machine', () => {
  it('deploys the ASL file the local runner executes, byte for byte after substitution', () => {
    const machine = resource(logicalId(synth.stack.pipeline.stateMachine)).Properties!;
    // DefinitionBody.fromFile: the definition is a file asset; CloudFormation substitutes `${…}` at deploy.
    const key = (machine.DefinitionS3Location as { Key: string }).Key;
    const deployed = readFileSync(stagedAssetPath(synth.outdir, synth.stack.stackName, key.replace(/\.json$/, '')), 'utf8');

    const arnOf = (id: string) => `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${id}`;
    const substitutions = Object.fromEntries(
      Object.entries(machine.DefinitionSubstitutions as Record<string, Json>).map(([name, value]) => [name, render(value, (id) => arnOf(id))]),
    );
    const expected = substitute(
      readFileSync(PIPELINE_ASL, 'utf8'),
      Object.fromEntries(STEP_FUNCTIONS.map((fn) => [fn.substitution, arnOf(logicalId(synth.stack.pipeline.functions[fn.id]!.function))])),
    );

    expect(substitute(deployed, substitutions)).toBe(expected);
    expect(Object.keys(substitutions).sort()).toEqual(STEP_FUNCTIONS.map((fn) => fn.substitution).sort());
  });

  it('is a Standard workflow with X-Ray and a log of every event', () => {
    const machine = resource(logicalId(synth.stack.pipeline.stateMachine)).Properties!;
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL' });
  });

  it('may invoke exactly the pipeline functions', () => {
    const statements = statementsByRole(template).get(logicalId(synth.stack.pipeline.stateMachine.role))!;
    const invokes = grants(statements).filter((g) => g.startsWith('lambda:'));
    expect(invokes).toEqual(STEP_FUNCTIONS.map((fn) => `lambda:InvokeFunction <${logicalId(synth.stack.pipeline.functions[fn.id]!.function)}.Arn>`).sort());
  });
});

describe('the step functions', () => {
  it('exist once per STEP_FUNCTIONS entry, on Node 24 arm64 with X-Ray, JSON logs and the registry sizes', () => {
    for (const spec of STEP_FUNCTIONS) {
      const fn = functionOf(spec.id);
      expect(fn, spec.id).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON' },
      });
      const logGroup = resource(render((fn.LoggingConfig as { LogGroup: Json }).LogGroup).replace(/^<|>$/g, ''));
      expect(logGroup.Properties!.RetentionInDays, spec.id).toBe(30);
    }
  });

  it('get the environment their handlers read', () => {
    const table = `<${logicalId(synth.stack.data.tables.JobsTable)}>`;
    const assets = `<${logicalId(synth.stack.assets.bucket)}>`;
    const secret = `<${logicalId(synth.stack.secrets.secret)}>`;
    const base = { NODE_OPTIONS: '--enable-source-maps', [ENV.JOBS_TABLE]: table };
    const remotion = {
      [ENV.REMOTION_FUNCTION_NAME]: synth.stack.render.functionName,
      [ENV.REMOTION_SERVE_URL]: `https://<${logicalId(synth.stack.render.siteDistribution)}.DomainName>/sites/ai-shorts/index.html`,
      [ENV.REMOTION_REGION]: TEST_REGION,
      [ENV.REMOTION_BUCKET]: `<${logicalId(synth.stack.render.bucket)}>`,
    };
    const expected: Record<string, Record<string, string>> = {
      GenerateScript: { ...base, [ENV.LLM]: 'groq', [ENV.PROVIDER_SECRET_ARN]: secret },
      ParseScript: base,
      GenerateImage: { ...base, [ENV.ASSETS_BUCKET]: assets, [ENV.IMAGES]: 'replicate', [ENV.PROVIDER_SECRET_ARN]: secret },
      GenerateVoice: { ...base, [ENV.ASSETS_BUCKET]: assets, [ENV.VOICE]: 'elevenlabs', [ENV.PROVIDER_SECRET_ARN]: secret },
      BuildCaptions: base,
      ComputeDuration: base,
      StartRender: { ...base, [ENV.ASSETS_BUCKET]: assets, [ENV.RENDER]: 'lambda', ...remotion },
      CheckRender: { ...base, [ENV.ASSETS_BUCKET]: assets, [ENV.RENDER]: 'lambda', ...remotion },
      FinalizeJob: { ...base, [ENV.ASSETS_BUCKET]: assets },
      // The refund transaction: DynamoCreditStore reads all four table names.
      FailJob: {
        ...base,
        [ENV.ACCOUNTS_TABLE]: `<${logicalId(synth.stack.data.tables.AccountsTable)}>`,
        [ENV.LEDGER_TABLE]: `<${logicalId(synth.stack.data.tables.LedgerTable)}>`,
        [ENV.IDEMPOTENCY_TABLE]: `<${logicalId(synth.stack.data.tables.IdempotencyTable)}>`,
      },
    };
    expect(Object.keys(expected).sort()).toEqual(STEP_FUNCTIONS.map((fn) => fn.id).sort());
    for (const spec of STEP_FUNCTIONS) {
      const variables = (functionOf(spec.id).Environment as { Variables: Record<string, Json> }).Variables;
      const rendered = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, render(v)]));
      expect(rendered, spec.id).toEqual(expected[spec.id]);
    }
  });
});

describe('IAM', () => {
  // Actions AWS offers no resource-level permissions for (X-Ray, Step Functions' log delivery).
  const UNSCOPABLE = new Set([
    'xray:PutTraceSegments',
    'xray:PutTelemetryRecords',
    'xray:GetSamplingRules',
    'xray:GetSamplingTargets',
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
  ]);

  it('grants no * action and Resource * only to actions that cannot be scoped', () => {
    for (const [role, statements] of statementsByRole(template)) {
      for (const statement of statements) {
        for (const action of asList(statement.Action)) {
          expect(action === '*' || action.endsWith(':*'), `${role}: ${action}`).toBe(false);
          if (asList(statement.Resource as Json[]).includes('*')) expect(UNSCOPABLE.has(action), `${role}: ${action} on *`).toBe(true);
        }
      }
    }
  });

  it("uses no wildcard in the actions of the app's own roles", () => {
    const ownRoles = [
      ...Object.values(synth.stack.pipeline.functions).map((fn) => fn.role),
      synth.stack.render.function.role!,
      synth.stack.pipeline.stateMachine.role,
    ].map(logicalId);
    const byRole = statementsByRole(template);
    for (const role of ownRoles) {
      for (const grant of grants(byRole.get(role)!)) expect(grant.split(' ')[0], `${role}: ${grant}`).not.toContain('*');
    }
  });

  it('gives each step exactly what its store operations, files, secret and renderer call for', () => {
    const names = new Map<string, string>([
      [logicalId(synth.stack.data.tables.JobsTable), 'jobs'],
      [logicalId(synth.stack.data.tables.AccountsTable), 'accounts'],
      [logicalId(synth.stack.data.tables.LedgerTable), 'ledger'],
      [logicalId(synth.stack.data.tables.IdempotencyTable), 'idempotency'],
      [logicalId(synth.stack.assets.bucket), 'assets'],
      [logicalId(synth.stack.render.bucket), 'render'],
      [logicalId(synth.stack.secrets.secret), 'secret'],
    ]);
    const renderFunction = `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${synth.stack.render.functionName}`;
    const base = ['logs:CreateLogStream own-logs', 'logs:PutLogEvents own-logs', 'xray:PutTelemetryRecords *', 'xray:PutTraceSegments *'];
    const secret = ['secretsmanager:GetSecretValue secret'];
    const invoke = 'lambda:InvokeFunction render-function';
    const assets = (read: string[], write: string[]) => [
      ...(read.length ? ['s3:ListBucket assets'] : []),
      ...read.map((prefix) => `s3:GetObject assets/${prefix}*`),
      ...write.map((prefix) => `s3:PutObject assets/${prefix}*`),
    ];
    const expected: Record<string, string[]> = {
      GenerateScript: [...secret],
      ParseScript: [],
      GenerateImage: [...secret, ...assets(['assets/'], ['assets/'])],
      GenerateVoice: [...secret, ...assets(['assets/'], ['assets/'])],
      BuildCaptions: [],
      ComputeDuration: [],
      // The preview plan is kept beside the video: videos/{jobId}/preview.json.
      StartRender: [invoke, 's3:PutObject render/input-props/*', ...assets(['assets/'], ['videos/'])],
      CheckRender: [invoke],
      FinalizeJob: [...assets(['videos/'], [])],
      FailJob: [],
    };
    const byRole = statementsByRole(template);
    for (const spec of STEP_FUNCTIONS) {
      const fn = synth.stack.pipeline.functions[spec.id]!;
      const ownLogs = logicalId(fn.logGroup);
      const actual = grants(byRole.get(logicalId(fn.role))!, (id) => (id === ownLogs ? 'own-logs' : (names.get(id) ?? `<${id}>`))).map((g) =>
        g.replace(renderFunction, 'render-function'),
      );
      expect(actual, spec.id).toEqual([...base, ...store(stepAccess(spec.id).store), ...expected[spec.id]!].sort());
    }
  });
});

describe('DynamoDB', () => {
  it('creates the tables the local runtime creates from lib/cloud/table-definitions.ts', () => {
    const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(TABLE_DEFINITIONS.length);
    for (const name of Object.keys(TABLES) as TableLogicalName[]) {
      const local = createTableInput(TABLES[name]);
      const cloud = resource(logicalId(synth.stack.data.tables[name])).Properties!;
      const byName = (a: { AttributeName?: string }, b: { AttributeName?: string }) => a.AttributeName!.localeCompare(b.AttributeName!);
      const byIndex = (a: { IndexName?: string }, b: { IndexName?: string }) => a.IndexName!.localeCompare(b.IndexName!);
      expect(cloud.KeySchema, name).toEqual(local.KeySchema);
      expect([...(cloud.AttributeDefinitions as { AttributeName: string }[])].sort(byName), name).toEqual([...local.AttributeDefinitions!].sort(byName));
      expect([...((cloud.GlobalSecondaryIndexes ?? []) as { IndexName: string }[])].sort(byIndex), name).toEqual(
        [...(local.GlobalSecondaryIndexes ?? [])].sort(byIndex),
      );
      expect(cloud.BillingMode).toBe(local.BillingMode);
      expect(cloud.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(cloud.SSESpecification).toMatchObject({ SSEEnabled: true });
    }
  });
});

describe('S3', () => {
  it('keeps every bucket private, encrypted and TLS-only', () => {
    for (const [id, bucket] of resourcesOfType(template, 'AWS::S3::Bucket')) {
      expect(bucket.Properties!.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties!.BucketEncryption, id).toBeDefined();
    }
    const policies = resourcesOfType(template, 'AWS::S3::BucketPolicy');
    for (const [id, policy] of policies) {
      const statements = (policy.Properties!.PolicyDocument as { Statement: { Effect: string; Condition?: Json }[] }).Statement;
      expect(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport')), id).toBe(true);
    }
  });

  it('expires intermediate assets and keeps videos by default', () => {
    const rules = (resource(logicalId(synth.stack.assets.bucket)).Properties!.LifecycleConfiguration as { Rules: { Prefix?: string; ExpirationInDays?: number }[] }).Rules;
    expect(rules.find((r) => r.Prefix === 'assets/')?.ExpirationInDays).toBe(30);
    expect(rules.find((r) => r.Prefix === 'videos/')).toBeUndefined();
  });
});

describe('Remotion Lambda', () => {
  it("is the function deployFunction() would create, from @remotion/lambda's zip and Remotion's layers", () => {
    const fn = resource(logicalId(synth.stack.render.function)).Properties!;
    expect(fn).toMatchObject({
      FunctionName: 'remotion-render-4-0-527-mem2048mb-disk2048mb-120sec',
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 2048,
      Timeout: 120,
      EphemeralStorage: { Size: 2048 },
    });
    expect(fn.Layers).toEqual(LambdaInternals.getLayers({ option: 'default', region: TEST_REGION }).map((l) => `${l.layerArn}:${l.version}`));
    const staged = stagedAssetPath(synth.outdir, synth.stack.stackName, (fn.Code as { S3Key: string }).S3Key.replace(/\.zip$/, ''));
    const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
    expect(sha(staged)).toBe(sha(remotionFunctionZip()));
    const retries = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').map(([, r]) => r.Properties!);
    expect(retries).toContainEqual(expect.objectContaining({ MaximumRetryAttempts: 0 }));
  });

  it("grants its role only actions from Remotion's documented role policy", () => {
    const documented = new Set(
      (JSON.parse(getRolePolicy()) as { Statement: { Action: string[] }[] }).Statement.flatMap((s) => s.Action),
    );
    const statements = statementsByRole(template).get(logicalId(synth.stack.render.function.role!))!;
    for (const grant of grants(statements)) expect(documented.has(grant.split(' ')[0]!), grant).toBe(true);
  });

  it('serves only the site through CloudFront; the bucket stays private', () => {
    const policy = resourcesOfType(template, 'AWS::S3::BucketPolicy').find(
      ([, p]) => render(p.Properties!.Bucket as Json) === `<${logicalId(synth.stack.render.bucket)}>`,
    )!;
    const allows = (policy[1].Properties!.PolicyDocument as { Statement: { Effect: string; Principal: Json; Action: Json; Resource: Json }[] }).Statement.filter(
      (s) => s.Effect === 'Allow',
    );
    expect(allows.map((s) => [s.Principal, s.Action, render(s.Resource)])).toEqual([
      [{ Service: 'cloudfront.amazonaws.com' }, 's3:GetObject', `<${logicalId(synth.stack.render.bucket)}.Arn>/sites/ai-shorts/*`],
    ]);
  });
});

describe('the web', () => {
  it('routes /api/* to the HTTP API uncached, every method, all viewer headers but Host; shows the placeholder page until frontend/dist exists', () => {
    const cdn = resource(logicalId(synth.stack.web.distribution)).Properties!.DistributionConfig as {
      CacheBehaviors: Record<string, Json>[];
      Origins: { Id: string; DomainName: Json; CustomOriginConfig?: Record<string, Json> }[];
    };
    expect(cdn.CacheBehaviors).toHaveLength(1);
    const api = cdn.CacheBehaviors[0]!;
    expect(api).toMatchObject({
      PathPattern: '/api/*',
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
      OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
    });
    const origin = cdn.Origins.find((o) => o.Id === api.TargetOriginId)!;
    expect(render(origin.DomainName)).toBe(`<${logicalId(synth.stack.api.httpApi)}>.execute-api.${TEST_REGION}.<AWS::URLSuffix>`);
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    expect(synth.stack.web.built).toBe(existsSync(join(REPO_ROOT, 'frontend/dist/index.html')));
    expect(PLACEHOLDER_PAGE).toContain('The dashboard is not built yet');
  });
});

/** Readable names for the grants of the API and queue functions. */
function grantNames(): Map<string, string> {
  const { stack } = synth;
  return new Map<string, string>([
    [logicalId(stack.data.tables.JobsTable), 'jobs'],
    [logicalId(stack.data.tables.AccountsTable), 'accounts'],
    [logicalId(stack.data.tables.LedgerTable), 'ledger'],
    [logicalId(stack.data.tables.IdempotencyTable), 'idempotency'],
    [logicalId(stack.assets.bucket), 'assets'],
    [logicalId(stack.apiSecrets.secret), 'api-secret'],
    [logicalId(stack.secrets.secret), 'provider-secret'],
    [logicalId(stack.jobQueue.queue), 'queue'],
    [logicalId(stack.jobQueue.deadLetterQueue), 'dlq'],
    [logicalId(stack.pipeline.stateMachine), 'machine'],
  ]);
}

function grantsOf(fn: { role: { node: unknown }; logGroup: unknown } & { role: Parameters<typeof logicalId>[0]; logGroup: Parameters<typeof logicalId>[0] }): string[] {
  const names = grantNames();
  const ownLogs = logicalId(fn.logGroup);
  const renderFunction = `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${synth.stack.render.functionName}`;
  return grants(statementsByRole(template).get(logicalId(fn.role))!, (id, attr) =>
    id === ownLogs ? 'own-logs' : attr === 'Name' && names.get(id) ? `${names.get(id)}-name` : (names.get(id) ?? `<${id}${attr ? `.${attr}` : ''}>`),
  ).map((g) => g.replace(renderFunction, 'render-function'));
}

const LAMBDA_BASE = ['logs:CreateLogStream own-logs', 'logs:PutLogEvents own-logs', 'xray:PutTelemetryRecords *', 'xray:PutTraceSegments *'];
const API_SECRET = ['secretsmanager:GetSecretValue api-secret'];

describe('the HTTP API', () => {
  const deployed = cloudRoutes();

  it('has one route with a Lambda proxy integration (payload 2.0) per non-local route of the route table', () => {
    const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!);
    const integrations = new Map(resourcesOfType(template, 'AWS::ApiGatewayV2::Integration').map(([id, r]) => [id, r.Properties!]));
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(deployed.map(routeKey).sort());
    for (const route of deployed) {
      const cfn = routes.find((r) => r.RouteKey === routeKey(route))!;
      const integrationId = render(cfn.Target!).replace(/^integrations\/<|>$/g, '');
      expect(integrations.get(integrationId), route.id).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
      expect(render(integrations.get(integrationId)!.IntegrationUri!), route.id).toBe(`<${logicalId(synth.stack.api.functions[route.id]!.function)}.Arn>`);
      expect(cfn.AuthorizationType ?? 'NONE', route.id).toBe('NONE'); // the handlers verify Clerk tokens
    }
    expect(deployed.length).toBe(API_ROUTES.length - API_ROUTES.filter((r) => r.path.startsWith(LOCAL_ONLY_PREFIX)).length);
  });

  it('never deploys a local-only /api/dev/* route', () => {
    const routeKeys = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => String(r.Properties!.RouteKey));
    expect(routeKeys.filter((key) => key.includes(LOCAL_ONLY_PREFIX))).toEqual([]);
    // Even if one were added to the table, it would be filtered out.
    const dev = { ...API_ROUTES[0]!, id: 'DevSession', method: 'POST' as const, path: '/api/dev/session' };
    expect(cloudRoutes([...API_ROUTES, dev]).map((r) => r.id)).not.toContain('DevSession');
  });

  it('logs access on its $default stage and throttles it', () => {
    const stages = resourcesOfType(template, 'AWS::ApiGatewayV2::Stage').map(([, r]) => r.Properties!);
    expect(stages).toHaveLength(1);
    expect(stages[0]).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 } });
    expect(render((stages[0]!.AccessLogSettings as { DestinationArn: Json }).DestinationArn)).toBe(`<${logicalId(synth.stack.api.accessLogs)}.Arn>`);
  });

  it('runs each route on Node 24 arm64 with X-Ray and JSON logs', () => {
    for (const route of deployed) {
      expect(resource(logicalId(synth.stack.api.functions[route.id]!.function)).Properties, route.id).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: API_FUNCTION_MEMORY_MB,
        Timeout: API_FUNCTION_TIMEOUT_SECONDS,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON' },
      });
    }
  });

  it('gives each route exactly what its store operations, files, queue and operator reads call for', () => {
    // Without CLERK_JWT_KEY in the context, user routes verify tokens with CLERK_SECRET_KEY from the API secret.
    const user = API_SECRET;
    const health = ['dynamodb:DescribeTable jobs', 's3:ListBucket assets', 'sqs:GetQueueAttributes queue', 'states:DescribeStateMachine machine', 'lambda:GetFunction render-function'];
    const expected: Record<string, string[]> = {
      CreateVideo: [...user, 'sqs:SendMessage queue'],
      ListVideos: [...user, 's3:ListBucket assets', 's3:GetObject assets/assets/images/*'],
      GetVideo: [...user, 's3:ListBucket assets', 's3:GetObject assets/videos/*', 's3:GetObject assets/assets/images/*', 's3:GetObject assets/assets/voice/*'],
      GetVideoFile: [...user, 's3:ListBucket assets', 's3:GetObject assets/videos/*'],
      DeleteVideo: [...user, 's3:ListBucket assets', 's3:DeleteObject assets/videos/*'],
      RetryVideo: [...user, 'sqs:SendMessage queue'],
      ListVoices: [...user],
      GetCredits: [...user],
      GetMe: [...user],
      CreateCheckout: [...user],
      StripeWebhook: [...API_SECRET],
      OpenApi: [],
      GetHealth: [...user, ...health],
      GetMetrics: [...user],
      GetQueueStatus: [...user, 'sqs:GetQueueAttributes queue', 'sqs:GetQueueAttributes dlq'],
      GetAlerts: [
        ...user,
        ...health,
        'sqs:GetQueueAttributes dlq',
        `cloudwatch:DescribeAlarms arn:aws:cloudwatch:${TEST_REGION}:${TEST_ACCOUNT}:alarm:${synth.stack.stackName}-*`,
      ],
    };
    expect(Object.keys(expected).sort()).toEqual(deployed.map((r) => r.id).sort());
    for (const route of deployed) {
      const wanted = [...new Set([...LAMBDA_BASE, ...store(route.access.store), ...expected[route.id]!])].sort();
      expect(grantsOf(synth.stack.api.functions[route.id]!), route.id).toEqual(wanted);
    }
  });

  it('gives the API secret only to the routes that read it, and the vendor keys to none', () => {
    const secret = `<${logicalId(synth.stack.apiSecrets.secret)}>`;
    for (const route of deployed) {
      const variables = (resource(logicalId(synth.stack.api.functions[route.id]!.function)).Properties!.Environment as { Variables: Record<string, Json> }).Variables;
      const readsSecret = route.auth === 'user' || (route.access.secrets?.length ?? 0) > 0;
      expect(variables[ENV.PROVIDER_SECRET_ARN] === undefined ? undefined : render(variables[ENV.PROVIDER_SECRET_ARN]!), route.id).toBe(readsSecret ? secret : undefined);
      if (route.auth === 'user') expect(render(variables[ENV.CLERK_AUTHORIZED_PARTIES]!), route.id).toBe(`https://<${logicalId(synth.stack.web.distribution)}.DomainName>`);
    }
  });

  it('gives the routes that order a video the voice provider and the limits per user, and the dispatcher its share per user', () => {
    const variables = (id: string) => (resource(logicalId(synth.stack.api.functions[id]!.function)).Properties!.Environment as { Variables: Record<string, Json> }).Variables;
    for (const id of ['CreateVideo', 'RetryVideo']) {
      expect(variables(id), id).toMatchObject({
        [ENV.VOICE]: 'elevenlabs',
        [ENV.MAX_ACTIVE_JOBS_PER_USER]: '3',
        [ENV.MAX_JOBS_PER_USER_PER_HOUR]: '20',
        [ENV.MAX_JOBS_PER_USER_PER_DAY]: '100',
      });
    }
    expect(variables('ListVoices')[ENV.VOICE]).toBe('elevenlabs');
    const dispatcher = (resource(logicalId(synth.stack.jobQueue.dispatcher.function)).Properties!.Environment as { Variables: Record<string, Json> }).Variables;
    expect(dispatcher[ENV.MAX_RUNNING_PER_USER]).toBe('2');
  });

  it('sets the table names DynamoCreditStore reads on every function that touches credits', () => {
    const tableEnv = [ENV.JOBS_TABLE, ENV.ACCOUNTS_TABLE, ENV.LEDGER_TABLE, ENV.IDEMPOTENCY_TABLE];
    for (const route of deployed.filter((r) => r.access.store.some((operation) => operation.startsWith('credits.')))) {
      const variables = (resource(logicalId(synth.stack.api.functions[route.id]!.function)).Properties!.Environment as { Variables: Record<string, Json> }).Variables;
      for (const name of tableEnv) expect(variables[name], `${route.id} ${name}`).toBeDefined();
    }
  });

  it('outputs its URL', () => {
    const outputs = (synth.template.toJSON() as { Outputs: Record<string, { Value: Json }> }).Outputs;
    expect(render(outputs.ApiUrl!.Value)).toBe(`<${logicalId(synth.stack.api.httpApi)}.ApiEndpoint>`);
  });
});

describe('the job queue', () => {
  const spec = (id: string) => QUEUE_FUNCTIONS.find((fn) => fn.id === id)!;

  it('is encrypted and TLS-only, with a dead-letter queue after 5 receives and a visibility timeout of 6 × the dispatcher timeout', () => {
    const queue = resource(logicalId(synth.stack.jobQueue.queue)).Properties!;
    const dlq = resource(logicalId(synth.stack.jobQueue.deadLetterQueue)).Properties!;
    expect(queue).toMatchObject({ SqsManagedSseEnabled: true, VisibilityTimeout: 6 * spec('DispatchJobs').timeoutSeconds });
    expect(dlq).toMatchObject({ SqsManagedSseEnabled: true });
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(synth.stack.jobQueue.deadLetterQueue), 'Arn'] }, maxReceiveCount: 5 });
    for (const q of [synth.stack.jobQueue.queue, synth.stack.jobQueue.deadLetterQueue]) {
      const policy = resourcesOfType(template, 'AWS::SQS::QueuePolicy').find(([, p]) => asList(p.Properties!.Queues as Json[]).some((ref) => render(ref) === `<${logicalId(q)}>`));
      const statements = (policy![1].Properties!.PolicyDocument as { Statement: { Effect: string; Condition?: Json }[] }).Statement;
      expect(statements.some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition).includes('aws:SecureTransport')), logicalId(q)).toBe(true);
    }
  });

  it('feeds the dispatcher (batches of 10, partial failures, reserved concurrency 1)', () => {
    const dispatcher = synth.stack.jobQueue.dispatcher;
    expect(resource(logicalId(dispatcher.function)).Properties).toMatchObject({
      ReservedConcurrentExecutions: 1,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: spec('DispatchJobs').timeoutSeconds,
    });
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties!);
    expect(mappings).toHaveLength(1);
    expect(render(mappings[0]!.FunctionName!)).toBe(`<${logicalId(dispatcher.function)}>`);
    expect(render(mappings[0]!.EventSourceArn!)).toBe(`<${logicalId(synth.stack.jobQueue.queue)}.Arn>`);
    expect(mappings[0]).toMatchObject({ BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  it('runs the sweeper every 5 minutes', () => {
    const rule = resource(logicalId(synth.stack.jobQueue.schedule)).Properties!;
    expect(rule.ScheduleExpression).toBe('rate(5 minutes)');
    expect((rule.Targets as { Arn: Json }[]).map((t) => render(t.Arn))).toEqual([`<${logicalId(synth.stack.jobQueue.sweeper.function)}.Arn>`]);
  });

  it('gives the dispatcher and the sweeper exactly what they touch', () => {
    const executions = `arn:aws:states:${TEST_REGION}:${TEST_ACCOUNT}:execution:machine-name:*`;
    const receive = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'].map((a) => `${a} queue`);
    expect(grantsOf(synth.stack.jobQueue.dispatcher)).toEqual(
      [...LAMBDA_BASE, ...store(['jobs.get', 'jobs.update', 'jobs.listByStatus']), 'sqs:SendMessage queue', ...receive, 'states:StartExecution machine'].sort(),
    );
    expect(grantsOf(synth.stack.jobQueue.sweeper)).toEqual(
      [
        ...LAMBDA_BASE,
        ...store(['jobs.get', 'jobs.update', 'jobs.listByStatus', 'credits.refund']),
        'sqs:SendMessage queue',
        `states:DescribeExecution ${executions}`,
        `states:StopExecution ${executions}`,
      ].sort(),
    );
  });
});

describe('cdk-nag (AWS Solutions)', () => {
  it('reports no unsuppressed error', () => {
    const errors = Annotations.fromStack(synth.stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors.map((e) => `${e.id}: ${String(e.entry.data).split('\n')[0]}`)).toEqual([]);
  });
});

describe('snapshot', () => {
  it('keeps the resource list and function shapes (asset hashes left out)', () => {
    const shape = Object.fromEntries(
      Object.entries(template.Resources)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, r]) => {
          const p = r.Properties ?? {};
          return [
            id,
            r.Type === 'AWS::Lambda::Function'
              ? `${r.Type} ${String(p.Runtime)} ${String(p.MemorySize)}MB ${String(p.Timeout)}s`
              : r.Type,
          ];
        }),
    );
    expect(shape).toMatchSnapshot();
  });
});
