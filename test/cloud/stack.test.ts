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
import { API_ROUTES, routeKey, storeOperationsOf } from '../../lambdas/api/routes.js';
import { MCP_TOOLS } from '../../lambdas/mcp/server.js';
import { stepAccess } from '../../lib/cloud/step-access.js';
import { QUEUE_FUNCTIONS } from '../../lambdas/queue/registry.js';
import { ENV } from '../../lambdas/shared/env.js';
import { SECRET_ARN_VARIABLES, SECRET_KEYS, type SecretKey } from '../../lambdas/shared/secret-keys.js';
import { API_FUNCTION_MEMORY_MB, API_FUNCTION_TIMEOUT_SECONDS, API_THROTTLE, cloudRoutes, LOCAL_ONLY_PREFIX } from '../../lib/cloud/api.js';
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
const TABLE_NAMES: Record<StoreTable, string> = {
  JobsTable: 'jobs',
  AccountsTable: 'accounts',
  LedgerTable: 'ledger',
  IdempotencyTable: 'idempotency',
  ApiKeysTable: 'apikeys',
  WebhooksTable: 'webhooks',
};

/** The DynamoDB grants the code's store operations call for (lambdas/adapters/aws/store-operations.ts). */
function store(operations: readonly StoreOperation[]): string[] {
  return tableUses(operations).flatMap((use) =>
    use.actions.map((action) => `dynamodb:${action} ${TABLE_NAMES[use.table]}${use.index ? `/index/${use.index}` : ''}${use.attributes ? ` only ${use.attributes.join(',')}` : ''}`),
  );
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

describe('the stack', () => {
  // CloudFormation refuses a stack of more than 500 resources, and CDK refuses to synthesize one.
  // Keeping a tenth free makes this test fail a few routes before a deploy would.
  it("keeps a tenth of CloudFormation's 500 resources free", () => {
    expect(Object.keys(template.Resources).length).toBeLessThanOrEqual(450);
  });
});

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
    const secret = (key: SecretKey) => ({ [SECRET_ARN_VARIABLES[key]]: `<${logicalId(synth.stack.secrets.of(key))}>` });
    const base = { NODE_OPTIONS: '--enable-source-maps', [ENV.JOBS_TABLE]: table };
    const webhookQueue = `<${logicalId(synth.stack.webhooks.queue)}>`;
    const remotion = {
      [ENV.REMOTION_FUNCTION_NAME]: synth.stack.render.functionName,
      [ENV.REMOTION_SERVE_URL]: `https://<${logicalId(synth.stack.render.siteDistribution)}.DomainName>/sites/ai-shorts/index.html`,
      [ENV.REMOTION_REGION]: TEST_REGION,
      [ENV.REMOTION_BUCKET]: `<${logicalId(synth.stack.render.bucket)}>`,
    };
    const expected: Record<string, Record<string, string>> = {
      GenerateScript: { ...base, [ENV.LLM]: 'groq', ...secret('GROQ_API_KEY') },
      ParseScript: base,
      GenerateImage: { ...base, [ENV.ASSETS_BUCKET]: assets, [ENV.IMAGES]: 'replicate', ...secret('REPLICATE_API_TOKEN') },
      GenerateVoice: { ...base, [ENV.ASSETS_BUCKET]: assets, [ENV.VOICE]: 'elevenlabs', ...secret('ELEVENLABS_API_KEY') },
      GenerateMusic: { ...base, [ENV.ASSETS_BUCKET]: assets, [ENV.MUSIC]: 'elevenlabs', ...secret('ELEVENLABS_API_KEY') },
      BuildCaptions: base,
      ComputeDuration: base,
      HoldForReview: { ...base, [ENV.ASSETS_BUCKET]: assets, [ENV.REVIEW_TTL_HOURS]: '168' },
      StartRender: { ...base, [ENV.ASSETS_BUCKET]: assets, [ENV.RENDER]: 'lambda', ...remotion },
      CheckRender: { ...base, [ENV.ASSETS_BUCKET]: assets, [ENV.RENDER]: 'lambda', ...remotion },
      FinalizeJob: { ...base, [ENV.ASSETS_BUCKET]: assets, [ENV.WEBHOOK_QUEUE_URL]: webhookQueue },
      // The refund transaction: DynamoCreditStore reads all four table names.
      FailJob: {
        ...base,
        [ENV.WEBHOOK_QUEUE_URL]: webhookQueue,
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
      [logicalId(synth.stack.webhooks.queue), 'webhooks-queue'],
      ...SECRET_KEYS.map((key): [string, string] => [logicalId(synth.stack.secrets.of(key)), `secret:${key}`]),
    ]);
    const renderFunction = `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${synth.stack.render.functionName}`;
    const base = ['logs:CreateLogStream own-logs', 'logs:PutLogEvents own-logs', 'xray:PutTelemetryRecords *', 'xray:PutTraceSegments *'];
    const secret = (key: SecretKey) => [`secretsmanager:GetSecretValue secret:${key}`];
    const invoke = 'lambda:InvokeFunction render-function';
    const assets = (read: string[], write: string[]) => [
      ...(read.length ? ['s3:ListBucket assets'] : []),
      ...read.map((prefix) => `s3:GetObject assets/${prefix}*`),
      ...write.map((prefix) => `s3:PutObject assets/${prefix}*`),
    ];
    const expected: Record<string, string[]> = {
      GenerateScript: [...secret('GROQ_API_KEY')],
      ParseScript: [],
      // Reads the pictures users uploaded for scenes (videos/{jobId}/uploads/), writes only drawn ones.
      GenerateImage: [...secret('REPLICATE_API_TOKEN'), ...assets(['assets/', 'videos/*/uploads/'], ['assets/'])],
      GenerateVoice: [...secret('ELEVENLABS_API_KEY'), ...assets(['assets/'], ['assets/'])],
      // Reads the user's uploaded track (uploads/music/{userId}/…), writes only content-addressed beds.
      GenerateMusic: [...secret('ELEVENLABS_API_KEY'), ...assets(['assets/', 'uploads/music/'], ['assets/'])],
      BuildCaptions: [],
      ComputeDuration: [],
      // The preview plan is kept beside the video: videos/{jobId}/preview.json.
      // Hold for Review writes the same preview plan and moves the job to REVIEW.
      HoldForReview: assets([], ['videos/']),
      // Presigns every scene's picture for the renderer, a user's upload (videos/{jobId}/uploads/) and a brand logo (brand/) too.
      StartRender: [invoke, 's3:PutObject render/input-props/*', ...assets(['assets/', 'videos/*/uploads/', 'brand/'], ['videos/'])],
      CheckRender: [invoke],
      // Finalize Job and Fail Job send the job's end to the webhooks queue, and may do nothing else with it.
      FinalizeJob: [...assets(['videos/'], []), 'sqs:SendMessage webhooks-queue'],
      FailJob: ['sqs:SendMessage webhooks-queue'],
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
    [logicalId(stack.data.tables.ApiKeysTable), 'apikeys'],
    [logicalId(stack.assets.bucket), 'assets'],
    ...SECRET_KEYS.map((key): [string, string] => [logicalId(stack.secrets.of(key)), `secret:${key}`]),
    [logicalId(stack.jobQueue.queue), 'queue'],
    [logicalId(stack.jobQueue.deadLetterQueue), 'dlq'],
    [logicalId(stack.data.tables.WebhooksTable), 'webhooks'],
    [logicalId(stack.webhooks.queue), 'webhooks-queue'],
    [logicalId(stack.webhooks.deadLetterQueue), 'webhooks-dlq'],
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
const readsSecret = (...keys: SecretKey[]) => keys.map((key) => `secretsmanager:GetSecretValue secret:${key}`);
/** Every route checks the origin-verify value CloudFront sends. */
const ORIGIN = readsSecret('ORIGIN_VERIFY');

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

  it('logs access on its $default stage and throttles each route with its own bucket, the webhook apart', () => {
    const stages = resourcesOfType(template, 'AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    const [stageId, stage] = stages[0]!;
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: API_THROTTLE.rateLimit, ThrottlingBurstLimit: API_THROTTLE.burstLimit },
    });
    expect(render((stage.Properties!.AccessLogSettings as { DestinationArn: Json }).DestinationArn)).toBe(`<${logicalId(synth.stack.api.accessLogs)}.Arn>`);
    // Every deployed route has its own throttle, as the route table declares it.
    const settings = stage.Properties!.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    expect(Object.keys(settings).sort()).toEqual(deployed.map(routeKey).sort());
    for (const route of deployed) {
      expect(settings[routeKey(route)], route.id).toEqual({ ThrottlingRateLimit: route.throttle.rate, ThrottlingBurstLimit: route.throttle.burst });
    }
    // Ordering is tight; Stripe's deliveries have room of their own.
    expect(settings['POST /api/videos']!.ThrottlingRateLimit).toBeLessThanOrEqual(10);
    expect(settings['POST /api/billing/webhook']!.ThrottlingRateLimit).toBeGreaterThanOrEqual(settings['POST /api/videos']!.ThrottlingRateLimit * 5);
    // CloudFormation refuses RouteSettings naming a route that does not exist yet.
    const dependsOn = asList((template.Resources[stageId] as { DependsOn?: string | string[] }).DependsOn);
    for (const route of deployed) expect(dependsOn, route.id).toContain(logicalId(synth.stack.api.routes[route.id]!));
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
    // Without CLERK_JWT_KEY in the context, user routes verify tokens with CLERK_SECRET_KEY from its secret.
    const user = [...ORIGIN, ...readsSecret('CLERK_SECRET_KEY')];
    const health = ['dynamodb:DescribeTable jobs', 's3:ListBucket assets', 'sqs:GetQueueAttributes queue', 'states:DescribeStateMachine machine', 'lambda:GetFunction render-function'];
    const expected: Record<string, string[]> = {
      // Reads an ordered track's record (uploads/music/{userId}/…) to check it is the caller's.
      CreateVideo: [...user, 'sqs:SendMessage queue', 's3:ListBucket assets', 's3:GetObject assets/uploads/music/*'],
      CreateBatch: [...user, 'sqs:SendMessage queue'],
      GetBatch: [...user],
      ListVideos: [...user, 's3:ListBucket assets', 's3:GetObject assets/assets/images/*', 's3:GetObject assets/videos/*/uploads/*'],
      GetVideo: [...user, 's3:ListBucket assets', 's3:GetObject assets/videos/*', 's3:GetObject assets/assets/images/*', 's3:GetObject assets/assets/voice/*', 's3:GetObject assets/assets/music/*', 's3:GetObject assets/brand/*'],
      GetVideoFile: [...user, 's3:ListBucket assets', 's3:GetObject assets/videos/*'],
      DeleteVideo: [...user, 's3:ListBucket assets', 's3:DeleteObject assets/videos/*'],
      RetryVideo: [...user, 'sqs:SendMessage queue'],
      ListVoices: [...user],
      GetCredits: [...user],
      GetMe: [...user],
      // The MCP server: what its tools' routes (CreateVideo, ListVideos, GetVideo, GetCredits, ListVoices) hold together, no more.
      Mcp: [...user, 'sqs:SendMessage queue', 's3:ListBucket assets', 's3:GetObject assets/videos/*', 's3:GetObject assets/assets/images/*', 's3:GetObject assets/assets/voice/*', 's3:GetObject assets/assets/music/*', 's3:GetObject assets/videos/*/uploads/*', 's3:GetObject assets/uploads/music/*', 's3:GetObject assets/brand/*'],
      CreateCheckout: [...user, ...readsSecret('STRIPE_SECRET_KEY')],
      CreateApiKey: [...user],
      ListApiKeys: [...user],
      RevokeApiKey: [...user],
      StripeWebhook: [...ORIGIN, ...readsSecret('STRIPE_WEBHOOK_SECRET')],
      OpenApi: [...ORIGIN],
      GetHealth: [...user, ...health],
      GetMetrics: [...user],
      GetQueueStatus: [...user, 'sqs:GetQueueAttributes queue', 'sqs:GetQueueAttributes dlq'],
      GetAlerts: [
        ...user,
        ...health,
        'sqs:GetQueueAttributes dlq',
        `cloudwatch:DescribeAlarms arn:aws:cloudwatch:${TEST_REGION}:${TEST_ACCOUNT}:alarm:${synth.stack.stackName}-*`,
      ],
      CreateWebhook: [...user],
      ListWebhooks: [...user],
      DeleteWebhook: [...user],
      RotateWebhookSecret: [...user],
      ListWebhookDeliveries: [...user],
      ResendWebhookDelivery: [...user, 'sqs:SendMessage webhooks-queue'],
      GetWebhookSecret: [...user],
      // Review before render: edits queue the job again; the upload presigns a PUT under videos/; the checked picture is read there.
      PatchScene: [...user, 'sqs:SendMessage queue'],
      PatchStoryboard: [...user, 'sqs:SendMessage queue'],
      RegenerateScene: [...user, 'sqs:SendMessage queue'],
      UploadScenePicture: [...user, 's3:PutObject assets/videos/*'],
      SetScenePicture: [...user, 'sqs:SendMessage queue', 's3:ListBucket assets', 's3:GetObject assets/videos/*'],
      RenderVideo: [...user, 'sqs:SendMessage queue'],
      ReopenVideo: [...user, 's3:ListBucket assets', 's3:GetObject assets/videos/*'],
      // The brand kit: its logo lives under brand/{sha256(user)}/.
      GetBrand: [...user, 's3:ListBucket assets', 's3:GetObject assets/brand/*'],
      PutBrand: [...user, 's3:ListBucket assets', 's3:GetObject assets/brand/*'],
      UploadBrandLogo: [...user, 's3:PutObject assets/brand/*'],
      SetBrandLogo: [...user, 's3:ListBucket assets', 's3:GetObject assets/brand/*', 's3:DeleteObject assets/brand/*'],
      DeleteBrandLogo: [...user],
      // Music tracks users upload: uploads/music/{userId}/{trackId} and its record beside it.
      CreateMusicUpload: [...user, 's3:PutObject assets/uploads/music/*'],
      CheckMusicTrack: [...user, 's3:ListBucket assets', 's3:GetObject assets/uploads/music/*', 's3:PutObject assets/uploads/music/*', 's3:DeleteObject assets/uploads/music/*'],
      ListMusic: [...user, 's3:ListBucket assets', 's3:GetObject assets/uploads/music/*'],
      DeleteMusicTrack: [...user, 's3:ListBucket assets', 's3:GetObject assets/uploads/music/*', 's3:DeleteObject assets/uploads/music/*'],
    };
    expect(Object.keys(expected).sort()).toEqual(deployed.map((r) => r.id).sort());
    for (const route of deployed) {
      const wanted = [...new Set([...LAMBDA_BASE, ...store(storeOperationsOf(route)), ...expected[route.id]!])].sort();
      expect(grantsOf(synth.stack.api.functions[route.id]!), route.id).toEqual(wanted);
    }
  });

  it('gives the MCP function exactly the union of the grants of the routes its tools run', () => {
    const union = new Set(MCP_TOOLS.flatMap((tool) => grantsOf(synth.stack.api.functions[tool.route]!)));
    expect([...grantsOf(synth.stack.api.functions.Mcp!)].sort()).toEqual([...union].sort());
    expect(deployed.find((r) => r.id === 'Mcp')).toMatchObject({ method: 'POST', path: '/api/mcp', auth: 'user' });
  });

  it("names, in each route's env, the secrets of exactly the keys it reads", () => {
    for (const route of deployed) {
      const variables = (resource(logicalId(synth.stack.api.functions[route.id]!.function)).Properties!.Environment as { Variables: Record<string, Json> }).Variables;
      const keys = new Set<SecretKey>(['ORIGIN_VERIFY', ...(route.access.secrets ?? []), ...(route.auth === 'user' ? (['CLERK_SECRET_KEY'] as const) : [])]);
      for (const key of SECRET_KEYS) {
        const variable = variables[SECRET_ARN_VARIABLES[key]];
        expect(variable === undefined ? undefined : render(variable), `${route.id} ${key}`).toBe(keys.has(key) ? `<${logicalId(synth.stack.secrets.of(key))}>` : undefined);
      }
      if (route.auth === 'user') expect(render(variables[ENV.CLERK_AUTHORIZED_PARTIES]!), route.id).toBe(`https://<${logicalId(synth.stack.web.distribution)}.DomainName>`);
    }
  });

  it('gives the routes that order a video the voice provider and the limits per user, and the dispatcher its share per user', () => {
    const variables = (id: string) => (resource(logicalId(synth.stack.api.functions[id]!.function)).Properties!.Environment as { Variables: Record<string, Json> }).Variables;
    for (const id of ['CreateVideo', 'RetryVideo', 'Mcp']) {
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
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')
      .map(([, r]) => r.Properties!)
      .filter((m) => render(m.EventSourceArn!) === `<${logicalId(synth.stack.jobQueue.queue)}.Arn>`);
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
        'sqs:SendMessage webhooks-queue',
        `states:DescribeExecution ${executions}`,
        `states:StopExecution ${executions}`,
      ].sort(),
    );
  });
});

describe('the webhooks queue', () => {
  const spec = QUEUE_FUNCTIONS.find((fn) => fn.id === 'DeliverWebhooks')!;
  const receive = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'].map((a) => `${a} webhooks-queue`);

  it('is encrypted and TLS-only, with a dead-letter queue after 5 receives and a visibility timeout of 6 × the deliverer timeout', () => {
    const queue = resource(logicalId(synth.stack.webhooks.queue)).Properties!;
    expect(queue).toMatchObject({ SqsManagedSseEnabled: true, VisibilityTimeout: 6 * spec.timeoutSeconds });
    expect(resource(logicalId(synth.stack.webhooks.deadLetterQueue)).Properties).toMatchObject({ SqsManagedSseEnabled: true });
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(synth.stack.webhooks.deadLetterQueue), 'Arn'] }, maxReceiveCount: 5 });
    for (const q of [synth.stack.webhooks.queue, synth.stack.webhooks.deadLetterQueue]) {
      const policy = resourcesOfType(template, 'AWS::SQS::QueuePolicy').find(([, p]) => asList(p.Properties!.Queues as Json[]).some((ref) => render(ref) === `<${logicalId(q)}>`));
      const statements = (policy![1].Properties!.PolicyDocument as { Statement: { Effect: string; Condition?: Json }[] }).Statement;
      expect(statements.some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition).includes('aws:SecureTransport')), logicalId(q)).toBe(true);
    }
  });

  it('feeds the deliverer (batches of 10, partial failures), which gets exactly what it touches and the retry schedule', () => {
    const deliverer = synth.stack.webhooks.deliverer;
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')
      .map(([, r]) => r.Properties!)
      .filter((m) => render(m.FunctionName!) === `<${logicalId(deliverer.function)}>`);
    expect(mappings).toHaveLength(1);
    expect(render(mappings[0]!.EventSourceArn!)).toBe(`<${logicalId(synth.stack.webhooks.queue)}.Arn>`);
    expect(mappings[0]).toMatchObject({ BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(grantsOf(deliverer)).toEqual(
      [...LAMBDA_BASE, ...store(['jobs.get', 'webhooks.deliver']), 's3:ListBucket assets', 's3:GetObject assets/videos/*', 'sqs:SendMessage webhooks-queue', ...receive].sort(),
    );
    const variables = (resource(logicalId(deliverer.function)).Properties!.Environment as { Variables: Record<string, Json> }).Variables;
    expect(render(variables[ENV.WEBHOOK_RETRY_SECONDS]!)).toBe('5,300,1800,7200,18000,36000,36000');
  });

  it('never allows loopback http: no function of the stack is given WEBHOOK_ALLOW_LOOPBACK_HTTP (only the local runtime gives it)', () => {
    for (const [id, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const variables = (fn.Properties!.Environment as { Variables?: Record<string, Json> } | undefined)?.Variables ?? {};
      expect(Object.keys(variables), id).not.toContain(ENV.WEBHOOK_ALLOW_LOOPBACK_HTTP);
    }
  });

  it('lets only the job ends (Finalize Job, Fail Job, the sweeper), the resend route and the deliverer send to it', () => {
    const senders = new Set([
      logicalId(synth.stack.pipeline.functions.FinalizeJob!.role),
      logicalId(synth.stack.pipeline.functions.FailJob!.role),
      logicalId(synth.stack.jobQueue.sweeper.role),
      logicalId(synth.stack.api.functions.ResendWebhookDelivery!.role),
      logicalId(synth.stack.webhooks.deliverer.role),
    ]);
    const queue = `<${logicalId(synth.stack.webhooks.queue)}.Arn>`;
    for (const [role, statements] of statementsByRole(template)) {
      const sends = statements.some((st) => asList(st.Action).includes('sqs:SendMessage') && asList(st.Resource as Json | Json[]).some((r) => render(r) === queue));
      expect(sends, role).toBe(senders.has(role));
    }
  });

  it('lets only the webhook routes and the deliverer touch the webhooks table, where the signing secrets are', () => {
    const readers = new Set([
      ...['CreateWebhook', 'ListWebhooks', 'DeleteWebhook', 'RotateWebhookSecret', 'ListWebhookDeliveries', 'ResendWebhookDelivery', 'GetWebhookSecret'].map((id) =>
        logicalId(synth.stack.api.functions[id]!.role),
      ),
      logicalId(synth.stack.webhooks.deliverer.role),
    ]);
    const table = logicalId(synth.stack.data.tables.WebhooksTable);
    for (const [role, statements] of statementsByRole(template)) {
      const touches = statements.some((st) => asList(st.Resource as Json | Json[]).some((r) => render(r).startsWith(`<${table}.Arn>`)));
      expect(touches, role).toBe(readers.has(role));
    }
  });
});

describe('least privilege', () => {
  /** The routes that only read: their roles may hold no table write, but the one below. */
  const READ_ONLY_ROUTES = [
    'ListVideos',
    'GetVideo',
    'GetBatch',
    'GetVideoFile',
    'GetMetrics',
    'GetQueueStatus',
    'GetAlerts',
    'GetHealth',
    'OpenApi',
    'ListVoices',
    'ListApiKeys',
    'ListWebhooks',
    'ListWebhookDeliveries',
  ];
  const DYNAMODB_READS = /^dynamodb:(GetItem|BatchGetItem|Query|Scan|DescribeTable|ConditionCheckItem) /;
  /**
   * The one write a read-only route may make: an API key's lastUsedAt (at most once a minute per
   * key, lambdas/api/auth.ts), an UpdateItem the IAM condition on `dynamodb:Attributes` limits to
   * the key's `id` and `lastUsedAt` — it can change no key's owner, scopes or revocation, and
   * touch no other table. The local gate evaluates that condition (test/api/keys.test.ts).
   */
  const LAST_USED_WRITE = 'dynamodb:UpdateItem apikeys only id,lastUsedAt';
  const WRITES = /^[a-z0-9-]+:(Put|Update|Delete|BatchWrite|Send|Start|Stop|Create|TransactWrite|Invoke)/;

  it('gives the read-only routes read actions only, on every table and every other service (but the lastUsedAt write)', () => {
    for (const id of READ_ONLY_ROUTES) {
      const granted = grantsOf(synth.stack.api.functions[id]!).filter((g) => g !== LAST_USED_WRITE);
      const dynamo = granted.filter((g) => g.startsWith('dynamodb:'));
      expect(dynamo.filter((g) => !DYNAMODB_READS.test(g)), id).toEqual([]);
      // Its own log stream is the one thing such a function writes.
      expect(granted.filter((g) => WRITES.test(g) && !g.endsWith(' own-logs') && !g.startsWith('xray:')), id).toEqual([]);
    }
  });

  it('lets every user route read API keys and write only their lastUsedAt; public routes and other functions nothing of the keys table', () => {
    const keyGrants = (granted: string[]) => granted.filter((g) => / apikeys( |\/|$)/.test(g));
    for (const route of deployed()) {
      const granted = keyGrants(grantsOf(synth.stack.api.functions[route.id]!));
      if (route.auth === 'public') expect(granted, route.id).toEqual([]);
      else expect(granted, route.id).toEqual(expect.arrayContaining(['dynamodb:GetItem apikeys', LAST_USED_WRITE]));
      // Only the key routes may write a key record unrestricted.
      const unrestricted = granted.filter((g) => WRITES.test(g) && g !== LAST_USED_WRITE);
      if (!['CreateApiKey', 'RevokeApiKey'].includes(route.id)) expect(unrestricted, route.id).toEqual([]);
    }
    for (const fn of [...Object.values(synth.stack.pipeline.functions), synth.stack.jobQueue.dispatcher, synth.stack.jobQueue.sweeper]) {
      expect(keyGrants(grantsOf(fn)), logicalId(fn.role)).toEqual([]);
    }
  });

  it("lets each function read exactly the secrets of the keys it uses, and no other role any secret", () => {
    const secretOf = new Map(SECRET_KEYS.map((key) => [logicalId(synth.stack.secrets.of(key)), key]));
    const expected = new Map<string, SecretKey[]>();
    for (const spec of STEP_FUNCTIONS) expected.set(logicalId(synth.stack.pipeline.functions[spec.id]!.role), [...(stepAccess(spec.id).secrets ?? [])]);
    for (const route of deployed()) {
      // No CLERK_JWT_KEY in the test context: user routes verify tokens with Clerk's secret key.
      const keys: SecretKey[] = ['ORIGIN_VERIFY', ...(route.access.secrets ?? []), ...(route.auth === 'user' ? (['CLERK_SECRET_KEY'] as const) : [])];
      expected.set(logicalId(synth.stack.api.functions[route.id]!.role), keys);
    }
    for (const [role, statements] of statementsByRole(template)) {
      const reads = statements
        .filter((st) => st.Effect === 'Allow' && asList(st.Action).some((a) => a.startsWith('secretsmanager:')))
        .flatMap((st) => {
          expect(asList(st.Action), role).toEqual(['secretsmanager:GetSecretValue']);
          return asList(st.Resource as Json | Json[]).map((r) => {
            const id = render(r).replace(/^<|>$/g, '');
            expect(secretOf.has(id), `${role} reads ${render(r)}, which is not one key's secret`).toBe(true);
            return secretOf.get(id)!;
          });
        });
      expect(reads.sort(), role).toEqual([...new Set(expected.get(role) ?? [])].sort());
    }
  });

  function deployed() {
    return cloudRoutes();
  }
});

describe('the keys', () => {
  it('keeps one secret per key, named by the key: vendors\' keys as a set-me placeholder, the origin-verify value generated', () => {
    const secrets = resourcesOfType(template, 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(SECRET_KEYS.length);
    for (const key of SECRET_KEYS) {
      const properties = resource(logicalId(synth.stack.secrets.of(key))).Properties!;
      expect(properties.Name, key).toBe(`ai-shorts/${key.toLowerCase().replace(/_/g, '-')}`);
      if (key === 'ORIGIN_VERIFY') {
        expect(properties.SecretString).toBeUndefined();
        expect(properties.GenerateSecretString).toMatchObject({ ExcludePunctuation: true, PasswordLength: 48 });
      } else {
        // The key itself, as text: one secret holds one key.
        expect(properties.SecretString, key).toBe('set-me');
      }
    }
  });
});

describe('the edge: origin verify and the WAF', () => {
  function cdnConfig() {
    return resource(logicalId(synth.stack.web.distribution)).Properties!.DistributionConfig as {
      CacheBehaviors: Record<string, Json>[];
      Origins: { Id: string; OriginCustomHeaders?: { HeaderName: string; HeaderValue: Json }[] }[];
      WebACLId?: Json;
    };
  }

  it("sends the API origin the generated origin-verify value (resolved by CloudFormation, never in the template), and the SPA's origin nothing", () => {
    const cdn = cdnConfig();
    const api = cdn.CacheBehaviors.find((b) => b.PathPattern === '/api/*')!;
    const apiOrigin = cdn.Origins.find((o) => o.Id === api.TargetOriginId)!;
    expect(apiOrigin.OriginCustomHeaders!.map((h) => [h.HeaderName, render(h.HeaderValue)])).toEqual([
      ['x-origin-verify', `{{resolve:secretsmanager:<${logicalId(synth.stack.secrets.of('ORIGIN_VERIFY'))}>:SecretString:::}}`],
    ]);
    for (const origin of cdn.Origins.filter((o) => o.Id !== api.TargetOriginId)) expect(origin.OriginCustomHeaders, origin.Id).toBeUndefined();
  });

  it('puts the web ACL in us-east-1 (its own stack, the app being in eu-west-1) and attaches it to the dashboard', () => {
    expect(synth.edge?.region).toBe('us-east-1');
    expect(resourcesOfType(template, 'AWS::WAFv2::WebACL')).toEqual([]);
    const edge = synth.edgeTemplate!.toJSON() as CfnTemplate;
    const acls = resourcesOfType(edge, 'AWS::WAFv2::WebACL');
    expect(acls).toHaveLength(1);
    const [aclId, acl] = acls[0]!;
    expect(acl.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    // The distribution reads the ACL's ARN from the edge stack's output in us-east-1.
    const reference = cdnConfig().WebACLId as { 'Fn::GetStackOutput': { StackName: string; Region: string; OutputName: string } };
    expect(reference['Fn::GetStackOutput']).toMatchObject({ StackName: synth.edge!.stackName, Region: 'us-east-1' });
    const output = (edge as { Outputs?: Record<string, { Value: Json }> }).Outputs![reference['Fn::GetStackOutput'].OutputName]!;
    expect(render(output.Value)).toBe(`<${aclId}.Arn>`);
  });

  it('limits requests and orders per IP (the Stripe webhook apart) and applies the common and known-bad-inputs rule sets', () => {
    const edge = synth.edgeTemplate!.toJSON() as CfnTemplate;
    const [, acl] = resourcesOfType(edge, 'AWS::WAFv2::WebACL')[0]!;
    const rules = acl.Properties!.Rules as { Name: string; Action?: Json; Statement: Record<string, any> }[];
    expect(rules.map((r) => r.Name)).toEqual(['RateLimitPerIp', 'RateLimitOrdersPerIp', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']);
    const notWebhook = { NotStatement: { Statement: { ByteMatchStatement: expect.objectContaining({ SearchString: '/api/billing/webhook', PositionalConstraint: 'EXACTLY' }) } } };
    expect(rules[0]!.Statement.RateBasedStatement).toMatchObject({ Limit: 2000, AggregateKeyType: 'IP', EvaluationWindowSec: 300, ScopeDownStatement: notWebhook });
    expect(rules[1]!.Statement.RateBasedStatement).toMatchObject({ Limit: 100, AggregateKeyType: 'IP' });
    expect(rules[1]!.Statement.RateBasedStatement.ScopeDownStatement).toEqual({
      AndStatement: {
        Statements: [
          { ByteMatchStatement: expect.objectContaining({ FieldToMatch: { Method: {} }, SearchString: 'POST', PositionalConstraint: 'EXACTLY' }) },
          { ByteMatchStatement: expect.objectContaining({ FieldToMatch: { UriPath: {} }, SearchString: '/api/videos', PositionalConstraint: 'STARTS_WITH' }) },
        ],
      },
    });
    for (const rule of rules.slice(0, 2)) expect(rule.Action, rule.Name).toEqual({ Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'tooManyRequests' } } });
    for (const rule of rules.slice(2)) expect(rule.Statement.ManagedRuleGroupStatement, rule.Name).toMatchObject({ VendorName: 'AWS', Name: rule.Name, ScopeDownStatement: notWebhook });
    expect(acl.Properties!.CustomResponseBodies).toEqual({ tooManyRequests: { ContentType: 'APPLICATION_JSON', Content: '{"message":"Too Many Requests"}' } });
  });

  it('logs what the WAF blocks or counts, tokens and cookies redacted', () => {
    const edge = synth.edgeTemplate!.toJSON() as CfnTemplate;
    const [, logging] = resourcesOfType(edge, 'AWS::WAFv2::LoggingConfiguration')[0]!;
    const [groupId, group] = resourcesOfType(edge, 'AWS::Logs::LogGroup').find(([, g]) => String(g.Properties!.LogGroupName).startsWith('aws-waf-logs-'))!;
    expect(group.Properties!.LogGroupName).toBe('aws-waf-logs-AiShortsEdge');
    expect(asList(logging.Properties!.LogDestinationConfigs as Json[]).map((arn) => render(arn))).toEqual([
      `arn:aws:logs:us-east-1:${TEST_ACCOUNT}:log-group:<${groupId}>`,
    ]);
    expect(logging.Properties!.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }]);
    expect(logging.Properties!.LoggingFilter).toMatchObject({ DefaultBehavior: 'DROP' });
  });
});

describe('cdk-nag (AWS Solutions)', () => {
  it('reports no unsuppressed error, in the stack or the edge stack', () => {
    for (const stack of [synth.stack, synth.edge!]) {
      const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
      expect(errors.map((e) => `${e.id}: ${String(e.entry.data).split('\n')[0]}`), stack.stackName).toEqual([]);
    }
  });

  it("keeps no WAF finding suppressed on the dashboard's distribution", () => {
    const metadata = JSON.stringify((resource(logicalId(synth.stack.web.distribution)) as { Metadata?: Json }).Metadata ?? {});
    expect(metadata).not.toContain('AwsSolutions-CFR2');
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
