/**
 * The shapes of the stack's contract: what the synthesized CloudFormation template says each
 * function, role, table, bucket, queue and secret is, in local physical values. Types and
 * constants only: the CLI imports this without loading aws-cdk-lib.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Bumped when the cache file's shape changes (an older file is then a miss). */
export const CONTRACT_FILE_VERSION = 2;

export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_PARTITION = 'aws';

/**
 * Not a real key: with it, user routes get CLERK_JWT_KEY (networkless verification) instead of a
 * grant on the API secret for CLERK_SECRET_KEY, as a deployment with a Clerk PEM key has. The
 * local runtime puts its own dev key into the function's env in its place.
 */
export const PLACEHOLDER_CLERK_JWT_KEY = '-----BEGIN PUBLIC KEY-----\nlocal-placeholder-replaced-by-the-local-runtime\n-----END PUBLIC KEY-----';
/** The admin user id the synthesized routes get (ADMIN_USER_IDS). */
export const LOCAL_ADMIN_USER_ID = 'local-admin';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface CfnResource {
  Type: string;
  Properties?: Record<string, Json>;
  Condition?: string;
  DependsOn?: string | string[];
  [key: string]: unknown;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Conditions?: Record<string, Json>;
  Parameters?: Record<string, { Type: string; Default?: Json }>;
  Mappings?: Record<string, Record<string, Record<string, Json>>>;
  Outputs?: Record<string, Json>;
  [key: string]: unknown;
}

export type FunctionKind = 'step' | 'route' | 'queue';

export interface ContractFunctionIndex {
  kind: FunctionKind;
  logicalId: string;
  roleLogicalId: string;
  logGroupLogicalId: string;
  /** Handler module, repo-relative (from the registries). */
  entry: string;
  /** Steps: the Task states that run it. */
  states?: string[];
  /** Routes. */
  route?: { method: string; path: string };
}

/** Our ids → the template's logical ids, read from the constructs of AiShortsStack at synth. */
export interface ContractIndex {
  stackName: string;
  /** By function id: StartRender, CreateVideo, DispatchJobs, SweepJobs… */
  functions: Record<string, ContractFunctionIndex>;
  /** Table logical name (JobsTable…) → logical id. */
  tables: Record<string, string>;
  buckets: { assets: string; render: string; web: string; accessLogs: string };
  queues: { jobs: string; deadLetters: string; webhooks: string; webhookDeadLetters: string };
  stateMachine: { logicalId: string; roleLogicalId: string };
  /** Key (GROQ_API_KEY … ORIGIN_VERIFY) → the logical id of its secret. */
  secrets: Record<string, string>;
  /** The HTTP API's stage (its throttles). */
  api: { stageLogicalId: string };
  /** The dashboard's distribution (what CloudFront adds to the API's requests). */
  web: { distributionLogicalId: string };
  render: { functionLogicalId: string; roleLogicalId: string };
  /** Logical ids of the AWS::CloudWatch::Alarm resources. */
  alarms: string[];
}

/** The cached synthesis: one JSON file under node_modules/.cache/ai-shorts/. */
export interface SynthesizedStack {
  version: number;
  /** sha256 over the inputs of the synthesis (synthesize.ts `contractInputFiles`). */
  hash: string;
  template: CfnTemplate;
  index: ContractIndex;
  /** The ASL text CloudFormation deploys (the staged DefinitionS3Location asset), unsubstituted. */
  stateMachineDefinition: string;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: Json;
  NotPrincipal?: Json;
  Condition?: Record<string, Record<string, Json>>;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[];
}

export interface FunctionContract {
  id: string;
  kind: FunctionKind;
  entry: string;
  states?: string[];
  route?: { method: string; path: string };
  functionName: string;
  arn: string;
  roleArn: string;
  roleName: string;
  /** The template's Environment.Variables, resolved. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  logGroupName: string;
  /** TracingConfig.Mode Active. */
  tracing: boolean;
}

export interface RoleContract {
  arn: string;
  name: string;
  /** The role's own Policies and every AWS::IAM::Policy attached to it; resources resolved. */
  policies: { name: string; document: PolicyDocument }[];
}

export interface TableContract {
  name: string;
  arn: string;
  createTableInput: CreateTableCommandInput;
  timeToLiveAttribute?: string;
}

export type BucketKey = 'assets' | 'render' | 'web' | 'accessLogs';
export type QueueKey = 'jobs' | 'deadLetters' | 'webhooks' | 'webhookDeadLetters';
/** A key the stack keeps a secret for (lambdas/shared/secret-keys.ts). */
export type SecretKey = string;

/** API Gateway's throttle of a route: steady requests per second and the bucket's size. */
export interface ThrottleContract {
  rateLimit: number;
  burstLimit: number;
}

/** A header CloudFront adds to the requests it sends the API: a value, or a secret's (a dynamic reference resolved at deploy). */
export type OriginHeaderContract = { name: string; value: string } | { name: string; secretArn: string };

export interface SecretContract {
  name: string;
  arn: string;
  /** The template's SecretString; undefined for a generated secret. */
  initialValue?: string;
  /** GenerateSecretString: Secrets Manager makes the value (locally, the runtime at start). */
  generated: boolean;
}

export interface QueueContract {
  name: string;
  arn: string;
  url: string;
  visibilityTimeoutSeconds?: number;
  redrive?: { deadLetterTargetArn: string; maxReceiveCount: number };
}

export interface StackContract {
  accountId: string;
  region: string;
  partition: 'aws';
  stackName: string;
  /** By function id. */
  functions: Record<string, FunctionContract>;
  /** By role ARN: every role of the template. */
  roles: Record<string, RoleContract>;
  stateMachine: { arn: string; name: string; roleArn: string; definition: string };
  /** By table logical name (JobsTable…). */
  tables: Record<string, TableContract>;
  buckets: Record<BucketKey, { name: string; arn: string }>;
  queues: Record<QueueKey, QueueContract>;
  /** By key: each key's own secret. */
  secrets: Record<SecretKey, SecretContract>;
  /** API Gateway and CloudFront in front of the routes. */
  api: {
    /** The stage's throttles: its default and each route's own, by route key (`POST /api/videos`). */
    throttle: { default?: ThrottleContract; routes: Record<string, ThrottleContract> };
    /** What CloudFront adds to every request of its /api/* behaviour (the origin's custom headers). */
    originHeaders: OriginHeaderContract[];
  };
  render: { functionName: string; functionArn: string; roleArn: string };
  alarms: { name: string; arn: string }[];
  resourcePolicies: {
    /** By bucket name. */
    buckets: Record<string, PolicyDocument>;
    /** By queue ARN. */
    queues: Record<string, PolicyDocument>;
  };
  /** Resources of the template the contract leaves out, and why (e.g. a CDK-internal role with managed policies). */
  skipped: { logicalId: string; type: string; reason: string }[];
}
