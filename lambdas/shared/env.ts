/**
 * Environment variable names, shared by the CDK stack (which sets them) and the handlers
 * (which read them through lambdas/shared/config.ts, the one place that parses them).
 */
export const ENV = {
  JOBS_TABLE: 'JOBS_TABLE',
  ASSETS_BUCKET: 'ASSETS_BUCKET',
  /** Where the local runtime keeps its data (emulators' files, render cache). */
  DATA_DIR: 'SHORTS_DATA_DIR',
  LLM: 'SHORTS_LLM',
  IMAGES: 'SHORTS_IMAGES',
  VOICE: 'SHORTS_VOICE',
  RENDER: 'SHORTS_RENDER',
  /** Seconds a render may take before the job fails. */
  RENDER_TIMEOUT_SECONDS: 'RENDER_TIMEOUT_SECONDS',
  /** Path to the Chromium the local renderer drives. */
  CHROMIUM_PATH: 'SHORTS_CHROMIUM',
  /** How the local renderer draws: `layered` (default) or `full` (lambdas/adapters/offline/render-method.ts). */
  RENDER_METHOD: 'SHORTS_RENDER_METHOD',
  /** Path to the ffmpeg the layered local render uses. */
  FFMPEG_PATH: 'SHORTS_FFMPEG',
  /**
   * ARN of the Secrets Manager secret (`ai-shorts/providers`) holding the vendor keys as JSON:
   * `{"GROQ_API_KEY","REPLICATE_API_TOKEN","ELEVENLABS_API_KEY"}`. Set only on the steps that call vendors.
   */
  PROVIDER_SECRET_ARN: 'PROVIDER_SECRET_ARN',
  /** Remotion Lambda render function (declared in lib/cloud/render.ts); the `functionName` for renderMediaOnLambda. */
  REMOTION_FUNCTION_NAME: 'REMOTION_FUNCTION_NAME',
  /** URL of the deployed composition bundle (`…/sites/ai-shorts/index.html`); the `serveUrl`. */
  REMOTION_SERVE_URL: 'REMOTION_SERVE_URL',
  /** Region of the render function and its bucket. */
  REMOTION_REGION: 'REMOTION_REGION',
  /**
   * Remotion's working bucket. Pass it as `forceBucketName` (the render role may not list or
   * create buckets) and use `privacy: 'no-acl'` (the bucket has ACLs disabled).
   */
  REMOTION_BUCKET: 'REMOTION_BUCKET',
  /** Vendor keys, read from the environment first (local runs), else from PROVIDER_SECRET_ARN's JSON. */
  GROQ_API_KEY: 'GROQ_API_KEY',
  REPLICATE_API_TOKEN: 'REPLICATE_API_TOKEN',
  ELEVENLABS_API_KEY: 'ELEVENLABS_API_KEY',
  /** Base-URL overrides (the SDKs' own option): point the cloud adapters at stubs or proxies. */
  GROQ_BASE_URL: 'GROQ_BASE_URL',
  /** Replicate's base URL includes `/v1` (a bare origin gets it added). */
  REPLICATE_BASE_URL: 'REPLICATE_BASE_URL',
  ELEVENLABS_BASE_URL: 'ELEVENLABS_BASE_URL',
  /** ElevenLabs voice used when a request names none; `request.voice` overrides it. */
  ELEVENLABS_VOICE_ID: 'ELEVENLABS_VOICE_ID',
  /** ElevenLabs model, e.g. eleven_multilingual_v2 (default) or eleven_flash_v2_5 (half the price). */
  ELEVENLABS_MODEL_ID: 'ELEVENLABS_MODEL_ID',
  /**
   * The ElevenLabs voices users may choose (comma-separated `id` or `id=Name`); default the premade
   * voices (lambdas/adapters/providers/elevenlabs-voices.ts). Read by the routes that check a voice.
   */
  ELEVENLABS_VOICES: 'ELEVENLABS_VOICES',

  // --- The HTTP API, credits and the job queue (docs/api.md) ---
  /** Credit balances, one item per user (key `userId`). */
  ACCOUNTS_TABLE: 'ACCOUNTS_TABLE',
  /** Every credit movement (key `userId` + sortable `entryId`); sums to the balance. */
  LEDGER_TABLE: 'LEDGER_TABLE',
  /** Idempotency-Key records and processed Stripe checkouts (key `id`, TTL `expiresAt`). */
  IDEMPOTENCY_TABLE: 'IDEMPOTENCY_TABLE',
  /** URL of the SQS queue of job ids waiting for a pipeline. */
  JOBS_QUEUE_URL: 'JOBS_QUEUE_URL',
  /** ARN of the pipeline state machine the dispatcher starts executions of. */
  STATE_MACHINE_ARN: 'STATE_MACHINE_ARN',
  /** At most this many pipelines run at once; the rest wait in the queue. 0 pauses dispatching. */
  MAX_RUNNING_PIPELINES: 'MAX_RUNNING_PIPELINES',
  /** Credits a new user is given once, on first sight. */
  STARTING_CREDITS: 'STARTING_CREDITS',
  /** Comma-separated user ids (Clerk `sub`) with the admin role, besides the token's own role claim. */
  ADMIN_USER_IDS: 'ADMIN_USER_IDS',
  /** Clerk's PEM public key: session tokens are verified without a network call. */
  CLERK_JWT_KEY: 'CLERK_JWT_KEY',
  /** Clerk secret key: session tokens are verified against the instance's JWKS (fetched, cached). */
  CLERK_SECRET_KEY: 'CLERK_SECRET_KEY',
  /** Clerk Backend API base URL (for the JWKS), default https://api.clerk.com. */
  CLERK_API_URL: 'CLERK_API_URL',
  /** Comma-separated origins allowed in a token's `azp` claim (the dashboard's origin). */
  CLERK_AUTHORIZED_PARTIES: 'CLERK_AUTHORIZED_PARTIES',
  /** Stripe secret key (sk_…), for Checkout. From the env locally, else PROVIDER_SECRET_ARN's JSON. */
  STRIPE_SECRET_KEY: 'STRIPE_SECRET_KEY',
  /** Stripe webhook signing secret (whsec_…). From the env locally, else PROVIDER_SECRET_ARN's JSON. */
  STRIPE_WEBHOOK_SECRET: 'STRIPE_WEBHOOK_SECRET',
  /** Stripe API base URL override, e.g. http://127.0.0.1:12111 for a stub; default Stripe's own. */
  STRIPE_API_BASE: 'STRIPE_API_BASE',
  /** Price of one credit in US cents on the Checkout page. */
  CREDIT_PRICE_CENTS: 'CREDIT_PRICE_CENTS',
  /** The dashboard's public URL: where Checkout sends the buyer back. */
  APP_URL: 'APP_URL',
  /** Seconds a QUEUED job may sit untouched before the sweeper sends its id to the queue again. */
  QUEUED_REDRIVE_SECONDS: 'QUEUED_REDRIVE_SECONDS',
  /** Hours a job may wait in the queue in all before it is failed and refunded. */
  MAX_QUEUED_HOURS: 'MAX_QUEUED_HOURS',
  /** Minutes a RUNNING job may go without any update before it is stopped, failed and refunded. */
  STUCK_JOB_MINUTES: 'STUCK_JOB_MINUTES',
  /** Seconds before a job that found every pipeline busy is looked at again. */
  DISPATCH_RETRY_SECONDS: 'DISPATCH_RETRY_SECONDS',
  /** Pipelines one user's jobs may hold at once; their other jobs wait while other users' start. */
  MAX_RUNNING_PER_USER: 'MAX_RUNNING_PER_USER',
  /** Videos one user may have in progress (QUEUED or RUNNING) at once; more is 429. */
  MAX_ACTIVE_JOBS_PER_USER: 'MAX_ACTIVE_JOBS_PER_USER',
  /** Videos one user may order (or retry) per clock hour (UTC); more is 429 until the hour ends. */
  MAX_JOBS_PER_USER_PER_HOUR: 'MAX_JOBS_PER_USER_PER_HOUR',
  /** Videos one user may order (or retry) per UTC day; more is 429 until midnight UTC. */
  MAX_JOBS_PER_USER_PER_DAY: 'MAX_JOBS_PER_USER_PER_DAY',

  // --- Monitoring, alerts and operations (docs/ops.md) ---
  /** URL of the jobs queue's dead-letter queue (its depth is reported and alerted on). */
  JOBS_DLQ_URL: 'JOBS_DLQ_URL',
  /** Name prefix of the stack's CloudWatch alarms; /api/alerts lists those in ALARM (AWS only). */
  ALARM_NAME_PREFIX: 'ALARM_NAME_PREFIX',
  /** Minutes the failure-rate and p95 alert rules look back. */
  ALERT_WINDOW_MINUTES: 'ALERT_WINDOW_MINUTES',
  /** Error rate in percent at which the failure-rate alert is critical (default 50) / a warning (20). */
  ALERT_FAILURE_RATE_CRITICAL_PERCENT: 'ALERT_FAILURE_RATE_CRITICAL_PERCENT',
  ALERT_FAILURE_RATE_WARNING_PERCENT: 'ALERT_FAILURE_RATE_WARNING_PERCENT',
  /** Finished jobs needed in the window before the failure rate alerts. */
  ALERT_MIN_FINISHED_JOBS: 'ALERT_MIN_FINISHED_JOBS',
  /** Minutes without an update after which a RUNNING job is reported stuck. */
  ALERT_STUCK_MINUTES: 'ALERT_STUCK_MINUTES',
  /** p95 job run time (s) above which an alert is raised. */
  ALERT_P95_DURATION_SECONDS: 'ALERT_P95_DURATION_SECONDS',
  /** Minutes the oldest queued job may wait before an alert is raised. */
  ALERT_QUEUED_MINUTES: 'ALERT_QUEUED_MINUTES',
  /** CloudWatch namespace of the Powertools metrics. */
  METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

export class MissingConfiguration extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingConfiguration';
  }
}
