/**
 * The embedded cloud: the stack's contract, read from its synthesized template
 * (lib/local/contract), enforced on one machine. Emulators on 127.0.0.1 stand in for DynamoDB,
 * S3, SQS, Step Functions, Secrets Manager, CloudWatch and Lambda; every request to them is
 * checked against the caller's IAM policy (lib/local/iam) before it is served. Each function of
 * the template runs in this process under its own environment and identity (function-host.ts),
 * and the pipeline's state machine runs the deployed definition (state-machine-runner.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCreditStore } from '../../lambdas/adapters/aws/dynamo-credit-store.js';
import { DynamoBrandStore } from '../../lambdas/adapters/aws/dynamo-brand-store.js';
import type { BrandStore } from '../../lambdas/core/brand.js';
import { DynamoJobStore } from '../../lambdas/adapters/aws/dynamo-job-store.js';
import { S3BlobStore } from '../../lambdas/adapters/aws/s3-blob-store.js';
import type { BlobStore, CreditStore, JobIndex, JobStore } from '../../lambdas/core/ports.js';
import { ENV } from '../../lambdas/shared/env.js';
import { buildStackContract, loadSynthesizedStack, type CfnTemplate, type FunctionContract, type StackContract } from './contract/index.js';
import { DEFAULT_BUCKET_NAMES } from './contract/local-names.js';
import { ensureWantedTables, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { FunctionHost, type HostedFunction } from './function-host.js';
import { FunctionLogs } from './function-logs.js';
import { AccessLog, type AccessReport } from './iam/access-log.js';
import { Authorizer, resourcePolicyLookup } from './iam/authorizer.js';
import { startJsonGateway, type JsonGateway } from './iam/json-gateway.js';
import { Principals, type LocalCredentials, type RolePrincipal } from './iam/principals.js';
import { createS3Gate } from './iam/s3-gate.js';
import { startS3Server, type S3Server } from './s3-server.js';
import { startCloudWatchService } from './services/cloudwatch.js';
import { startLambdaGateway } from './services/lambda-gateway.js';
import { startSecretsManagerService } from './services/secrets-manager.js';
import { startStepFunctionsService } from './services/step-functions.js';
import { startSqsServer, type SqsServer } from './sqs-server.js';
import { LocalPipelineRunner, type RunnerOptions } from './state-machine-runner.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where the local cloud keeps its data unless told otherwise. */
export const DEFAULT_DATA_DIR = '.shorts-data';
/** The local cloud's data folder, absolute: the one given, else `SHORTS_DATA_DIR`, else {@link DEFAULT_DATA_DIR}. */
export function localDataDir(given: string | undefined, settings: Record<string, string | undefined>): string {
  return path.resolve(given ?? settings[ENV.DATA_DIR] ?? DEFAULT_DATA_DIR);
}

/** The bucket the local cloud keeps assets and videos in. */
export const LOCAL_BUCKET = DEFAULT_BUCKET_NAMES.assets;

/** The local operator's key pair: the runtime's own setup and tests' assertions. Not a function's; never checked. */
export const ADMIN_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * Deployment choices: what the stack takes from CDK context (providers, credits, sign-in…).
 * Where the template gives a function one of these, the local runtime gives it the local choice
 * instead; a function the template does not give it to does not get it here either.
 */
export const DEPLOYMENT_CHOICES = [
  ENV.LLM,
  ENV.IMAGES,
  ENV.VOICE,
  ENV.MUSIC,
  ENV.RENDER,
  ENV.MAX_RUNNING_PIPELINES,
  ENV.STARTING_CREDITS,
  ENV.CREDIT_PRICE_CENTS,
  ENV.ADMIN_USER_IDS,
  ENV.CLERK_JWT_KEY,
  ENV.CLERK_AUTHORIZED_PARTIES,
  ENV.APP_URL,
  ENV.DISPATCH_RETRY_SECONDS,
  ENV.MAX_RUNNING_PER_USER,
  ENV.MAX_ACTIVE_JOBS_PER_USER,
  ENV.MAX_JOBS_PER_USER_PER_HOUR,
  ENV.MAX_JOBS_PER_USER_PER_DAY,
  ENV.INCLUDED_REGENERATIONS,
  ENV.REGENERATION_CREDITS,
  ENV.REVIEW_TTL_HOURS,
  // The webhook retry schedule (tests shorten it to seconds).
  ENV.WEBHOOK_RETRY_SECONDS,
] as const;

/**
 * Where vendor SDKs connect (a proxy, or the stub servers of the tests): redirections, never
 * permissions, given to every function when set — as AWS_ENDPOINT_URL_* are for AWS services.
 */
export const VENDOR_ENDPOINTS = [ENV.GROQ_BASE_URL, ENV.REPLICATE_BASE_URL, ENV.ELEVENLABS_BASE_URL, ENV.STRIPE_API_BASE, ENV.CLERK_API_URL] as const;

const PROVIDER_VARIABLES = [ENV.LLM, ENV.IMAGES, ENV.VOICE, ENV.MUSIC, ENV.RENDER] as const;

/** A provider's own settings, given to the functions that choose that service's provider. */
const PROVIDER_SETTINGS: Record<string, { when: (choice: string) => boolean; names: readonly string[] }> = {
  [ENV.VOICE]: { when: (choice) => choice === 'elevenlabs', names: [ENV.ELEVENLABS_VOICE_ID, ENV.ELEVENLABS_MODEL_ID, ENV.ELEVENLABS_VOICES] },
  // The offline renderer drives this machine's Chromium and ffmpeg, keeps its renders' scratch files in the data directory.
  [ENV.RENDER]: { when: (choice) => choice === 'offline', names: [ENV.CHROMIUM_PATH, ENV.FFMPEG_PATH, ENV.RENDER_METHOD, ENV.DATA_DIR, 'HOME'] },
};

export interface LocalRuntimeOptions {
  /** Data folder (DynamoDB files, S3 objects, render cache). Default `SHORTS_DATA_DIR` or `.shorts-data`. */
  dataDir?: string;
  /** Keep DynamoDB (and the queue) in memory (tests): nothing outlives the process. */
  inMemory?: boolean;
  /** Options for the state-machine runner (tests shorten waits and stand in for functions). */
  runner?: RunnerOptions;
  /** Functions log nothing (POWERTOOLS_LOG_LEVEL=SILENT). */
  quiet?: boolean;
  /**
   * The local deployment's settings — provider choices and keys, vendor endpoints, the offline
   * renderer's binaries — as the operator's environment gives them. Default `process.env`.
   */
  settings?: Record<string, string | undefined>;
  /** Choices made by the caller (the dev server's sign-in key, its origin, how many pipelines), over the settings. */
  choices?: Partial<Record<(typeof DEPLOYMENT_CHOICES)[number], string>>;
  /** Values for the keys' secrets, by key, over the settings' (the dev server's webhook secret). */
  secretValues?: Record<string, string>;
  /** Run the jobs queue (SQS) too: the dev server's. */
  queue?: boolean;
  /** The assets bucket's name (tests use their own). */
  bucket?: string;
  /** Told when the stack must be synthesized first (~15 s, once per change of lib/cloud or lambdas). */
  onSynthesize?: () => void;
  /** Told how long that synthesis took (ms), once it did. */
  onSynthesized?: (ms: number) => void;
  /**
   * Changes the synthesized template before the runtime reads it (tests: a grant removed, a
   * timeout shortened — to show the local run fails where that stack would fail in AWS).
   */
  alterTemplate?: (template: CfnTemplate) => CfnTemplate;
}

export interface LocalEndpoints {
  dynamodb: string;
  s3: string;
  sqs?: string;
  stepFunctions: string;
  secretsManager: string;
  cloudWatch: string;
  lambda: string;
}

export interface LocalRuntime {
  dataDir: string;
  contract: StackContract;
  endpoints: LocalEndpoints;
  host: FunctionHost;
  runner: LocalPipelineRunner;
  principals: Principals;
  authorizer: Authorizer;
  accessLog: AccessLog;
  /** Each function's log (`logs/<function>.log` under the data directory). */
  logs: FunctionLogs;
  /**
   * The headers CloudFront adds to every /api request it forwards (the contract's origin headers,
   * with this run's secret values): the local server adds them as the local CloudFront.
   */
  originHeaders: Readonly<Record<string, string>>;
  /** The operator's view (admin credentials): tests and the CLI read jobs and files with these. */
  jobs: JobStore & JobIndex;
  blobs: BlobStore;
  credits: CreditStore;
  /** Brand kits (the CLI's --brand stores the local user's). */
  brands: BrandStore;
  /** SDK client configuration for the operator's own clients: `new S3Client(runtime.adminClientConfig('s3'))`. */
  adminClientConfig(service: keyof LocalEndpoints): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Changes a deployment choice before the functions that read it start (the dev server learns its origin once it listens). */
  choose(name: (typeof DEPLOYMENT_CHOICES)[number], value: string): void;
  /** What each function called and whether it was allowed; the grants no call used. */
  accessReport(): AccessReport;
  /** Stops only DynamoDB Local (the ops tests watch /api/health turn 503); `stop` still ends the rest. */
  stopDynamoDb(): Promise<void>;
  /** Stops everything. Safe to call twice. */
  stop(): Promise<void>;
}

/** The ARN of the role session a function signs with, as STS names it for Lambda. */
function sessionArn(accountId: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

/**
 * Starts the local cloud under the stack's contract. Nothing is set on `process.env`: each
 * function gets its own environment, and the operator's clients their own configuration.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const settings = options.settings ?? process.env;
  const dataDir = localDataDir(options.dataDir, settings);
  await mkdir(dataDir, { recursive: true });
  // resvg's mimalloc keeps freed pages unless told at load (procedural-image-generator.ts); functions cannot tell it.
  process.env.MIMALLOC_PURGE_DELAY ??= '0';

  // Synthesis first, then the emulators: run side by side on a loaded two-core machine, the
  // synthesis starved DynamoDB Local's JVM past its 60 s start limit (load ~30; BENCHMARKS.md).
  let synthStarted = 0;
  const synthesized = await loadSynthesizedStack({
    onSynthesize: () => {
      synthStarted = performance.now();
      options.onSynthesize?.();
    },
  });
  if (synthStarted) options.onSynthesized?.(performance.now() - synthStarted);
  const synth = options.alterTemplate ? { ...synthesized, template: options.alterTemplate(structuredClone(synthesized.template)) } : synthesized;
  const accountId = '000000000000';
  const region = 'us-east-1';
  const context = { accountId, region };
  const buckets = { ...DEFAULT_BUCKET_NAMES, ...(options.bucket ? { assets: options.bucket } : {}) };

  const accessLog = new AccessLog();
  const principals = new Principals();
  principals.registerAdmin(ADMIN_CREDENTIALS);
  // The resource policies come from the contract, built below once the endpoints are known.
  let contract: StackContract | undefined;
  const authorizer = new Authorizer({
    accountId,
    region,
    resourcePolicy: (arn) => (contract ? resourcePolicyLookup(contract.resourcePolicies)(arn) : undefined),
    log: accessLog,
  });

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const [dynamo, s3] = await Promise.all([
      startDynamoDbLocal(options.inMemory ? {} : { dbPath: path.join(dataDir, 'dynamodb') }),
      startS3Server({ directory: path.join(dataDir, 's3'), buckets: Object.values(buckets), authorization: createS3Gate({ principals, authorizer, context }) }),
    ]);
    stops.push(() => s3.stop(), () => dynamo.stop());
    const dynamoGateway: JsonGateway = await startJsonGateway({
      service: 'dynamodb',
      upstream: dynamo.endpoint,
      principals,
      authorizer,
      context: { ...context, partitionKeyOf: (table: string, index?: string) => partitionKeyOf(contract, table, index) },
    });
    stops.push(() => dynamoGateway.stop());

    let sqs: SqsServer | undefined;
    let sqsGateway: JsonGateway | undefined;
    if (options.queue) {
      sqs = await startSqsServer(options.inMemory ? {} : { dataDir: path.join(dataDir, 'sqs') });
      stops.push(() => sqs!.stop());
      sqsGateway = await startJsonGateway({ service: 'sqs', upstream: sqs.endpoint, principals, authorizer, context });
      stops.push(() => sqsGateway!.stop());
    }

    contract = buildStackContract(synth, {
      // Without a queue, queue URLs point at a closed port: nothing reaches a queue that does not run.
      sqsEndpoint: sqsGateway?.endpoint ?? 'http://127.0.0.1:9',
      apiUrl: 'http://127.0.0.1:9',
      buckets,
    });
    const stack = contract;

    // Identities: each function's role, the state machine's, Remotion's render function's.
    const credentials = new Map<string, LocalCredentials>();
    const rolePrincipal = (id: string, roleArn: string, session: string): RolePrincipal => {
      const role = stack.roles[roleArn];
      if (!role) throw new Error(`The contract has no role ${roleArn} (for ${id}).`);
      return { kind: 'role', id, roleArn, sessionArn: sessionArn(accountId, role.name, session), policies: role.policies };
    };
    for (const fn of Object.values(stack.functions)) credentials.set(fn.id, principals.register(rolePrincipal(fn.id, fn.roleArn, fn.functionName)));
    const stateMachinePrincipal = rolePrincipal('StateMachine', stack.stateMachine.roleArn, 'StepFunctions');
    principals.register(stateMachinePrincipal);
    principals.register(rolePrincipal('RemotionRender', stack.render.roleArn, stack.render.functionName));

    const admin = { region, credentials: { ...ADMIN_CREDENTIALS } };
    const adminDynamo = new DynamoDBClient({ ...admin, endpoint: dynamoGateway.endpoint });
    await ensureWantedTables(
      adminDynamo,
      Object.entries(stack.tables).map(([logicalName, table]) => ({
        logicalName,
        createTableInput: table.createTableInput,
        ...(table.timeToLiveAttribute ? { timeToLiveAttribute: table.timeToLiveAttribute } : {}),
      })),
    );

    // Each key's secret holds the operator's value for it (what put-secret-value does after a
    // deploy), else the template's placeholder; a generated one gets a fresh value, as at creation.
    const secretValues = new Map<string, string>();
    for (const [key, secret] of Object.entries(stack.secrets)) {
      const value = secret.generated ? randomBytes(32).toString('base64url') : (options.secretValues?.[key] ?? settings[key] ?? secret.initialValue ?? '');
      secretValues.set(secret.arn, value);
    }
    const secrets = await startSecretsManagerService({
      secrets: Object.values(stack.secrets).map((secret) => ({ name: secret.name, arn: secret.arn, secretString: secretValues.get(secret.arn)! })),
      principals,
      authorizer,
      context,
    });
    // What the local CloudFront adds to /api requests: the origin's custom headers, secrets' values resolved.
    const originHeaders = Object.fromEntries(stack.api.originHeaders.map((h) => [h.name, 'secretArn' in h ? secretValues.get(h.secretArn)! : h.value]));
    stops.push(() => secrets.stop());
    const cloudWatch = await startCloudWatchService({
      alarms: stack.alarms.map((alarm) => ({ ...alarm, state: 'OK' as const })),
      principals,
      authorizer,
      context,
    });
    stops.push(() => cloudWatch.stop());
    // Remotion Lambda (SHORTS_RENDER=lambda): the settings' Lambda endpoint is the render function's (a stub in tests).
    const lambda = await startLambdaGateway({
      ...(settings.AWS_ENDPOINT_URL_LAMBDA ? { upstream: settings.AWS_ENDPOINT_URL_LAMBDA } : {}),
      principals,
      authorizer,
      context,
    });
    stops.push(() => lambda.stop());

    const logs = new FunctionLogs({ directory: path.join(dataDir, 'logs'), echo: !options.quiet });
    stops.push(() => logs.close());
    const host = new FunctionHost({ root: ROOT, output: (fn) => logs.sink(fn.functionName) });
    const choices: Record<string, string | undefined> = { ...options.choices };
    const endpointsWithoutSfn = {
      dynamodb: dynamoGateway.endpoint,
      s3: s3.endpoint,
      ...(sqsGateway ? { sqs: sqsGateway.endpoint } : {}),
      secretsManager: secrets.endpoint,
      cloudWatch: cloudWatch.endpoint,
      lambda: lambda.endpoint,
    };

    const runner = new LocalPipelineRunner({
      ...options.runner,
      definition: stack.stateMachine.definition,
      host,
      authorizeInvoke: async (functionArn) => {
        const decision = await authorizer.authorize(stateMachinePrincipal, [{ action: 'lambda:InvokeFunction', resource: functionArn }]);
        return decision.allowed ? { allowed: true } : { allowed: false, message: decision.denied!.message };
      },
    });
    stops.push(async () => runner.abortAll());
    const stepFunctions = await startStepFunctionsService({ runner, stateMachine: stack.stateMachine, principals, authorizer, context });
    stops.push(() => stepFunctions.stop());
    const endpoints: LocalEndpoints = { ...endpointsWithoutSfn, stepFunctions: stepFunctions.endpoint };

    const environmentOf = (fn: FunctionContract): Record<string, string> =>
      functionEnvironment(fn, { settings, choices, quiet: options.quiet ?? false, endpoints, credentials: credentials.get(fn.id)!, region, dataDir });
    for (const fn of Object.values(stack.functions)) {
      host.add({
        id: fn.id,
        functionName: fn.functionName,
        arn: fn.arn,
        entry: fn.entry,
        environment: environmentOf(fn),
        timeoutSeconds: fn.timeoutSeconds,
        memoryMb: fn.memoryMb,
        logGroupName: fn.logGroupName,
      } satisfies HostedFunction);
    }

    const adminDoc = DynamoDBDocumentClient.from(adminDynamo, { marshallOptions: { removeUndefinedValues: true } });
    const adminS3 = new S3Client({ ...admin, endpoint: s3.endpoint, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    stops.push(async () => {
      adminDynamo.destroy();
      adminS3.destroy();
    });
    const tableName = (logical: string) => stack.tables[logical]!.name;
    const jobs = new DynamoJobStore({ doc: adminDoc, tableName: tableName('JobsTable') });
    const blobs = new S3BlobStore({ client: adminS3, bucket: stack.buckets.assets.name });
    const credits = new DynamoCreditStore({
      doc: adminDoc,
      tables: { jobs: tableName('JobsTable'), accounts: tableName('AccountsTable'), ledger: tableName('LedgerTable'), idempotency: tableName('IdempotencyTable') },
    });

    const brands = new DynamoBrandStore({ doc: adminDoc, tableName: tableName('AccountsTable') });

    let stopped: Promise<void> | undefined;
    return {
      dataDir,
      contract: stack,
      endpoints,
      host,
      runner,
      principals,
      authorizer,
      accessLog,
      logs,
      originHeaders,
      jobs,
      blobs,
      credits,
      brands,
      adminClientConfig: (service) => {
        const endpoint = endpoints[service];
        if (!endpoint) throw new Error(`The local ${service} endpoint is not running.`);
        return { endpoint, region, credentials: { ...ADMIN_CREDENTIALS } };
      },
      choose(name, value) {
        choices[name] = value;
        for (const fn of Object.values(stack.functions)) host.setEnvironment(fn.id, environmentOf(fn));
      },
      // The functions that ran (and the state machine, if it invoked any), with what they called.
      accessReport: () =>
        accessLog.report([
          ...host.started().map((id) => ({ id, policies: stack.roles[stack.functions[id]!.roleArn]!.policies })),
          ...(accessLog.calls(stateMachinePrincipal.id).size > 0 ? [{ id: stateMachinePrincipal.id, policies: stateMachinePrincipal.policies }] : []),
        ]),
      stopDynamoDb: () => dynamo.stop(),
      stop: () => (stopped ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A table's (or index's) partition key attribute: dynamodb:LeadingKeys is its value. */
function partitionKeyOf(contract: StackContract | undefined, tableName: string, indexName?: string): string | undefined {
  const table = Object.values(contract?.tables ?? {}).find((t) => t.name === tableName)?.createTableInput;
  const keys = indexName ? table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === indexName)?.KeySchema : table?.KeySchema;
  return keys?.find((k) => k.KeyType === 'HASH')?.AttributeName;
}

interface EnvironmentInputs {
  settings: Record<string, string | undefined>;
  choices: Record<string, string | undefined>;
  quiet: boolean;
  endpoints: Omit<LocalEndpoints, 'sqs'> & { sqs?: string };
  credentials: LocalCredentials;
  region: string;
  dataDir: string;
}

/**
 * A function's whole environment: what the template gives it (deployment choices replaced by
 * the local ones), what the Lambda runtime gives every function, and where the local endpoints
 * are. Nothing else of the operator's environment.
 */
export function functionEnvironment(fn: FunctionContract, inputs: EnvironmentInputs): Record<string, string> {
  const { settings, choices, endpoints } = inputs;
  const env: Record<string, string> = { ...fn.environment };

  // Deployment choices, only where the template sets them: the caller's, else the settings', else
  // (providers) offline — the local default — else the template's own value.
  for (const name of DEPLOYMENT_CHOICES) {
    if (!(name in env)) continue;
    const provider = (PROVIDER_VARIABLES as readonly string[]).includes(name);
    const chosen = choices[name] ?? settings[name] ?? (provider ? 'offline' : undefined);
    if (chosen !== undefined) env[name] = chosen;
  }
  // Sign-in settings the synthesized template only carries as placeholders.
  if (ENV.ADMIN_USER_IDS in env && choices[ENV.ADMIN_USER_IDS] === undefined) env[ENV.ADMIN_USER_IDS] = settings[ENV.ADMIN_USER_IDS] ?? '';

  for (const [variable, { when, names }] of Object.entries(PROVIDER_SETTINGS)) {
    const choice = env[variable];
    if (choice === undefined || !when(choice)) continue;
    for (const name of names) {
      const value = name === ENV.DATA_DIR ? inputs.dataDir : settings[name];
      if (value !== undefined) env[name] = value;
    }
  }
  for (const name of VENDOR_ENDPOINTS) {
    const value = settings[name];
    if (value) env[name] = value;
  }
  // Webhooks to a receiver on this machine (http://127.0.0.1:…) are allowed locally unless the
  // settings say `false`; the stack never sets this, so in AWS they are refused (docs/security.md).
  env[ENV.WEBHOOK_ALLOW_LOOPBACK_HTTP] = settings[ENV.WEBHOOK_ALLOW_LOOPBACK_HTTP] === 'false' ? 'false' : 'true';

  // What the Lambda runtime sets for every function.
  Object.assign(env, {
    AWS_REGION: inputs.region,
    AWS_DEFAULT_REGION: inputs.region,
    AWS_ACCESS_KEY_ID: inputs.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: inputs.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: inputs.credentials.sessionToken,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroupName,
    LAMBDA_TASK_ROOT: ROOT,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: settings.PATH ?? process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  });

  // The local endpoints (the SDK's standard variables), and checksums only where required: with
  // the SDK's default, streamed bodies go out aws-chunked, which the S3 server stores verbatim.
  Object.assign(env, {
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SFN: endpoints.stepFunctions,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
    AWS_ENDPOINT_URL_CLOUDWATCH: endpoints.cloudWatch,
    AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
    ...(endpoints.sqs ? { AWS_ENDPOINT_URL_SQS: endpoints.sqs } : {}),
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    // Logs go to this terminal; metrics (EMF lines on Lambda) are read back from job records locally.
    // Logs go to each function's log file (and the terminal unless quiet): function-logs.ts.
    POWERTOOLS_LOG_LEVEL: settings.POWERTOOLS_LOG_LEVEL ?? 'INFO',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  return env;
}
