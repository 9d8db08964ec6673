/**
 * The stack's contract in local physical values: what each function, role, table, bucket, queue,
 * secret and the state machine IS according to the synthesized template, so the local runtime
 * creates and enforces exactly what CloudFormation would deploy.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { substitute } from '../state-machine-runner.js';
import { physicalNames, type LocalNames, type PhysicalNames } from './local-names.js';
import { localPseudoParameters } from './local-names.js';
import { conditionHolds, resolveString, resolveValue, type ResolveContext } from './resolve.js';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_PARTITION,
  LOCAL_REGION,
  type BucketKey,
  type CfnResource,
  type FunctionContract,
  type Json,
  type PolicyDocument,
  type QueueContract,
  type QueueKey,
  type RoleContract,
  type OriginHeaderContract,
  type SecretContract,
  type SecretKey,
  type StackContract,
  type SynthesizedStack,
  type TableContract,
  type ThrottleContract,
} from './types.js';

export type { LocalNames } from './local-names.js';

/** Lambda's defaults when the template leaves them out. */
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;
const LAMBDA_DEFAULT_MEMORY_MB = 128;

/** A template that does not say what the contract needs (or says it in a way the local runtime cannot honour). */
export class ContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractError';
  }
}

interface Builder {
  synth: SynthesizedStack;
  ctx: ResolveContext;
  names: PhysicalNames;
}

function resourceOf(builder: Builder, logicalId: string, type: string): CfnResource & { Properties: Record<string, Json> } {
  const resource = builder.synth.template.Resources[logicalId];
  if (!resource) throw new ContractError(`The template has no resource ${logicalId} (the contract index names it).`);
  if (resource.Type !== type) throw new ContractError(`${logicalId} is a ${resource.Type}, expected ${type}.`);
  return resource as CfnResource & { Properties: Record<string, Json> };
}

function refTarget(value: Json | undefined): string | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if (typeof value.Ref === 'string') return value.Ref;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return undefined;
}

function asList<T>(value: T | T[] | undefined | null): T[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

function policyDocument(builder: Builder, value: Json | undefined, at: string): PolicyDocument {
  const resolved = resolveValue(value ?? null, builder.ctx, at);
  if (!resolved || typeof resolved !== 'object' || Array.isArray(resolved) || !('Statement' in resolved)) {
    throw new ContractError(`${at}: not a policy document: ${JSON.stringify(resolved)}`);
  }
  const document = resolved as unknown as PolicyDocument;
  return { ...document, Statement: asList(document.Statement) };
}

/** Roles the local runtime runs code as: each function's, the state machine's, the Remotion renderer's. */
function principalRoleIds(synth: SynthesizedStack): Set<string> {
  const { index } = synth;
  return new Set([...Object.values(index.functions).map((fn) => fn.roleLogicalId), index.stateMachine.roleLogicalId, index.render.roleLogicalId]);
}

function buildRoles(builder: Builder): { roles: Record<string, RoleContract>; skipped: StackContract['skipped'] } {
  const { template } = builder.synth;
  const principals = principalRoleIds(builder.synth);
  const roles: Record<string, RoleContract> = {};
  const skipped: StackContract['skipped'] = [];
  const byLogicalId = new Map<string, RoleContract>();

  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Role' || !conditionHolds(resource.Condition, builder.ctx)) continue;
    const properties = resource.Properties ?? {};
    const managed = asList(properties.ManagedPolicyArns as Json[] | undefined);
    if (managed.length > 0) {
      const arns = managed.map((arn, i) => resolveString(arn, builder.ctx, `${logicalId}.ManagedPolicyArns[${i}]`));
      if (principals.has(logicalId)) {
        throw new ContractError(
          `Role ${logicalId} has managed policies (${arns.join(', ')}); their statements are not in the template, so the local runtime cannot evaluate them. Grant with inline statements instead.`,
        );
      }
      skipped.push({ logicalId, type: resource.Type, reason: `managed policies (${arns.join(', ')}) the template does not contain; no local code runs as this role` });
      continue;
    }
    const arn = builder.names.physical(logicalId, 'Arn');
    const role: RoleContract = {
      arn,
      name: builder.names.name(logicalId),
      policies: asList(properties.Policies as Json[] | undefined).map((policy, i) => {
        const p = policy as { PolicyName: Json; PolicyDocument: Json };
        return {
          name: resolveString(p.PolicyName, builder.ctx, `${logicalId}.Policies[${i}].PolicyName`),
          document: policyDocument(builder, p.PolicyDocument, `${logicalId}.Policies[${i}].PolicyDocument`),
        };
      }),
    };
    roles[arn] = role;
    byLogicalId.set(logicalId, role);
  }

  // AWS::IAM::Policy (and customer managed policies declared in the stack) attached by `Roles: [{ Ref }]`.
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    if (!conditionHolds(resource.Condition, builder.ctx)) continue;
    const properties = resource.Properties ?? {};
    if (asList(properties.Users as Json[] | undefined).length > 0 || asList(properties.Groups as Json[] | undefined).length > 0) {
      throw new ContractError(`${logicalId} is attached to IAM users or groups; the local runtime has only roles.`);
    }
    const attached = asList(properties.Roles as Json[] | undefined).map((role, i) => {
      const target = refTarget(role);
      if (target && template.Resources[target]?.Type === 'AWS::IAM::Role') return target;
      const name = resolveString(role, builder.ctx, `${logicalId}.Roles[${i}]`);
      const found = [...byLogicalId.entries()].find(([, r]) => r.name === name);
      if (!found) throw new ContractError(`${logicalId} is attached to role ${name}, which is not a role of this stack.`);
      return found[0];
    });
    const name = properties.PolicyName ?? properties.ManagedPolicyName ?? logicalId;
    const policy = { name: resolveString(name, builder.ctx, `${logicalId}.PolicyName`), document: policyDocument(builder, properties.PolicyDocument, `${logicalId}.PolicyDocument`) };
    for (const roleId of attached) {
      const role = byLogicalId.get(roleId);
      if (role) role.policies.push(policy);
      else if (!skipped.some((s) => s.logicalId === roleId)) throw new ContractError(`${logicalId} is attached to ${roleId}, which the contract did not build.`);
    }
  }
  return { roles, skipped };
}

function buildFunctions(builder: Builder): Record<string, FunctionContract> {
  const { index } = builder.synth;
  const functions: Record<string, FunctionContract> = {};
  for (const [id, entry] of Object.entries(index.functions)) {
    const fn = resourceOf(builder, entry.logicalId, 'AWS::Lambda::Function');
    const props = fn.Properties;
    const roleId = refTarget(props.Role);
    if (roleId !== entry.roleLogicalId) throw new ContractError(`Function ${id} (${entry.logicalId}) runs as ${JSON.stringify(props.Role)}, not its role ${entry.roleLogicalId}.`);
    const logGroupId = refTarget((props.LoggingConfig as Record<string, Json> | undefined)?.LogGroup);
    if (logGroupId !== undefined && logGroupId !== entry.logGroupLogicalId) {
      throw new ContractError(`Function ${id} logs to ${logGroupId}, not its log group ${entry.logGroupLogicalId}.`);
    }
    const variables = (props.Environment as { Variables?: Record<string, Json> } | undefined)?.Variables ?? {};
    const environment: Record<string, string> = {};
    for (const [name, value] of Object.entries(variables)) {
      environment[name] = resolveString(value, builder.ctx, `${entry.logicalId} (function ${id}).Environment.Variables.${name}`);
    }
    functions[id] = {
      id,
      kind: entry.kind,
      entry: entry.entry,
      ...(entry.states ? { states: entry.states } : {}),
      ...(entry.route ? { route: entry.route } : {}),
      functionName: builder.names.physical(entry.logicalId),
      arn: builder.names.physical(entry.logicalId, 'Arn'),
      roleArn: builder.names.physical(entry.roleLogicalId, 'Arn'),
      roleName: builder.names.physical(entry.roleLogicalId),
      environment,
      timeoutSeconds: typeof props.Timeout === 'number' ? props.Timeout : LAMBDA_DEFAULT_TIMEOUT_SECONDS,
      memoryMb: typeof props.MemorySize === 'number' ? props.MemorySize : LAMBDA_DEFAULT_MEMORY_MB,
      logGroupName: builder.names.physical(entry.logGroupLogicalId),
      tracing: (props.TracingConfig as { Mode?: Json } | undefined)?.Mode === 'Active',
    };
  }
  return functions;
}

function buildStateMachine(builder: Builder): StackContract['stateMachine'] {
  const { index, stateMachineDefinition } = builder.synth;
  const { logicalId, roleLogicalId } = index.stateMachine;
  const machine = resourceOf(builder, logicalId, 'AWS::StepFunctions::StateMachine');
  if (refTarget(machine.Properties.RoleArn) !== roleLogicalId) throw new ContractError(`The state machine ${logicalId} does not run as ${roleLogicalId}.`);
  const substitutions = Object.fromEntries(
    Object.entries((machine.Properties.DefinitionSubstitutions as Record<string, Json> | undefined) ?? {}).map(([name, value]) => [
      name,
      resolveString(value, builder.ctx, `${logicalId}.DefinitionSubstitutions.${name}`),
    ]),
  );
  const definition = substitute(stateMachineDefinition, substitutions);
  JSON.parse(definition); // CloudFormation rejects a definition that is not JSON; so does the contract.
  return {
    arn: builder.names.physical(logicalId),
    name: builder.names.physical(logicalId, 'Name'),
    roleArn: builder.names.physical(roleLogicalId, 'Arn'),
    definition,
  };
}

type KeySchema = NonNullable<CreateTableCommandInput['KeySchema']>;

function buildTables(builder: Builder): Record<string, TableContract> {
  const tables: Record<string, TableContract> = {};
  for (const [tableName, logicalId] of Object.entries(builder.synth.index.tables)) {
    const props = resourceOf(builder, logicalId, 'AWS::DynamoDB::Table').Properties;
    const at = `${logicalId} (table ${tableName})`;
    const p = resolveValue(props, builder.ctx, logicalId) as Record<string, any>;
    const billingMode = (p.BillingMode ?? 'PROVISIONED') as CreateTableCommandInput['BillingMode'];
    const index = (gsi: Record<string, any>) => ({
      IndexName: gsi.IndexName as string,
      KeySchema: gsi.KeySchema as KeySchema,
      Projection: {
        ProjectionType: gsi.Projection?.ProjectionType ?? 'KEYS_ONLY',
        ...(gsi.Projection?.NonKeyAttributes ? { NonKeyAttributes: gsi.Projection.NonKeyAttributes as string[] } : {}),
      },
      ...(gsi.ProvisionedThroughput ? { ProvisionedThroughput: gsi.ProvisionedThroughput } : {}),
    });
    if (!p.KeySchema || !p.AttributeDefinitions) throw new ContractError(`${at}: no KeySchema/AttributeDefinitions in the template.`);
    const createTableInput: CreateTableCommandInput = {
      TableName: builder.names.physical(logicalId),
      BillingMode: billingMode,
      AttributeDefinitions: p.AttributeDefinitions,
      KeySchema: p.KeySchema,
      ...(p.GlobalSecondaryIndexes?.length ? { GlobalSecondaryIndexes: (p.GlobalSecondaryIndexes as Record<string, any>[]).map(index) } : {}),
      ...(p.LocalSecondaryIndexes?.length ? { LocalSecondaryIndexes: (p.LocalSecondaryIndexes as Record<string, any>[]).map(index) } : {}),
      ...(billingMode === 'PROVISIONED' && p.ProvisionedThroughput ? { ProvisionedThroughput: p.ProvisionedThroughput } : {}),
      ...(p.StreamSpecification ? { StreamSpecification: { StreamEnabled: true, StreamViewType: p.StreamSpecification.StreamViewType } } : {}),
    };
    const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
    tables[tableName] = {
      name: builder.names.physical(logicalId),
      arn: builder.names.physical(logicalId, 'Arn'),
      createTableInput,
      ...(ttl?.Enabled && ttl.AttributeName ? { timeToLiveAttribute: ttl.AttributeName } : {}),
    };
  }
  return tables;
}

function buildQueues(builder: Builder): Record<QueueKey, QueueContract> {
  const { queues } = builder.synth.index;
  const entries = (Object.entries(queues) as [QueueKey, string][]).map(([key, logicalId]): [QueueKey, QueueContract] => {
    const props = resolveValue(resourceOf(builder, logicalId, 'AWS::SQS::Queue').Properties, builder.ctx, logicalId) as Record<string, any>;
    const redrive = typeof props.RedrivePolicy === 'string' ? JSON.parse(props.RedrivePolicy) : props.RedrivePolicy;
    return [
      key,
      {
        name: builder.names.physical(logicalId, 'QueueName'),
        arn: builder.names.physical(logicalId, 'Arn'),
        url: builder.names.physical(logicalId),
        ...(props.VisibilityTimeout !== undefined ? { visibilityTimeoutSeconds: Number(props.VisibilityTimeout) } : {}),
        ...(redrive ? { redrive: { deadLetterTargetArn: String(redrive.deadLetterTargetArn), maxReceiveCount: Number(redrive.maxReceiveCount) } } : {}),
      },
    ];
  });
  return Object.fromEntries(entries) as Record<QueueKey, QueueContract>;
}

function buildSecrets(builder: Builder): Record<SecretKey, SecretContract> {
  const entries = Object.entries(builder.synth.index.secrets).map(([key, logicalId]): [SecretKey, SecretContract] => {
    const props = resourceOf(builder, logicalId, 'AWS::SecretsManager::Secret').Properties;
    const base = { name: builder.names.name(logicalId), arn: builder.names.physical(logicalId) };
    if (props.SecretString !== undefined) {
      return [key, { ...base, initialValue: resolveString(props.SecretString, builder.ctx, `${logicalId}.SecretString`), generated: false }];
    }
    // Secrets Manager makes the value at creation; the local runtime makes one at start.
    if (props.GenerateSecretString !== undefined) return [key, { ...base, generated: true }];
    throw new ContractError(`Secret ${logicalId} has neither a SecretString nor a GenerateSecretString; the local runtime cannot know its value.`);
  });
  return Object.fromEntries(entries);
}

/** `{{resolve:secretsmanager:ARN:SecretString:::}}`: the whole SecretString of a secret, at its current version. */
const SECRET_REFERENCE = /^\{\{resolve:secretsmanager:(arn:[^{}]+?):SecretString:([^:{}]*):([^:{}]*):([^:{}]*)\}\}$/;

function throttleOf(settings: Json | undefined, at: string): ThrottleContract | undefined {
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) return undefined;
  const { ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst } = settings;
  if (rate === undefined && burst === undefined) return undefined;
  if (typeof rate !== 'number' || typeof burst !== 'number') throw new ContractError(`${at}: a throttle needs both ThrottlingRateLimit and ThrottlingBurstLimit as numbers.`);
  return { rateLimit: rate, burstLimit: burst };
}

/** The stage's throttles and the headers CloudFront adds to the /api/* requests it forwards. */
function buildApi(builder: Builder, secrets: Record<SecretKey, SecretContract>): StackContract['api'] {
  const { api, web } = builder.synth.index;
  const stage = resolveValue(resourceOf(builder, api.stageLogicalId, 'AWS::ApiGatewayV2::Stage').Properties, builder.ctx, api.stageLogicalId) as Record<string, Json>;
  const defaultThrottle = throttleOf(stage.DefaultRouteSettings, `${api.stageLogicalId}.DefaultRouteSettings`);
  const routes: Record<string, ThrottleContract> = {};
  for (const [key, settings] of Object.entries((stage.RouteSettings ?? {}) as Record<string, Json>)) {
    const own = throttleOf(settings, `${api.stageLogicalId}.RouteSettings["${key}"]`);
    if (own) routes[key] = own;
  }

  const config = resourceOf(builder, web.distributionLogicalId, 'AWS::CloudFront::Distribution').Properties.DistributionConfig as Record<string, Json>;
  const behaviour = asList(config.CacheBehaviors as Json[] | undefined).find((b) => (b as Record<string, Json>).PathPattern === '/api/*') as Record<string, Json> | undefined;
  if (!behaviour) throw new ContractError(`The distribution ${web.distributionLogicalId} has no /api/* behaviour; the local server plays CloudFront in front of the API.`);
  const origin = asList(config.Origins as Json[] | undefined).find((o) => (o as Record<string, Json>).Id === behaviour.TargetOriginId) as Record<string, Json> | undefined;
  if (!origin) throw new ContractError(`The /api/* behaviour of ${web.distributionLogicalId} targets an origin it does not have.`);
  const originHeaders = asList(origin.OriginCustomHeaders as Json[] | undefined).map((header, i): OriginHeaderContract => {
    const { HeaderName, HeaderValue } = header as { HeaderName: Json; HeaderValue: Json };
    const at = `${web.distributionLogicalId} /api/* origin header ${i}`;
    const name = resolveString(HeaderName, builder.ctx, `${at}.HeaderName`).toLowerCase();
    const value = resolveString(HeaderValue, builder.ctx, `${at}.HeaderValue`);
    const reference = value.match(SECRET_REFERENCE);
    if (!reference) return { name, value };
    const [, secretArn, jsonKey, stage, version] = reference;
    if (jsonKey || stage || version) throw new ContractError(`${at}: only a whole SecretString at its current version is resolved locally, not ${value}.`);
    if (!Object.values(secrets).some((secret) => secret.arn === secretArn)) throw new ContractError(`${at} names the secret ${secretArn}, which is not a key's secret of the contract.`);
    return { name, secretArn: secretArn! };
  });
  return { throttle: { ...(defaultThrottle ? { default: defaultThrottle } : {}), routes }, originHeaders };
}

function buildResourcePolicies(builder: Builder): StackContract['resourcePolicies'] {
  const { template } = builder.synth;
  const buckets: Record<string, PolicyDocument> = {};
  const queues: Record<string, PolicyDocument> = {};
  const queueArnByUrl = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'AWS::SQS::Queue') queueArnByUrl.set(builder.names.physical(logicalId), builder.names.physical(logicalId, 'Arn'));
  }
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (!conditionHolds(resource.Condition, builder.ctx)) continue;
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::S3::BucketPolicy') {
      const bucket = resolveString(props.Bucket!, builder.ctx, `${logicalId}.Bucket`);
      if (buckets[bucket]) throw new ContractError(`Bucket ${bucket} has two bucket policies (${logicalId} is the second); S3 keeps one.`);
      buckets[bucket] = policyDocument(builder, props.PolicyDocument, `${logicalId}.PolicyDocument`);
    } else if (resource.Type === 'AWS::SQS::QueuePolicy') {
      const document = policyDocument(builder, props.PolicyDocument, `${logicalId}.PolicyDocument`);
      asList(props.Queues as Json[] | undefined).forEach((queue, i) => {
        const url = resolveString(queue, builder.ctx, `${logicalId}.Queues[${i}]`);
        const arn = queueArnByUrl.get(url);
        if (!arn) throw new ContractError(`${logicalId} applies to queue ${url}, which is not a queue of this stack.`);
        if (queues[arn]) throw new ContractError(`Queue ${arn} has two queue policies (${logicalId} is the second).`);
        queues[arn] = document;
      });
    }
  }
  return { buckets, queues };
}

/**
 * The contract of the synthesized stack in local values. `local` chooses what the runtime must
 * (SQS endpoint, API URL, optionally bucket names); everything else follows lib/local/contract/local-names.ts.
 * Throws a {@link ContractError} or an UnresolvableIntrinsic naming the resource when the template
 * says something the local runtime cannot honour.
 */
export function buildStackContract(synth: SynthesizedStack, local: LocalNames): StackContract {
  const { template, index } = synth;
  const pseudo = localPseudoParameters(index.stackName);
  const names = physicalNames(template.Resources, index, local, pseudo);
  const ctx: ResolveContext = { template, pseudo, physical: names.physical };
  const builder: Builder = { synth, ctx, names };

  const { roles, skipped } = buildRoles(builder);
  const secrets = buildSecrets(builder);
  const render = resourceOf(builder, index.render.functionLogicalId, 'AWS::Lambda::Function');
  if (refTarget(render.Properties.Role) !== index.render.roleLogicalId) throw new ContractError(`The Remotion function does not run as ${index.render.roleLogicalId}.`);

  return {
    accountId: LOCAL_ACCOUNT_ID,
    region: LOCAL_REGION,
    partition: LOCAL_PARTITION,
    stackName: index.stackName,
    functions: buildFunctions(builder),
    roles,
    stateMachine: buildStateMachine(builder),
    tables: buildTables(builder),
    buckets: Object.fromEntries(
      (Object.entries(index.buckets) as [BucketKey, string][]).map(([key, logicalId]) => [
        key,
        { name: names.physical(logicalId), arn: names.physical(logicalId, 'Arn') },
      ]),
    ) as StackContract['buckets'],
    queues: buildQueues(builder),
    secrets,
    api: buildApi(builder, secrets),
    render: {
      functionName: names.physical(index.render.functionLogicalId),
      functionArn: names.physical(index.render.functionLogicalId, 'Arn'),
      roleArn: names.physical(index.render.roleLogicalId, 'Arn'),
    },
    alarms: index.alarms.map((logicalId) => ({ name: names.physical(logicalId), arn: names.physical(logicalId, 'Arn') })),
    resourcePolicies: buildResourcePolicies(builder),
    skipped,
  };
}
