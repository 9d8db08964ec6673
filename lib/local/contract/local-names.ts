/**
 * The local physical names of the stack's resources, and their `Ref` / `Fn::GetAtt` values as
 * CloudFormation documents them per resource type. Where CloudFormation would generate a name
 * (`AiShorts-PipelineStartRenderRole407598D4-1A2B3C…`), the local runtime uses a readable,
 * deterministic one (`ai-shorts-StartRender-role`), so access logs and error messages name
 * things a person recognizes, and two runs agree.
 */
import { createHash } from 'node:crypto';
import { TABLES, type TableLogicalName } from '../../cloud/table-definitions.js';
import type { PseudoParameters } from './resolve.js';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_PARTITION,
  LOCAL_REGION,
  type BucketKey,
  type CfnResource,
  type ContractIndex,
  type Json,
  type QueueKey,
} from './types.js';

/** What the local runtime chooses itself; everything else has a deterministic default. */
export interface LocalNames {
  /** The SQS endpoint (`http://127.0.0.1:PORT`): queue URLs are `${sqsEndpoint}/000000000000/${name}`. */
  sqsEndpoint: string;
  /** The HTTP API's endpoint (the local API server's origin): the HttpApi's `ApiEndpoint`. */
  apiUrl: string;
  /** Bucket names; default {@link DEFAULT_BUCKET_NAMES} (tests use their own assets bucket). */
  buckets?: Partial<Record<BucketKey, string>>;
}

export const DEFAULT_BUCKET_NAMES: Readonly<Record<BucketKey, string>> = {
  assets: 'ai-shorts-local',
  render: 'ai-shorts-local-render',
  web: 'ai-shorts-local-web',
  accessLogs: 'ai-shorts-local-logs',
};

export const LOCAL_QUEUE_NAMES: Readonly<Record<QueueKey, string>> = {
  jobs: 'ai-shorts-jobs',
  deadLetters: 'ai-shorts-jobs-dlq',
  webhooks: 'ai-shorts-webhooks',
  webhookDeadLetters: 'ai-shorts-webhooks-dlq',
};
export const LOCAL_STATE_MACHINE_NAME = 'ai-shorts-pipeline';
export const LOCAL_STATE_MACHINE_ROLE_NAME = 'ai-shorts-pipeline-role';
export const LOCAL_RENDER_ROLE_NAME = 'ai-shorts-render-role';

export const localFunctionName = (id: string): string => `ai-shorts-${id}`;
export const localRoleName = (id: string): string => `ai-shorts-${id}-role`;
export const localLogGroupName = (id: string): string => `/aws/lambda/${localFunctionName(id)}`;

/** `length` characters from `alphabet`, fixed by `seed`: the stand-in for a random id AWS would assign. */
export function deterministicId(seed: string, length: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'): string {
  let out = '';
  for (let round = 0; out.length < length; round++) {
    for (const byte of createHash('sha256').update(`${round}:${seed}`).digest()) {
      if (out.length === length) break;
      out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** A UUID-shaped deterministic id (the stack id's tail, a KMS key id). */
export function deterministicUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A secret's ARN: Secrets Manager appends `-` and six random characters to the name. */
export function localSecretArn(name: string): string {
  const suffix = deterministicId(`secret:${name}`, 6, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
  return `arn:${LOCAL_PARTITION}:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:secret:${name}-${suffix}`;
}

export function localPseudoParameters(stackName: string): PseudoParameters {
  return {
    accountId: LOCAL_ACCOUNT_ID,
    region: LOCAL_REGION,
    partition: LOCAL_PARTITION,
    urlSuffix: 'amazonaws.com',
    stackName,
    stackId: `arn:${LOCAL_PARTITION}:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stack/${stackName}/${deterministicUuid(`stack:${stackName}`)}`,
  };
}

/**
 * The property holding a resource's name, by type, where the template may set it. A literal
 * there is kept (the Remotion function's `remotion-render-…`, the secrets' `ai-shorts/groq-api-key`,
 * the alarms' `AiShorts-…`), unless a rule above says otherwise.
 */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Events::Rule': 'Name',
  'AWS::CloudFront::Function': 'Name',
  'AWS::Lambda::LayerVersion': 'LayerName',
  'AWS::ApiGatewayV2::Api': 'Name',
};

export interface PhysicalNames {
  /** The physical name of a resource (its own name, not necessarily its Ref). */
  name(logicalId: string): string;
  /** `Ref` (attribute undefined) or `Fn::GetAtt` of a resource, as CloudFormation returns it. */
  physical(logicalId: string, attribute?: string): string;
}

/**
 * Physical values for every resource of the template, from the local naming rules:
 * functions `ai-shorts-{id}`, their roles `ai-shorts-{id}-role`, their log groups
 * `/aws/lambda/ai-shorts-{id}`; tables by `localTableName`; buckets from `local.buckets` or
 * {@link DEFAULT_BUCKET_NAMES}; queues `ai-shorts-jobs` / `ai-shorts-jobs-dlq`; the state machine
 * `ai-shorts-pipeline` (role `ai-shorts-pipeline-role`); the Remotion role `ai-shorts-render-role`;
 * a literal name in the template otherwise; else `{stackName}-{logicalId}`.
 */
export function physicalNames(resources: Record<string, CfnResource>, index: ContractIndex, local: LocalNames, pseudo: PseudoParameters): PhysicalNames {
  const { accountId: account, region, partition } = pseudo;
  const chosen = new Map<string, string>();
  for (const [id, fn] of Object.entries(index.functions)) {
    chosen.set(fn.logicalId, localFunctionName(id));
    chosen.set(fn.roleLogicalId, localRoleName(id));
    chosen.set(fn.logGroupLogicalId, localLogGroupName(id));
  }
  for (const [name, logicalId] of Object.entries(index.tables)) {
    const definition = TABLES[name as TableLogicalName];
    if (!definition) throw new Error(`The stack has a table ${name} that lib/cloud/table-definitions.ts does not define.`);
    chosen.set(logicalId, definition.localTableName);
  }
  for (const [key, logicalId] of Object.entries(index.buckets) as [BucketKey, string][]) {
    chosen.set(logicalId, local.buckets?.[key] ?? DEFAULT_BUCKET_NAMES[key]);
  }
  for (const [key, logicalId] of Object.entries(index.queues) as [QueueKey, string][]) chosen.set(logicalId, LOCAL_QUEUE_NAMES[key]);
  chosen.set(index.stateMachine.logicalId, LOCAL_STATE_MACHINE_NAME);
  chosen.set(index.stateMachine.roleLogicalId, LOCAL_STATE_MACHINE_ROLE_NAME);
  chosen.set(index.render.roleLogicalId, LOCAL_RENDER_ROLE_NAME);

  const resource = (logicalId: string): CfnResource => {
    const found = resources[logicalId];
    if (!found) throw new Error(`no resource ${logicalId} in the template`);
    return found;
  };

  const name = (logicalId: string): string => {
    const fixed = chosen.get(logicalId);
    if (fixed) return fixed;
    const { Type, Properties } = resource(logicalId);
    const property = NAME_PROPERTY[Type];
    const literal: Json | undefined = property ? Properties?.[property] : undefined;
    if (typeof literal === 'string') return literal;
    if (literal !== undefined) {
      throw new Error(`its ${property} is ${JSON.stringify(literal)}, not a literal; give ${logicalId} a local name in lib/local/contract/local-names.ts`);
    }
    return `${pseudo.stackName}-${logicalId}`;
  };

  const arn = (service: string, resourcePart: string, withRegion = true, withAccount = true) =>
    `arn:${partition}:${service}:${withRegion ? region : ''}:${withAccount ? account : ''}:${resourcePart}`;

  const physical = (logicalId: string, attribute?: string): string => {
    const { Type } = resource(logicalId);
    const attr = attribute ?? 'Ref';
    const unknown = () => new Error(`${attribute ? `attribute ${attribute}` : 'Ref'} of ${Type} has no local value (lib/local/contract/local-names.ts knows: ${known(Type)})`);
    switch (Type) {
      case 'AWS::S3::Bucket': {
        const bucket = name(logicalId);
        const values: Record<string, string> = {
          Ref: bucket,
          Arn: `arn:${partition}:s3:::${bucket}`,
          DomainName: `${bucket}.s3.${pseudo.urlSuffix}`,
          RegionalDomainName: `${bucket}.s3.${region}.${pseudo.urlSuffix}`,
          DualStackDomainName: `${bucket}.s3.dualstack.${region}.${pseudo.urlSuffix}`,
          WebsiteURL: `http://${bucket}.s3-website-${region}.${pseudo.urlSuffix}`,
        };
        return values[attr] ?? throwError(unknown());
      }
      case 'AWS::DynamoDB::Table': {
        const table = name(logicalId);
        if (attr === 'Ref') return table;
        if (attr === 'Arn') return arn('dynamodb', `table/${table}`);
        throw unknown();
      }
      case 'AWS::SQS::Queue': {
        const queue = name(logicalId);
        const url = `${local.sqsEndpoint.replace(/\/$/, '')}/${account}/${queue}`;
        const values: Record<string, string> = { Ref: url, QueueUrl: url, Arn: arn('sqs', queue), QueueName: queue };
        return values[attr] ?? throwError(unknown());
      }
      case 'AWS::Lambda::Function': {
        const fn = name(logicalId);
        if (attr === 'Ref') return fn;
        if (attr === 'Arn') return arn('lambda', `function:${fn}`);
        throw unknown();
      }
      case 'AWS::IAM::Role': {
        const role = name(logicalId);
        if (attr === 'Ref') return role;
        if (attr === 'Arn') return `arn:${partition}:iam::${account}:role/${role}`;
        if (attr === 'RoleId') return `AROA${deterministicId(`role:${role}`, 17)}`;
        throw unknown();
      }
      case 'AWS::Logs::LogGroup': {
        const group = name(logicalId);
        if (attr === 'Ref') return group;
        // CloudFormation's Arn of a log group ends in `:*` (every stream of the group).
        if (attr === 'Arn') return arn('logs', `log-group:${group}:*`);
        throw unknown();
      }
      case 'AWS::StepFunctions::StateMachine': {
        const machine = name(logicalId);
        if (attr === 'Ref' || attr === 'Arn') return arn('states', `stateMachine:${machine}`);
        if (attr === 'Name') return machine;
        throw unknown();
      }
      case 'AWS::SecretsManager::Secret': {
        if (attr === 'Ref' || attr === 'Id') return localSecretArn(name(logicalId));
        throw unknown();
      }
      case 'AWS::CloudWatch::Alarm': {
        const alarm = name(logicalId);
        if (attr === 'Ref') return alarm;
        if (attr === 'Arn') return arn('cloudwatch', `alarm:${alarm}`);
        throw unknown();
      }
      case 'AWS::SNS::Topic': {
        const topic = name(logicalId);
        if (attr === 'Ref' || attr === 'TopicArn') return arn('sns', topic);
        if (attr === 'TopicName') return topic;
        throw unknown();
      }
      case 'AWS::KMS::Key': {
        const keyId = deterministicUuid(`kms:${logicalId}`);
        if (attr === 'Ref' || attr === 'KeyId') return keyId;
        if (attr === 'Arn') return arn('kms', `key/${keyId}`);
        throw unknown();
      }
      case 'AWS::Events::Rule': {
        const rule = name(logicalId);
        if (attr === 'Ref') return rule;
        if (attr === 'Arn') return arn('events', `rule/${rule}`);
        throw unknown();
      }
      case 'AWS::CloudFront::Distribution': {
        const id = `E${deterministicId(`cloudfront:${logicalId}`, 13)}`;
        if (attr === 'Ref' || attr === 'Id') return id;
        if (attr === 'DomainName') return `${logicalId.toLowerCase()}.cloudfront.local`;
        throw unknown();
      }
      case 'AWS::CloudFront::OriginAccessControl': {
        if (attr === 'Ref' || attr === 'Id') return `E${deterministicId(`oac:${logicalId}`, 13)}`;
        throw unknown();
      }
      case 'AWS::CloudFront::Function': {
        const functionArn = arn('cloudfront', `function/${name(logicalId)}`, false);
        if (attr === 'Ref' || attr === 'FunctionARN' || attr === 'FunctionMetadata.FunctionARN') return functionArn;
        throw unknown();
      }
      case 'AWS::ApiGatewayV2::Api': {
        const apiId = deterministicId(`api:${logicalId}`, 10, 'abcdefghijklmnopqrstuvwxyz0123456789');
        if (attr === 'Ref' || attr === 'ApiId') return apiId;
        if (attr === 'ApiEndpoint') return local.apiUrl.replace(/\/$/, '');
        throw unknown();
      }
      case 'AWS::ApiGatewayV2::Integration':
      case 'AWS::ApiGatewayV2::Route':
      case 'AWS::ApiGatewayV2::Stage': {
        if (attr === 'Ref') return deterministicId(`${Type}:${logicalId}`, 7, 'abcdefghijklmnopqrstuvwxyz0123456789');
        throw unknown();
      }
      case 'AWS::Lambda::LayerVersion': {
        if (attr === 'Ref' || attr === 'LayerVersionArn') return arn('lambda', `layer:${name(logicalId)}:1`);
        throw unknown();
      }
      default:
        throw unknown();
    }
  };

  return { name, physical };
}

function throwError(error: Error): never {
  throw error;
}

function known(type: string): string {
  const byType: Record<string, string> = {
    'AWS::S3::Bucket': 'Ref, Arn, DomainName, RegionalDomainName, DualStackDomainName, WebsiteURL',
    'AWS::DynamoDB::Table': 'Ref, Arn',
    'AWS::SQS::Queue': 'Ref, QueueUrl, Arn, QueueName',
    'AWS::Lambda::Function': 'Ref, Arn',
    'AWS::IAM::Role': 'Ref, Arn, RoleId',
    'AWS::Logs::LogGroup': 'Ref, Arn',
    'AWS::StepFunctions::StateMachine': 'Ref, Arn, Name',
    'AWS::SecretsManager::Secret': 'Ref, Id',
    'AWS::CloudWatch::Alarm': 'Ref, Arn',
    'AWS::SNS::Topic': 'Ref, TopicArn, TopicName',
    'AWS::KMS::Key': 'Ref, KeyId, Arn',
    'AWS::Events::Rule': 'Ref, Arn',
    'AWS::CloudFront::Distribution': 'Ref, Id, DomainName',
    'AWS::CloudFront::OriginAccessControl': 'Ref, Id',
    'AWS::CloudFront::Function': 'Ref, FunctionARN',
    'AWS::ApiGatewayV2::Api': 'Ref, ApiId, ApiEndpoint',
    'AWS::Lambda::LayerVersion': 'Ref',
  };
  return byType[type] ?? 'nothing of this type';
}
