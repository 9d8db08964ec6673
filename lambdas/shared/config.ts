/**
 * A function's configuration: its environment, parsed and checked once, at module scope, into a
 * typed object whose keys are the variable names (lambdas/shared/env.ts). This is the one place
 * that reads the environment; the composition root (dependencies.ts) builds everything from the
 * object it returns. In AWS the environment is what the stack gives the function; locally the
 * runtime gives each function the same (lib/local/function-host.ts), never the parent process's.
 */
import { z } from 'zod';
import { DEFAULT_MAX_RUNNING_PER_USER, DEFAULT_USER_LIMITS } from '../core/jobs/limits.js';
import { DEFAULT_THRESHOLDS } from '../core/ops/alerts.js';
import { DEFAULT_RENDER_METHOD, RENDER_METHODS } from '../core/render-method.js';
import { parseRetrySchedule } from '../core/webhooks/model.js';
import { ENV, MissingConfiguration } from './env.js';

/** Providers each service can use. A cloud provider without its configuration is a clear error, never a fallback. */
export const PROVIDERS = {
  [ENV.LLM]: ['offline', 'groq'],
  [ENV.IMAGES]: ['offline', 'replicate'],
  [ENV.VOICE]: ['offline', 'elevenlabs'],
  [ENV.MUSIC]: ['offline', 'elevenlabs'],
  [ENV.RENDER]: ['offline', 'lambda'],
} as const;
export type ProviderVariable = keyof typeof PROVIDERS;

/** An unset or blank variable is absent. */
const blank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const text = z.preprocess(blank, z.string().optional());

function withDefault(fallback: string) {
  return z.preprocess(blank, z.string().default(fallback));
}

function url(name: string) {
  return z.preprocess(
    blank,
    z
      .string()
      .refine((value) => URL.canParse(value), { message: `Environment variable ${name} must be a URL, got something else.` })
      .optional(),
  );
}

function wholeNumber(name: string, fallback: number, min = 0) {
  return z.preprocess(
    blank,
    z.union([z.undefined(), z.string(), z.number()]).transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min) {
        ctx.addIssue({ code: 'custom', message: `Environment variable ${name} must be a whole number >= ${min}, got "${raw}".` });
        return z.NEVER;
      }
      return value;
    }),
  );
}

function number(name: string, fallback: number) {
  return z.preprocess(
    blank,
    z.union([z.undefined(), z.string(), z.number()]).transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!Number.isFinite(value)) {
        ctx.addIssue({ code: 'custom', message: `Environment variable ${name} must be a number, got "${raw}".` });
        return z.NEVER;
      }
      return value;
    }),
  );
}

function provider<V extends ProviderVariable>(variable: V) {
  const known: readonly string[] = PROVIDERS[variable];
  return z.preprocess(
    blank,
    z
      .string()
      .default('offline')
      .refine((choice) => known.includes(choice), {
        error: (issue) => `${variable}=${String(issue.input)} is not a known provider; use one of: ${known.join(', ')}.`,
      })
      .transform((choice) => choice as (typeof PROVIDERS)[V][number]),
  );
}

/** A comma-separated list; blanks dropped. */
const list = z.preprocess(
  blank,
  z
    .string()
    .optional()
    .transform((raw) =>
      (raw ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    ),
);

export const ConfigSchema = z.object({
  // Where the function's resources are (set by the stack).
  [ENV.JOBS_TABLE]: text,
  [ENV.ACCOUNTS_TABLE]: text,
  [ENV.LEDGER_TABLE]: text,
  [ENV.IDEMPOTENCY_TABLE]: text,
  [ENV.API_KEYS_TABLE]: text,
  [ENV.ASSETS_BUCKET]: text,
  [ENV.JOBS_QUEUE_URL]: text,
  [ENV.JOBS_DLQ_URL]: text,
  [ENV.STATE_MACHINE_ARN]: text,
  // Each key's own secret (lambdas/shared/secret-keys.ts), set only where the function reads that key.
  [ENV.GROQ_API_KEY_SECRET_ARN]: text,
  [ENV.REPLICATE_API_TOKEN_SECRET_ARN]: text,
  [ENV.ELEVENLABS_API_KEY_SECRET_ARN]: text,
  [ENV.STRIPE_SECRET_KEY_SECRET_ARN]: text,
  [ENV.STRIPE_WEBHOOK_SECRET_SECRET_ARN]: text,
  [ENV.CLERK_SECRET_KEY_SECRET_ARN]: text,
  [ENV.ORIGIN_VERIFY_SECRET_ARN]: text,
  [ENV.ALARM_NAME_PREFIX]: text,

  // Providers and their settings.
  [ENV.LLM]: provider(ENV.LLM),
  [ENV.IMAGES]: provider(ENV.IMAGES),
  [ENV.VOICE]: provider(ENV.VOICE),
  [ENV.MUSIC]: provider(ENV.MUSIC),
  [ENV.RENDER]: provider(ENV.RENDER),
  [ENV.GROQ_API_KEY]: text,
  [ENV.REPLICATE_API_TOKEN]: text,
  [ENV.ELEVENLABS_API_KEY]: text,
  [ENV.GROQ_BASE_URL]: url(ENV.GROQ_BASE_URL),
  [ENV.REPLICATE_BASE_URL]: url(ENV.REPLICATE_BASE_URL),
  [ENV.ELEVENLABS_BASE_URL]: url(ENV.ELEVENLABS_BASE_URL),
  [ENV.ELEVENLABS_VOICE_ID]: text,
  [ENV.ELEVENLABS_MODEL_ID]: text,
  [ENV.ELEVENLABS_VOICES]: list,
  [ENV.REMOTION_FUNCTION_NAME]: text,
  [ENV.REMOTION_SERVE_URL]: text,
  [ENV.REMOTION_REGION]: text,
  [ENV.REMOTION_BUCKET]: text,
  [ENV.RENDER_TIMEOUT_SECONDS]: wholeNumber(ENV.RENDER_TIMEOUT_SECONDS, 1800, 1),
  // The offline renderer (one machine only).
  [ENV.DATA_DIR]: text,
  [ENV.CHROMIUM_PATH]: withDefault('/usr/bin/chromium'),
  [ENV.FFMPEG_PATH]: withDefault('/usr/bin/ffmpeg'),
  [ENV.RENDER_METHOD]: z.preprocess(
    blank,
    z
      .string()
      .default(DEFAULT_RENDER_METHOD)
      .refine((method) => (RENDER_METHODS as readonly string[]).includes(method), {
        error: (issue) => `${ENV.RENDER_METHOD} must be one of ${RENDER_METHODS.join(', ')}; it is "${String(issue.input)}".`,
      })
      .transform((method) => method as (typeof RENDER_METHODS)[number]),
  ),

  // The API, credits and the queue.
  [ENV.MAX_RUNNING_PIPELINES]: wholeNumber(ENV.MAX_RUNNING_PIPELINES, 5),
  [ENV.STARTING_CREDITS]: wholeNumber(ENV.STARTING_CREDITS, 3),
  [ENV.CREDIT_PRICE_CENTS]: wholeNumber(ENV.CREDIT_PRICE_CENTS, 100, 50),
  // Review before render (docs/api.md "Review before render").
  [ENV.INCLUDED_REGENERATIONS]: wholeNumber(ENV.INCLUDED_REGENERATIONS, 3),
  [ENV.REGENERATION_CREDITS]: wholeNumber(ENV.REGENERATION_CREDITS, 1),
  [ENV.ADMIN_USER_IDS]: list,
  [ENV.CLERK_JWT_KEY]: z.preprocess(blank, z.string().optional().transform((pem) => pem?.replace(/\\n/g, '\n'))),
  [ENV.CLERK_SECRET_KEY]: text,
  [ENV.CLERK_API_URL]: url(ENV.CLERK_API_URL),
  [ENV.CLERK_AUTHORIZED_PARTIES]: list,
  [ENV.STRIPE_SECRET_KEY]: text,
  [ENV.STRIPE_WEBHOOK_SECRET]: text,
  [ENV.STRIPE_API_BASE]: url(ENV.STRIPE_API_BASE),
  [ENV.APP_URL]: text,
  [ENV.DISPATCH_RETRY_SECONDS]: wholeNumber(ENV.DISPATCH_RETRY_SECONDS, 30, 1),
  [ENV.QUEUED_REDRIVE_SECONDS]: wholeNumber(ENV.QUEUED_REDRIVE_SECONDS, 300),
  [ENV.MAX_QUEUED_HOURS]: wholeNumber(ENV.MAX_QUEUED_HOURS, 24, 1),
  [ENV.STUCK_JOB_MINUTES]: wholeNumber(ENV.STUCK_JOB_MINUTES, 45, 1),
  [ENV.REVIEW_TTL_HOURS]: wholeNumber(ENV.REVIEW_TTL_HOURS, 168, 1),
  // Limits per user (docs/api.md "Limits").
  [ENV.MAX_RUNNING_PER_USER]: wholeNumber(ENV.MAX_RUNNING_PER_USER, DEFAULT_MAX_RUNNING_PER_USER, 1),
  [ENV.MAX_ACTIVE_JOBS_PER_USER]: wholeNumber(ENV.MAX_ACTIVE_JOBS_PER_USER, DEFAULT_USER_LIMITS.activeJobs, 1),
  [ENV.MAX_JOBS_PER_USER_PER_HOUR]: wholeNumber(ENV.MAX_JOBS_PER_USER_PER_HOUR, DEFAULT_USER_LIMITS.jobsPerHour, 1),
  [ENV.MAX_JOBS_PER_USER_PER_DAY]: wholeNumber(ENV.MAX_JOBS_PER_USER_PER_DAY, DEFAULT_USER_LIMITS.jobsPerDay, 1),

  // Completion webhooks.
  [ENV.WEBHOOKS_TABLE]: text,
  [ENV.WEBHOOK_QUEUE_URL]: text,
  [ENV.WEBHOOK_RETRY_SECONDS]: z.preprocess(
    blank,
    z
      .string()
      .optional()
      .transform((raw, ctx) => {
        try {
          return parseRetrySchedule(raw);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
  ),
  [ENV.WEBHOOK_ALLOW_LOOPBACK_HTTP]: z.preprocess(blank, z.enum(['true', 'false']).default('false').transform((v) => v === 'true')),

  // Monitoring.
  [ENV.ALERT_WINDOW_MINUTES]: number(ENV.ALERT_WINDOW_MINUTES, DEFAULT_THRESHOLDS.windowMinutes),
  [ENV.ALERT_FAILURE_RATE_CRITICAL_PERCENT]: number(ENV.ALERT_FAILURE_RATE_CRITICAL_PERCENT, DEFAULT_THRESHOLDS.failureRateCritical * 100),
  [ENV.ALERT_FAILURE_RATE_WARNING_PERCENT]: number(ENV.ALERT_FAILURE_RATE_WARNING_PERCENT, DEFAULT_THRESHOLDS.failureRateWarning * 100),
  [ENV.ALERT_MIN_FINISHED_JOBS]: number(ENV.ALERT_MIN_FINISHED_JOBS, DEFAULT_THRESHOLDS.minFinishedJobs),
  [ENV.ALERT_STUCK_MINUTES]: number(ENV.ALERT_STUCK_MINUTES, DEFAULT_THRESHOLDS.stuckMinutes),
  [ENV.ALERT_P95_DURATION_SECONDS]: number(ENV.ALERT_P95_DURATION_SECONDS, DEFAULT_THRESHOLDS.p95DurationSeconds),
  [ENV.ALERT_QUEUED_MINUTES]: number(ENV.ALERT_QUEUED_MINUTES, DEFAULT_THRESHOLDS.queuedMinutes),
  [ENV.METRICS_NAMESPACE]: text,

  // Set by the Lambda runtime: its function's name, and (on Lambda itself) the runtime's id, which turns X-Ray on.
  AWS_LAMBDA_FUNCTION_NAME: text,
  AWS_EXECUTION_ENV: text,
});

export type Config = z.output<typeof ConfigSchema>;

/** Config keys whose value may be absent. */
type OptionalKey = { [K in keyof Config]-?: undefined extends Config[K] ? K : never }[keyof Config];

/**
 * Parses an environment into a {@link Config}; every bad value is named in one
 * {@link MissingConfiguration}. Unknown variables are ignored (a Lambda's environment has many).
 */
export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(Object.keys(ConfigSchema.shape).map((name) => [name, env[name]]));
  const parsed = ConfigSchema.safeParse(known);
  if (!parsed.success) throw new MissingConfiguration(parsed.error.issues.map((issue) => issue.message).join(' '));
  return parsed.data;
}

/** The variable's value, or a {@link MissingConfiguration} naming it (and, if given, what needs it). */
export function required<K extends OptionalKey>(config: Config, name: K, neededFor?: string): NonNullable<Config[K]> {
  const value = config[name];
  if (value === undefined) {
    throw new MissingConfiguration(neededFor ? `${neededFor} needs ${name}; it is not set.` : `Environment variable ${name} is not set.`);
  }
  return value as NonNullable<Config[K]>;
}
