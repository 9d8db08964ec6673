/**
 * The composition root: the one factory that builds a function's dependencies from its
 * {@link Config}. Each function makes one at module scope (`fromEnvironment()`), in AWS once per
 * Lambda container and locally once per function of the local runtime, and asks it for what it
 * uses; each piece is built on first request and kept. Missing settings fail when the piece is
 * asked for — at module scope, so a function lacking a variable fails to start, naming it.
 *
 * Adapters are imported on demand: a Lambda bundle leaves the offline ones out (native resvg,
 * eSpeak's WASM, Remotion's renderer), and a function loads only the vendor SDK it uses.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type Stripe from 'stripe';
import { CloudWatchAlarmReader } from '../adapters/aws/cloudwatch-alarms.js';
import { DynamoBatchStore } from '../adapters/aws/dynamo-batch-store.js';
import { DynamoBrandStore } from '../adapters/aws/dynamo-brand-store.js';
import type { BrandStore } from '../core/brand.js';
import { DynamoApiKeyStore } from '../adapters/aws/dynamo-api-key-store.js';
import { DynamoCreditStore } from '../adapters/aws/dynamo-credit-store.js';
import { DynamoJobStore } from '../adapters/aws/dynamo-job-store.js';
import { dynamoTableProbe, renderFunctionProbe, s3BucketProbe, sqsQueueProbe, stateMachineProbe } from '../adapters/aws/health-probes.js';
import { S3BlobStore } from '../adapters/aws/s3-blob-store.js';
import { SfnPipelineStarter } from '../adapters/aws/sfn-pipeline-starter.js';
import { SqsJobQueue } from '../adapters/aws/sqs-job-queue.js';
import { SqsQueueDepths } from '../adapters/aws/sqs-queue-depths.js';
import { ProviderKeys } from '../adapters/providers/provider-keys.js';
import type { ApiKeyStore } from '../core/api-keys.js';
import { DynamoWebhookStore } from '../adapters/aws/dynamo-webhook-store.js';
import { SqsWebhookQueue } from '../adapters/aws/sqs-webhook-queue.js';
import type { WebhookQueue, WebhookStore } from '../core/webhooks/delivery.js';
import type { WebhookEventType } from '../core/webhooks/model.js';
import type { TargetPolicy } from '../core/webhooks/ssrf.js';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { UserLimits } from '../core/jobs/limits.js';
import type { AlertThresholds } from '../core/ops/alerts.js';
import type { HealthProbe } from '../core/ops/health.js';
import { METRICS_NAMESPACE, METRICS_SERVICE, WEBHOOK_METRIC } from '../core/ops/metric-names.js';
import type { AlarmReader, OpsDeps, QueueDepthReader } from '../core/ops/ops-service.js';
import type {
  BlobStore,
  Clock,
  BatchStore,
  CreditStore,
  ImageGenerator,
  MusicGenerator,
  JobIndex,
  JobQueue,
  JobStore,
  PipelineStarter,
  ScriptWriter,
  SpeechSynthesizer,
  VideoRenderer,
} from '../core/ports.js';
import type { VoiceCatalog } from '../core/voices.js';
import { ConfigSchema, PROVIDERS, readConfig, required, type Config, type ProviderVariable } from './config.js';
import { ENV, MissingConfiguration } from './env.js';
import { SECRET_ARN_VARIABLES, SECRET_KEYS } from './secret-keys.js';

export const systemClock: Clock = { now: () => new Date() };

/** A probe answers within this, or fails. */
export const PROBE_TIMEOUT_MS = 3000;

/** How long an Idempotency-Key answers with the job it made. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/** The API key each cloud provider needs, by service. */
const PROVIDER_KEYS = {
  [ENV.LLM]: { provider: 'groq', key: ENV.GROQ_API_KEY },
  [ENV.IMAGES]: { provider: 'replicate', key: ENV.REPLICATE_API_TOKEN },
  [ENV.VOICE]: { provider: 'elevenlabs', key: ENV.ELEVENLABS_API_KEY },
  [ENV.MUSIC]: { provider: 'elevenlabs', key: ENV.ELEVENLABS_API_KEY },
} as const;

/** What `SHORTS_RENDER=lambda` needs besides AWS credentials. */
const REMOTION_LAMBDA_VARIABLES = [ENV.REMOTION_FUNCTION_NAME, ENV.REMOTION_SERVE_URL, ENV.REMOTION_REGION] as const;

/** The tracing the steps use (X-Ray on Lambda; nothing elsewhere, as Powertools itself would do). */
export interface StepTracer {
  putAnnotation(key: string, value: string | number | boolean): void;
}

/** A function's logger and metrics buffer (STYLE.md: created once per function). */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
}

/** How sign-in is checked: Clerk's PEM key (networkless) or its secret key (JWKS), and who is an admin. */
export interface AuthSettings {
  jwtKey?: string;
  apiUrl?: string;
  authorizedParties?: string[];
  adminUserIds: readonly string[];
  /** Clerk's secret key, when there is no PEM key to verify tokens with (env, else the keys secret). */
  secretKey(): Promise<string | undefined>;
}

/** Builds a value on first call and keeps it (a rejected promise is not kept: the next call tries again). */
function memo<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    if (value) return value.v;
    const made = make();
    value = { v: made };
    if (made instanceof Promise) made.catch(() => (value = undefined));
    return made;
  };
}

/** The dependencies of one function, from its configuration. */
export class Dependencies {
  constructor(readonly config: Config) {}

  // --- AWS clients: ordinary SDK clients; the SDK takes region, credentials and (locally) endpoints from the environment.
  readonly documentClient = memo(() => DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }));
  readonly s3Client = memo(() => new S3Client({}));
  readonly sqsClient = memo(() => new SQSClient({}));
  readonly sfnClient = memo(() => new SFNClient({}));

  // --- Observability.
  readonly observability = memo((): Observability => {
    const metrics = new Metrics({ namespace: this.config[ENV.METRICS_NAMESPACE] ?? METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
    return { logger: new Logger({ serviceName: METRICS_SERVICE }), metrics };
  });

  /**
   * X-Ray, only on the Lambda runtime (AWS_EXECUTION_ENV): importing the X-Ray SDK installs a
   * process-wide async hook that makes every promise dearer, so nothing else loads it.
   */
  readonly tracer = memo(async (): Promise<StepTracer> => {
    if (!this.config.AWS_EXECUTION_ENV) return NO_TRACER;
    const { Tracer } = await import('@aws-lambda-powertools/tracer');
    return new Tracer({ serviceName: METRICS_SERVICE });
  });

  // --- Stores and queues.
  readonly jobStore = memo((): JobStore & JobIndex => new DynamoJobStore({ doc: this.documentClient(), tableName: required(this.config, ENV.JOBS_TABLE) }));
  readonly blobStore = memo(
    (): BlobStore =>
      new S3BlobStore({
        client: this.s3Client(),
        bucket: required(this.config, ENV.ASSETS_BUCKET),
        // Uploads' presigned PUTs: no checksum of an empty body signed into the URL (S3BlobStore's constructor).
        presignClient: new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' }),
      }),
  );
  readonly creditStore = memo(
    (): CreditStore =>
      new DynamoCreditStore({
        doc: this.documentClient(),
        tables: {
          jobs: required(this.config, ENV.JOBS_TABLE),
          accounts: required(this.config, ENV.ACCOUNTS_TABLE),
          ledger: required(this.config, ENV.LEDGER_TABLE),
          idempotency: required(this.config, ENV.IDEMPOTENCY_TABLE),
        },
      }),
  );
  readonly batchStore = memo((): BatchStore => new DynamoBatchStore({ doc: this.documentClient(), tableName: required(this.config, ENV.IDEMPOTENCY_TABLE) }));
  /** API keys (docs/api.md): every user route looks up the key a request carries. */
  readonly apiKeyStore = memo((): ApiKeyStore => new DynamoApiKeyStore({ doc: this.documentClient(), tableName: required(this.config, ENV.API_KEYS_TABLE) }));
  /** Brand kits (docs/api.md "Brand kit"): items of the accounts table. */
  readonly brandStore = memo((): BrandStore => new DynamoBrandStore({ doc: this.documentClient(), tableName: required(this.config, ENV.ACCOUNTS_TABLE) }));
  readonly jobQueue = memo((): JobQueue => new SqsJobQueue({ client: this.sqsClient(), queueUrl: required(this.config, ENV.JOBS_QUEUE_URL) }));
  // --- Completion webhooks (docs/api.md "Webhooks").
  readonly webhookStore = memo((): WebhookStore => new DynamoWebhookStore({ doc: this.documentClient(), tableName: required(this.config, ENV.WEBHOOKS_TABLE) }));
  readonly webhookQueue = memo((): WebhookQueue => new SqsWebhookQueue({ client: this.sqsClient(), queueUrl: required(this.config, ENV.WEBHOOK_QUEUE_URL) }));
  /** Where webhooks may go: https to public addresses; http to loopback only where the local runtime allows it. */
  webhookPolicy(): TargetPolicy {
    return { allowLoopbackHttp: this.config[ENV.WEBHOOK_ALLOW_LOOPBACK_HTTP] };
  }
  /**
   * Tells the webhooks queue that a job ended. Never throws: a job's end is not undone because
   * its webhook could not be sent; the failure is logged and counted (WebhookEventsNotSent).
   */
  readonly webhookEvents = memo(() => {
    const { logger, metrics } = this.observability();
    return async (type: WebhookEventType, jobIds: readonly string[]): Promise<void> => {
      if (jobIds.length === 0) return;
      for (const jobId of jobIds) {
        try {
          await this.webhookQueue().send({ kind: 'event', type, jobId });
        } catch (error) {
          logger.error('webhook event not sent', { jobId, type, error: error as Error });
          metrics.addMetric(WEBHOOK_METRIC.eventsNotSent, MetricUnit.Count, 1);
        }
      }
    };
  });

  /** Step Functions: in AWS the stack's state machine; locally the runtime's, behind the same API. */
  readonly pipelineStarter = memo(
    (): PipelineStarter => new SfnPipelineStarter({ client: this.sfnClient(), stateMachineArn: required(this.config, ENV.STATE_MACHINE_ARN) }),
  );
  readonly newJobId = (): string => randomUUID();

  // --- Provider keys and adapters.
  /** Keys: the environment first, else each key's own secret named by `<KEY>_SECRET_ARN` (fetched once). */
  readonly providerKeys = memo(
    () =>
      new ProviderKeys({
        env: {
          [ENV.GROQ_API_KEY]: this.config[ENV.GROQ_API_KEY],
          [ENV.REPLICATE_API_TOKEN]: this.config[ENV.REPLICATE_API_TOKEN],
          [ENV.ELEVENLABS_API_KEY]: this.config[ENV.ELEVENLABS_API_KEY],
          [ENV.STRIPE_SECRET_KEY]: this.config[ENV.STRIPE_SECRET_KEY],
          [ENV.STRIPE_WEBHOOK_SECRET]: this.config[ENV.STRIPE_WEBHOOK_SECRET],
          [ENV.CLERK_SECRET_KEY]: this.config[ENV.CLERK_SECRET_KEY],
        },
        secretArns: Object.fromEntries(SECRET_KEYS.map((key) => [key, this.config[SECRET_ARN_VARIABLES[key]]])),
      }),
  );

  /**
   * The value CloudFront sends the API in the origin-verify header (lambdas/api/origin-verify.ts),
   * read once per container from ORIGIN_VERIFY_SECRET_ARN's secret. Undefined when the variable is
   * not set: a handler run outside the stack (the stack sets it on every API function; test/cloud checks).
   */
  readonly originVerify = memo(async (): Promise<string | undefined> =>
    this.config[ENV.ORIGIN_VERIFY_SECRET_ARN] ? this.providerKeys().get('ORIGIN_VERIFY', 'The origin check') : undefined,
  );

  private keyFor(variable: keyof typeof PROVIDER_KEYS): () => Promise<string> {
    const { provider, key } = PROVIDER_KEYS[variable];
    return this.providerKeys().supplier(key, `${variable}=${provider}`);
  }

  readonly scriptWriter = memo(async (): Promise<ScriptWriter> => {
    if (this.config[ENV.LLM] === 'groq') {
      const apiKey = this.keyFor(ENV.LLM);
      const baseURL = this.config[ENV.GROQ_BASE_URL];
      const { GroqScriptWriter } = await import('../adapters/providers/groq-script-writer.js');
      return new GroqScriptWriter({ apiKey, ...(baseURL ? { baseURL } : {}) });
    }
    const { TemplateScriptWriter } = await import('../adapters/offline/template-script-writer.js');
    return new TemplateScriptWriter();
  });

  readonly imageGenerator = memo(async (): Promise<ImageGenerator> => {
    if (this.config[ENV.IMAGES] === 'replicate') {
      const apiToken = this.keyFor(ENV.IMAGES);
      const baseUrl = this.config[ENV.REPLICATE_BASE_URL];
      const { ReplicateImageGenerator } = await import('../adapters/providers/replicate-image-generator.js');
      return new ReplicateImageGenerator({ apiToken, ...(baseUrl ? { baseUrl } : {}) });
    }
    const { ProceduralImageGenerator } = await import('../adapters/offline/procedural-image-generator.js');
    return new ProceduralImageGenerator();
  });

  readonly speechSynthesizer = memo(async (): Promise<SpeechSynthesizer> => {
    if (this.config[ENV.VOICE] === 'elevenlabs') {
      const apiKey = this.keyFor(ENV.VOICE);
      const { [ENV.ELEVENLABS_BASE_URL]: baseUrl, [ENV.ELEVENLABS_VOICE_ID]: voiceId, [ENV.ELEVENLABS_MODEL_ID]: modelId } = this.config;
      const { ElevenLabsSpeechSynthesizer } = await import('../adapters/providers/elevenlabs-speech.js');
      return new ElevenLabsSpeechSynthesizer({
        apiKey,
        ...(baseUrl ? { baseUrl } : {}),
        ...(voiceId ? { voiceId } : {}),
        ...(modelId ? { modelId } : {}),
      });
    }
    const { EspeakSpeechSynthesizer } = await import('../adapters/offline/espeak-speech.js');
    return new EspeakSpeechSynthesizer();
  });

  /** The music generator (SHORTS_MUSIC): ElevenLabs music, or a bed synthesized from code offline. */
  readonly musicGenerator = memo(async (): Promise<MusicGenerator> => {
    if (this.config[ENV.MUSIC] === 'elevenlabs') {
      const apiKey = this.keyFor(ENV.MUSIC);
      const baseUrl = this.config[ENV.ELEVENLABS_BASE_URL];
      const { ElevenLabsMusicGenerator } = await import('../adapters/providers/elevenlabs-music.js');
      return new ElevenLabsMusicGenerator({ apiKey, ...(baseUrl ? { baseUrl } : {}) });
    }
    const { SynthMusicGenerator } = await import('../adapters/offline/music-synth.js');
    return new SynthMusicGenerator();
  });

  /**
   * The voices users may choose with the configured voice provider: eSpeak's own list offline;
   * with ElevenLabs the ELEVENLABS_VOICES allowlist (default the premade voices), never a call
   * to ElevenLabs — that would need its key in the public routes.
   */
  readonly voiceCatalog = memo(async (): Promise<VoiceCatalog> => {
    if (this.config[ENV.VOICE] === 'elevenlabs') {
      const { elevenLabsVoiceCatalog } = await import('../adapters/providers/elevenlabs-voices.js');
      const defaultVoice = this.config[ENV.ELEVENLABS_VOICE_ID];
      return elevenLabsVoiceCatalog({ allowlist: this.config[ENV.ELEVENLABS_VOICES], ...(defaultVoice ? { defaultVoice } : {}) });
    }
    // Imported on demand: a Lambda bundle carries no offline adapter (OFFLINE_ONLY_IMPORTS).
    const { espeakVoiceCatalog } = await import('../adapters/offline/espeak-voices.js');
    return espeakVoiceCatalog();
  });

  /** What one user may order: videos in progress, per hour, per day. */
  userLimits(): UserLimits {
    const c = this.config;
    return { activeJobs: c[ENV.MAX_ACTIVE_JOBS_PER_USER], jobsPerHour: c[ENV.MAX_JOBS_PER_USER_PER_HOUR], jobsPerDay: c[ENV.MAX_JOBS_PER_USER_PER_DAY] };
  }

  readonly videoRenderer = memo(async (): Promise<VideoRenderer> => {
    if (this.config[ENV.RENDER] === 'lambda') {
      const neededFor = `${ENV.RENDER}=lambda`;
      const [functionName, serveUrl, region] = REMOTION_LAMBDA_VARIABLES.map((name) => required(this.config, name, neededFor)) as [string, string, string];
      const remotionBucket = this.config[ENV.REMOTION_BUCKET];
      const { RemotionLambdaRenderer } = await import('../adapters/providers/remotion-lambda-renderer.js');
      return new RemotionLambdaRenderer({
        functionName,
        serveUrl,
        region,
        outputBucket: required(this.config, ENV.ASSETS_BUCKET),
        ...(remotionBucket ? { remotionBucket } : {}),
      });
    }
    const { LocalRemotionRenderer } = await import('../adapters/offline/remotion-renderer.js');
    return new LocalRemotionRenderer({
      blobs: this.blobStore(),
      workDir: join(this.config[ENV.DATA_DIR] ?? join(tmpdir(), 'ai-shorts'), 'render'),
      browserExecutable: this.config[ENV.CHROMIUM_PATH],
      method: this.config[ENV.RENDER_METHOD],
      ffmpegExecutable: this.config[ENV.FFMPEG_PATH],
    });
  });

  /**
   * Checks the provider configuration up front, so the CLI and the dev server fail at start with
   * every problem named (missing key or Remotion setting) instead of a job failing later.
   * Resolves keys too, so each key's secret (`<KEY>_SECRET_ARN`) is fetched and checked.
   * Returns the provider chosen for each service.
   */
  async checkProviders(): Promise<Record<ProviderVariable, string>> {
    const problems: string[] = [];
    const choices = Object.fromEntries((Object.keys(PROVIDERS) as ProviderVariable[]).map((v) => [v, this.config[v]])) as Record<ProviderVariable, string>;
    for (const variable of Object.keys(PROVIDER_KEYS) as (keyof typeof PROVIDER_KEYS)[]) {
      const { provider, key } = PROVIDER_KEYS[variable];
      if (choices[variable] !== provider) continue;
      try {
        await this.providerKeys().get(key, `${variable}=${provider}`);
      } catch (error) {
        if (!(error instanceof MissingConfiguration)) throw error;
        problems.push(error.message);
      }
    }
    if (choices[ENV.RENDER] === 'lambda') {
      for (const name of REMOTION_LAMBDA_VARIABLES) {
        if (this.config[name] === undefined) problems.push(`${ENV.RENDER}=lambda needs ${name}; it is not set.`);
      }
    }
    if (problems.length > 0) throw new MissingConfiguration(problems.join(' '));
    return choices;
  }

  // --- Payments and sign-in.
  /** Stripe's SDK with its key (env, else the keys secret) and, for tests, a base URL override. */
  readonly stripe = memo(async (): Promise<Stripe> => {
    const key = await this.providerKeys().get(ENV.STRIPE_SECRET_KEY, 'Payments (Checkout)');
    const { default: StripeSdk } = await import('stripe');
    return new StripeSdk(key, { ...stripeHostOptions(this.config[ENV.STRIPE_API_BASE]), maxNetworkRetries: 2, timeout: 20_000 });
  });

  /** The Stripe webhook signing secret (env, else the keys secret). */
  readonly stripeWebhookSecret = (): Promise<string> => this.providerKeys().get(ENV.STRIPE_WEBHOOK_SECRET, 'The Stripe webhook');

  readonly auth = memo((): AuthSettings => {
    const c = this.config;
    return {
      ...(c[ENV.CLERK_JWT_KEY] ? { jwtKey: c[ENV.CLERK_JWT_KEY] } : {}),
      ...(c[ENV.CLERK_API_URL] ? { apiUrl: c[ENV.CLERK_API_URL] } : {}),
      ...(c[ENV.CLERK_AUTHORIZED_PARTIES].length ? { authorizedParties: c[ENV.CLERK_AUTHORIZED_PARTIES] } : {}),
      adminUserIds: c[ENV.ADMIN_USER_IDS],
      secretKey: async () => {
        if (c[ENV.CLERK_SECRET_KEY]) return c[ENV.CLERK_SECRET_KEY];
        if (!c[ENV.CLERK_SECRET_KEY_SECRET_ARN]) return undefined;
        return this.providerKeys().get(ENV.CLERK_SECRET_KEY, 'Sign-in (Clerk)');
      },
    };
  });

  // --- Operations (docs/ops.md).
  /** Probes get their own clients with a short timeout and no retries, so a dependency that is down answers "failed" quickly. */
  private readonly probeClients = memo(() => {
    const config = { maxAttempts: 1, requestHandler: { connectionTimeout: 1000, requestTimeout: PROBE_TIMEOUT_MS } };
    const region = this.config[ENV.REMOTION_REGION];
    return {
      dynamo: new DynamoDBClient(config),
      s3: new S3Client(config),
      sqs: new SQSClient(config),
      sfn: new SFNClient(config),
      lambda: new LambdaClient({ ...config, ...(region ? { region } : {}) }),
    };
  });

  /** One probe per dependency (what GET /api/health checks). */
  readonly healthProbes = memo((): HealthProbe[] => {
    const c = this.probeClients();
    const render = (): HealthProbe => {
      if (this.config[ENV.RENDER] === 'lambda') {
        return renderFunctionProbe(c.lambda, required(this.config, ENV.REMOTION_FUNCTION_NAME, 'The render health check'));
      }
      const chromium = this.config[ENV.CHROMIUM_PATH];
      const ffmpeg = this.config[ENV.RENDER_METHOD] === 'layered' ? this.config[ENV.FFMPEG_PATH] : undefined;
      // Imported on demand: a Lambda bundle carries no offline adapter (OFFLINE_ONLY_IMPORTS).
      return {
        name: 'render',
        target: ffmpeg ? `chromium:${chromium} ffmpeg:${ffmpeg}` : `chromium:${chromium}`,
        check: async () => (await import('../adapters/offline/chromium-probe.js')).chromiumProbe(chromium, ffmpeg).check(),
      };
    };
    return [
      dynamoTableProbe(c.dynamo, required(this.config, ENV.JOBS_TABLE)),
      s3BucketProbe(c.s3, required(this.config, ENV.ASSETS_BUCKET)),
      sqsQueueProbe(c.sqs, required(this.config, ENV.JOBS_QUEUE_URL)),
      stateMachineProbe(c.sfn, required(this.config, ENV.STATE_MACHINE_ARN)),
      render(),
    ];
  });

  /** The jobs queue's and its DLQ's depths. */
  readonly queueDepths = memo(
    (): QueueDepthReader =>
      new SqsQueueDepths({
        client: this.probeClients().sqs,
        queueUrl: required(this.config, ENV.JOBS_QUEUE_URL),
        ...(this.config[ENV.JOBS_DLQ_URL] ? { dlqUrl: this.config[ENV.JOBS_DLQ_URL] } : {}),
      }),
  );

  /** The stack's CloudWatch alarms in ALARM (their name prefix is ALARM_NAME_PREFIX). */
  readonly alarmReader = memo((): AlarmReader => new CloudWatchAlarmReader({ client: new CloudWatchClient({}), namePrefix: required(this.config, ENV.ALARM_NAME_PREFIX) }));

  /** Alert thresholds: the defaults, each overridable by its variable. */
  alertThresholds(): AlertThresholds {
    const c = this.config;
    return {
      windowMinutes: c[ENV.ALERT_WINDOW_MINUTES],
      failureRateCritical: c[ENV.ALERT_FAILURE_RATE_CRITICAL_PERCENT] / 100,
      failureRateWarning: c[ENV.ALERT_FAILURE_RATE_WARNING_PERCENT] / 100,
      minFinishedJobs: c[ENV.ALERT_MIN_FINISHED_JOBS],
      stuckMinutes: c[ENV.ALERT_STUCK_MINUTES],
      p95DurationSeconds: c[ENV.ALERT_P95_DURATION_SECONDS],
      queuedMinutes: c[ENV.ALERT_QUEUED_MINUTES],
    };
  }

  /** What the operator views need; `parts` says which optional readers this route uses. */
  opsDeps(parts: { probes?: boolean; queue?: boolean; alarms?: boolean } = {}): OpsDeps {
    const store = this.jobStore();
    return {
      index: store,
      getJob: (jobId) => store.get(jobId),
      probes: parts.probes ? this.healthProbes() : [],
      ...(parts.queue ? { queue: this.queueDepths() } : {}),
      ...(parts.alarms ? { alarms: this.alarmReader() } : {}),
      now: () => new Date(),
      elapsed: () => performance.now(),
      thresholds: this.alertThresholds(),
      probeTimeoutMs: PROBE_TIMEOUT_MS,
      maxJobs: 2000,
    };
  }

  // --- The queue's settings.
  sweepConfig(overrides: { runningGraceSeconds?: number; queuedRedriveSeconds?: number } = {}) {
    const c = this.config;
    return {
      queuedRedriveSeconds: overrides.queuedRedriveSeconds ?? c[ENV.QUEUED_REDRIVE_SECONDS],
      maxQueuedHours: c[ENV.MAX_QUEUED_HOURS],
      stuckMinutes: c[ENV.STUCK_JOB_MINUTES],
      runningGraceSeconds: overrides.runningGraceSeconds ?? 120,
      maxRedrives: 3,
    };
  }
}

const NO_TRACER: StepTracer = { putAnnotation: () => undefined };

/** Stripe API host/port/protocol from STRIPE_API_BASE (a stub in tests), for the SDK's own options. */
export function stripeHostOptions(base: string | undefined): { host?: string; port?: number; protocol?: 'http' | 'https' } {
  if (!base) return {};
  const url = new URL(base);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}

/**
 * The CLI's and the dev server's check of the provider settings they will hand the functions:
 * every problem named at once — an unknown provider or render method, a missing key, a missing
 * Remotion setting — instead of a job failing later. Returns the provider chosen for each service.
 */
export async function checkProviderSettings(env: Record<string, string | undefined>): Promise<Record<ProviderVariable, string>> {
  const problems: string[] = [];
  const usable = { ...env };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      readConfig(usable);
      break;
    } catch (error) {
      if (!(error instanceof MissingConfiguration)) throw error;
      // Name the bad values, then check the rest as if they were unset.
      const parsed = ConfigSchema.safeParse(Object.fromEntries(Object.keys(ConfigSchema.shape).map((name) => [name, usable[name]])));
      for (const issue of parsed.success ? [] : parsed.error.issues) {
        problems.push(issue.message);
        const name = String(issue.path[0]);
        delete usable[name];
      }
    }
  }
  try {
    const choices = await new Dependencies(readConfig(usable)).checkProviders();
    if (problems.length > 0) throw new MissingConfiguration(problems.join(' '));
    return choices;
  } catch (error) {
    if (!(error instanceof MissingConfiguration)) throw error;
    throw new MissingConfiguration([...problems, error.message].filter((p, i, all) => all.indexOf(p) === i).join(' '));
  }
}

/** The voices users may choose under these settings (the CLI checks `--voice` with it, as the API checks `voice`). */
export function voiceCatalogFor(env: Record<string, string | undefined>): Promise<VoiceCatalog> {
  return new Dependencies(readConfig(env)).voiceCatalog();
}

/** The dependencies of the function this module runs in, from its environment: call once, at module scope. */
export function fromEnvironment(): Dependencies {
  return new Dependencies(readConfig(process.env));
}
