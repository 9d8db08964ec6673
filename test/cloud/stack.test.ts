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
import { ENV } from '../../lambdas/shared/env.js';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';
import { PIPELINE_ASL, substitute } from '../../lib/local/state-machine-runner.js';
import { REPO_ROOT } from '../../lib/cloud/paths.js';
import { remotionFunctionZip } from '../../lib/cloud/render.js';
import { PLACEHOLDER_PAGE } from '../../lib/cloud/web.js';
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
      FailJob: base,
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

  it('gives each step exactly what it touches', () => {
    const names = new Map<string, string>([
      [logicalId(synth.stack.data.tables.JobsTable), 'jobs'],
      [logicalId(synth.stack.assets.bucket), 'assets'],
      [logicalId(synth.stack.render.bucket), 'render'],
      [logicalId(synth.stack.secrets.secret), 'secret'],
    ]);
    const renderFunction = `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${synth.stack.render.functionName}`;
    const base = [
      'logs:CreateLogStream own-logs',
      'logs:PutLogEvents own-logs',
      'xray:PutTelemetryRecords *',
      'xray:PutTraceSegments *',
      ...['BatchGetItem', 'BatchWriteItem', 'ConditionCheckItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'].flatMap((action) =>
        ['jobs', 'jobs/index/byStatus', 'jobs/index/byUser'].map((resource) => `dynamodb:${action} ${resource}`),
      ),
    ];
    const secret = ['secretsmanager:DescribeSecret secret', 'secretsmanager:GetSecretValue secret'];
    const renderer = ['lambda:InvokeFunction render-function', 's3:ListBucket render', 's3:GetObject render/renders/*'];
    const expected: Record<string, string[]> = {
      GenerateScript: [...base, ...secret],
      ParseScript: base,
      GenerateImage: [...base, ...secret, 's3:ListBucket assets', 's3:GetObject assets/assets/*', 's3:PutObject assets/assets/*'],
      GenerateVoice: [...base, ...secret, 's3:ListBucket assets', 's3:GetObject assets/assets/*', 's3:PutObject assets/assets/*'],
      BuildCaptions: base,
      ComputeDuration: base,
      StartRender: [...base, ...renderer, 's3:ListBucket assets', 's3:GetObject assets/assets/*', 's3:PutObject render/input-props/*'],
      CheckRender: [...base, ...renderer, 's3:ListBucket assets', 's3:GetObject assets/videos/*'],
      FinalizeJob: [...base, 's3:ListBucket assets', 's3:GetObject assets/videos/*'],
      FailJob: base,
    };
    const byRole = statementsByRole(template);
    for (const spec of STEP_FUNCTIONS) {
      const fn = synth.stack.pipeline.functions[spec.id]!;
      const ownLogs = logicalId(fn.logGroup);
      const actual = grants(byRole.get(logicalId(fn.role))!, (id) => (id === ownLogs ? 'own-logs' : (names.get(id) ?? `<${id}>`))).map((g) =>
        g.replace(renderFunction, 'render-function'),
      );
      expect(actual, spec.id).toEqual([...expected[spec.id]!].sort());
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
  it('does not route /api/* while there is no API, and shows the placeholder page until frontend/dist exists', () => {
    const cdn = resource(logicalId(synth.stack.web.distribution)).Properties!.DistributionConfig as Record<string, Json>;
    expect(cdn.CacheBehaviors).toBeUndefined();
    expect(synth.stack.web.built).toBe(existsSync(join(REPO_ROOT, 'frontend/dist/index.html')));
    expect(PLACEHOLDER_PAGE).toContain('The dashboard is not built yet');
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
