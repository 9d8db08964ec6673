/**
 * The contract of the real AiShorts stack in local values (lib/local/contract/stack-contract.ts):
 * every function with its entry, env, role and resolved policies; the state machine as
 * CloudFormation would deploy it; tables, buckets, queues, secrets, alarms and resource policies.
 * The synthesized stack comes from the cache the global setup filled.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../lambdas/api/routes.js';
import { QUEUE_FUNCTIONS } from '../../lambdas/queue/registry.js';
import { ENV } from '../../lambdas/shared/env.js';
import { SECRET_KEYS } from '../../lambdas/shared/secret-keys.js';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';
import { cloudRoutes } from '../../lib/cloud/api.js';
import { createTableInput, TABLES, type TableLogicalName } from '../../lib/cloud/table-definitions.js';
import { buildStackContract, ContractError } from '../../lib/local/contract/stack-contract.js';
import { loadSynthesizedStack } from '../../lib/local/contract/synthesize.js';
import type { Json, PolicyDocument, StackContract, SynthesizedStack } from '../../lib/local/contract/types.js';

const LOCAL = { sqsEndpoint: 'http://127.0.0.1:4567', apiUrl: 'http://127.0.0.1:3999', buckets: { assets: 'test-assets' } };

let synth: SynthesizedStack;
let contract: StackContract;

beforeAll(async () => {
  synth = await loadSynthesizedStack();
  contract = buildStackContract(synth, LOCAL);
});

/** Every string in a value that still looks like a CloudFormation intrinsic (`{ Ref }`, `{ Fn::… }`). */
function intrinsicsIn(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => intrinsicsIn(item, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => (key === 'Ref' || key.startsWith('Fn::') ? [`${at}.${key}`] : intrinsicsIn(item, `${at}.${key}`)));
  }
  return [];
}

function resources(document: PolicyDocument): string[] {
  return document.Statement.flatMap((s) => [s.Resource ?? []].flat());
}

function allowed(document: PolicyDocument[], action: string): string[] {
  return document.flatMap((d) => d.Statement.filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes(action)).flatMap((s) => [s.Resource ?? []].flat()));
}

/** Task states of an ASL definition, nested Map and Parallel states included. */
function taskResources(states: Record<string, any>): { state: string; resource: string }[] {
  return Object.entries(states).flatMap(([name, state]) => [
    ...(state.Type === 'Task' ? [{ state: name, resource: state.Resource as string }] : []),
    ...(state.ItemProcessor ? taskResources(state.ItemProcessor.States) : []),
    ...(state.Iterator ? taskResources(state.Iterator.States) : []),
    ...(state.Branches ?? []).flatMap((branch: { States: Record<string, unknown> }) => taskResources(branch.States)),
  ]);
}

describe('the functions', () => {
  it('has every step, queue function and cloud route, with its entry, kind and local names', () => {
    // Prepare
    const expected = [
      ...STEP_FUNCTIONS.map((s) => ({ id: s.id, kind: 'step', entry: s.entry })),
      ...QUEUE_FUNCTIONS.map((q) => ({ id: q.id, kind: 'queue', entry: q.entry })),
      ...cloudRoutes(API_ROUTES).map((r) => ({ id: r.id, kind: 'route', entry: r.entry })),
    ];

    // Act
    const actual = Object.values(contract.functions).map(({ id, kind, entry }) => ({ id, kind, entry }));

    // Assess
    expect(actual).toEqual(expect.arrayContaining(expected));
    expect(actual).toHaveLength(expected.length);
    for (const fn of Object.values(contract.functions)) {
      expect(fn.functionName).toBe(`ai-shorts-${fn.id}`);
      expect(fn.arn).toBe(`arn:aws:lambda:us-east-1:000000000000:function:ai-shorts-${fn.id}`);
      expect(fn.roleArn).toBe(`arn:aws:iam::000000000000:role/ai-shorts-${fn.id}-role`);
      expect(fn.logGroupName).toBe(`/aws/lambda/ai-shorts-${fn.id}`);
      expect(fn.tracing).toBe(true);
    }
    expect(contract.functions.StartRender).toMatchObject({ states: ['Start Render'], timeoutSeconds: 120, memoryMb: 512 });
    expect(contract.functions.CreateVideo!.route).toEqual({ method: 'POST', path: '/api/videos' });
  });

  it("gives Start Render its resolved env: the local jobs table, the runtime's assets bucket, the render bucket", () => {
    // Act
    const env = contract.functions.StartRender!.environment;

    // Assess
    expect(env).toMatchObject({
      [ENV.JOBS_TABLE]: TABLES.JobsTable.localTableName,
      [ENV.ASSETS_BUCKET]: 'test-assets',
      [ENV.REMOTION_BUCKET]: 'ai-shorts-local-render',
      [ENV.REMOTION_FUNCTION_NAME]: contract.render.functionName,
      [ENV.REMOTION_REGION]: 'us-east-1',
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(env[ENV.REMOTION_SERVE_URL]).toMatch(/^https:\/\/rendersitecdn[0-9a-f]+\.cloudfront\.local\/sites\/ai-shorts\/index\.html$/);
  });

  it('resolves the queue and state machine references of the dispatcher and the routes', () => {
    expect(contract.functions.DispatchJobs!.environment).toMatchObject({
      [ENV.JOBS_QUEUE_URL]: 'http://127.0.0.1:4567/000000000000/ai-shorts-jobs',
      [ENV.STATE_MACHINE_ARN]: contract.stateMachine.arn,
    });
    expect(contract.functions.CreateVideo!.environment[ENV.JOBS_QUEUE_URL]).toBe(contract.queues.jobs.url);
    expect(contract.functions.GetQueueStatus!.environment[ENV.JOBS_DLQ_URL]).toBe(contract.queues.deadLetters.url);
  });

  it("gives Start Render's role exactly its grants, every resource a resolved ARN", () => {
    // Prepare
    const role = contract.roles[contract.functions.StartRender!.roleArn]!;
    const documents = role.policies.map((p) => p.document);

    // Act
    const objects = allowed(documents, 's3:GetObject');

    // Assess
    expect(role.name).toBe('ai-shorts-StartRender-role');
    expect(objects.sort()).toEqual(['arn:aws:s3:::test-assets/assets/*', 'arn:aws:s3:::test-assets/brand/*', 'arn:aws:s3:::test-assets/videos/*/uploads/*']);
    expect(allowed(documents, 's3:PutObject').sort()).toEqual(['arn:aws:s3:::ai-shorts-local-render/input-props/*', 'arn:aws:s3:::test-assets/videos/*']);
    expect(allowed(documents, 'lambda:InvokeFunction')).toEqual([contract.render.functionArn]);
    expect(allowed(documents, 'dynamodb:UpdateItem').sort()).toEqual(['arn:aws:dynamodb:us-east-1:000000000000:table/ai-shorts-jobs']);
    expect(allowed(documents, 'logs:PutLogEvents')).toEqual(['arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/ai-shorts-StartRender:*']);
  });

  it('resolves every statement of every role, and builds a role for each function, the state machine and the renderer', () => {
    // Act
    const unresolved = Object.values(contract.roles).flatMap((role) => role.policies.flatMap((p) => intrinsicsIn(p.document, `${role.name}/${p.name}`)));
    const principals = [...Object.values(contract.functions).map((fn) => fn.roleArn), contract.stateMachine.roleArn, contract.render.roleArn];

    // Assess
    expect(unresolved).toEqual([]);
    for (const arn of principals) expect(contract.roles[arn], arn).toBeDefined();
    for (const role of Object.values(contract.roles)) {
      for (const resource of role.policies.flatMap((p) => resources(p.document))) expect(resource).toMatch(/^(\*|arn:aws:[a-z0-9-]+:(us-east-1)?:(000000000000)?:.+)$/);
    }
  });

  it("leaves out only CDK's BucketDeployment role (managed policies, no local code runs as it), saying why", () => {
    expect(contract.skipped).toEqual([
      expect.objectContaining({ type: 'AWS::IAM::Role', logicalId: expect.stringMatching(/^CustomCDKBucketDeployment/), reason: expect.stringMatching(/AWSLambdaBasicExecutionRole/) }),
    ]);
  });
});

describe('the state machine', () => {
  it('is the deployed definition with each Task resource a function ARN of the contract', () => {
    // Act
    const definition = JSON.parse(contract.stateMachine.definition) as { States: Record<string, unknown> };
    const tasks = taskResources(definition.States);

    // Assess
    expect(contract.stateMachine).toMatchObject({
      arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:ai-shorts-pipeline',
      name: 'ai-shorts-pipeline',
      roleArn: 'arn:aws:iam::000000000000:role/ai-shorts-pipeline-role',
    });
    expect(tasks.length).toBeGreaterThanOrEqual(STEP_FUNCTIONS.length);
    const byArn = new Map(Object.values(contract.functions).map((fn) => [fn.arn, fn]));
    for (const { state, resource } of tasks) {
      expect(byArn.get(resource)?.states, `${state} → ${resource}`).toContain(state);
    }
    expect(contract.stateMachine.definition).not.toContain('${');
  });

  it("lets the state machine's role invoke exactly the step functions", () => {
    const documents = contract.roles[contract.stateMachine.roleArn]!.policies.map((p) => p.document);
    expect(allowed(documents, 'lambda:InvokeFunction').sort()).toEqual(STEP_FUNCTIONS.map((s) => contract.functions[s.id]!.arn).sort());
  });
});

describe('the data and messaging resources', () => {
  it("builds each table's CreateTable input as lib/cloud/table-definitions.ts does, plus its TTL", () => {
    for (const [name, definition] of Object.entries(TABLES) as [TableLogicalName, (typeof TABLES)[TableLogicalName]][]) {
      const table = contract.tables[name]!;
      expect(table.name).toBe(definition.localTableName);
      expect(table.arn).toBe(`arn:aws:dynamodb:us-east-1:000000000000:table/${definition.localTableName}`);
      expect(table.createTableInput, name).toEqual(createTableInput(definition));
      expect(table.timeToLiveAttribute).toBe('timeToLiveAttribute' in definition ? definition.timeToLiveAttribute : undefined);
    }
  });

  it('names buckets, queues, secrets, the renderer and the alarms locally', () => {
    expect(contract.buckets).toEqual({
      assets: { name: 'test-assets', arn: 'arn:aws:s3:::test-assets' },
      render: { name: 'ai-shorts-local-render', arn: 'arn:aws:s3:::ai-shorts-local-render' },
      web: { name: 'ai-shorts-local-web', arn: 'arn:aws:s3:::ai-shorts-local-web' },
      accessLogs: { name: 'ai-shorts-local-logs', arn: 'arn:aws:s3:::ai-shorts-local-logs' },
    });
    expect(contract.queues.jobs).toEqual({
      name: 'ai-shorts-jobs',
      arn: 'arn:aws:sqs:us-east-1:000000000000:ai-shorts-jobs',
      url: 'http://127.0.0.1:4567/000000000000/ai-shorts-jobs',
      visibilityTimeoutSeconds: 360,
      redrive: { deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:ai-shorts-jobs-dlq', maxReceiveCount: 5 },
    });
    expect(contract.queues.deadLetters.url).toBe('http://127.0.0.1:4567/000000000000/ai-shorts-jobs-dlq');
    // One secret per key: the vendors' with the placeholder, the origin-verify value generated.
    expect(Object.keys(contract.secrets).sort()).toEqual([...SECRET_KEYS].sort());
    for (const key of SECRET_KEYS) {
      const name = `ai-shorts/${key.toLowerCase().replace(/_/g, '-')}`;
      expect(contract.secrets[key], key).toEqual({
        name,
        arn: expect.stringMatching(new RegExp(`^arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-[A-Za-z0-9]{6}$`)),
        ...(key === 'ORIGIN_VERIFY' ? { generated: true } : { initialValue: 'set-me', generated: false }),
      });
    }
    expect(contract.render.functionName).toMatch(/^remotion-render-/);
    expect(contract.render.roleArn).toBe('arn:aws:iam::000000000000:role/ai-shorts-render-role');
    expect(contract.alarms.length).toBe(synth.index.alarms.length);
    for (const alarm of contract.alarms) expect(alarm.arn).toBe(`arn:aws:cloudwatch:us-east-1:000000000000:alarm:${alarm.name}`);
  });

  it("carries each route's throttle and the header CloudFront adds to the API's requests", () => {
    expect(contract.api.throttle.default).toEqual({ rateLimit: 50, burstLimit: 100 });
    expect(contract.api.throttle.routes).toEqual(
      Object.fromEntries(cloudRoutes().map((route) => [`${route.method} ${route.path}`, { rateLimit: route.throttle.rate, burstLimit: route.throttle.burst }])),
    );
    expect(contract.api.originHeaders).toEqual([{ name: 'x-origin-verify', secretArn: contract.secrets.ORIGIN_VERIFY!.arn }]);
    // Every route function is told where that value is kept, and may read it.
    for (const fn of Object.values(contract.functions).filter((f) => f.kind === 'route')) {
      expect(fn.environment[ENV.ORIGIN_VERIFY_SECRET_ARN], fn.id).toBe(contract.secrets.ORIGIN_VERIFY!.arn);
      expect(allowed(contract.roles[fn.roleArn]!.policies.map((p) => p.document), 'secretsmanager:GetSecretValue'), fn.id).toContain(contract.secrets.ORIGIN_VERIFY!.arn);
    }
  });

  it('holds the web ACL itself when synthesized in us-east-1, attached to the dashboard', () => {
    const acls = Object.entries(synth.template.Resources).filter(([, r]) => r.Type === 'AWS::WAFv2::WebACL');
    expect(acls).toHaveLength(1);
    expect(acls[0]![1].Properties).toMatchObject({ Scope: 'CLOUDFRONT' });
    const cdn = synth.template.Resources[synth.index.web.distributionLogicalId]!.Properties!.DistributionConfig as Record<string, Json>;
    expect(cdn.WebACLId).toEqual({ 'Fn::GetAtt': [acls[0]![0], 'Arn'] });
  });

  it('has each bucket and queue policy, resolved, keyed by bucket name and queue ARN', () => {
    // Act
    const { buckets, queues } = contract.resourcePolicies;

    // Assess
    expect(Object.keys(buckets).sort()).toEqual(Object.values(contract.buckets).map((b) => b.name).sort());
    expect(Object.keys(queues).sort()).toEqual([contract.queues.deadLetters.arn, contract.queues.jobs.arn, contract.queues.webhooks.arn, contract.queues.webhookDeadLetters.arn].sort());
    expect(intrinsicsIn({ buckets, queues })).toEqual([]);
    // enforceSSL: every bucket and queue denies requests that are not over TLS.
    for (const [name, policy] of Object.entries(buckets)) {
      expect(policy.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`] }),
      );
    }
    for (const [arn, policy] of Object.entries(queues)) {
      expect(policy.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Resource: arn }));
    }
    // The Remotion site is readable by CloudFront only from its own distribution.
    const site = buckets['ai-shorts-local-render']!.Statement.find((s) => s.Effect === 'Allow')!;
    expect(site.Resource).toBe('arn:aws:s3:::ai-shorts-local-render/sites/ai-shorts/*');
    expect((site.Condition!.StringEquals as Record<string, Json>)['AWS:SourceArn']).toMatch(/^arn:aws:cloudfront::000000000000:distribution\/E[A-Z0-9]{13}$/);
  });
});

describe('building the contract', () => {
  it('is deterministic and quick', () => {
    // Act
    const started = performance.now();
    const again = buildStackContract(synth, LOCAL);
    const ms = performance.now() - started;

    // Assess
    console.log(`buildStackContract: ${ms.toFixed(1)} ms`);
    expect(again).toEqual(contract);
    expect(ms).toBeLessThan(500);
  });

  it('refuses a function role with managed policies: their statements are not in the template', () => {
    // Prepare
    const template = structuredClone(synth.template);
    const roleId = synth.index.functions.StartRender!.roleLogicalId;
    template.Resources[roleId]!.Properties!.ManagedPolicyArns = ['arn:aws:iam::aws:policy/AmazonS3FullAccess'];

    // Act
    const attempt = () => buildStackContract({ ...synth, template }, LOCAL);

    // Assess
    expect(attempt).toThrow(ContractError);
    expect(attempt).toThrow(new RegExp(`Role ${roleId} has managed policies \\(arn:aws:iam::aws:policy/AmazonS3FullAccess\\)`));
  });

  it('names the resource and attribute of an env var it cannot resolve', () => {
    // Prepare
    const template = structuredClone(synth.template);
    const fn = synth.index.functions.StartRender!;
    const variables = (template.Resources[fn.logicalId]!.Properties!.Environment as { Variables: Record<string, Json> }).Variables;
    variables.TOPIC = { 'Fn::GetAtt': [synth.index.queues.jobs, 'NoSuchAttribute'] };

    // Act
    const attempt = () => buildStackContract({ ...synth, template }, LOCAL);

    // Assess
    expect(attempt).toThrow(new RegExp(`${fn.logicalId} \\(function StartRender\\)\\.Environment\\.Variables\\.TOPIC: Fn::GetAtt ${synth.index.queues.jobs}\\.NoSuchAttribute \\(AWS::SQS::Queue\\)`));
  });
});
