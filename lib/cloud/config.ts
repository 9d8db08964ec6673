/**
 * What a deployment can choose, read from CDK context (`cdk.json` or `-c key=value`), with the
 * defaults a real deployment wants. Everything else in lib/cloud is fixed by the app's design.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { DEFAULT_MAX_RUNNING_PER_USER, DEFAULT_USER_LIMITS } from '../../lambdas/core/jobs/limits.js';
import { ENV } from '../../lambdas/shared/env.js';

/** The provider variables, as the handlers read them (lambdas/shared/config.ts). */
export const PROVIDER_VARIABLES = [ENV.LLM, ENV.IMAGES, ENV.VOICE, ENV.MUSIC, ENV.RENDER] as const;
export type ProviderVariable = (typeof PROVIDER_VARIABLES)[number];

/**
 * Providers a Lambda can run, by variable; the first is the default. The offline providers are
 * not among them: they need resvg's native binary, the eSpeak WASM build or Chromium, which the
 * cloud bundles leave out (see OFFLINE_ONLY_IMPORTS). test/cloud checks each name against
 * `PROVIDERS` in lambdas/shared/config.ts; duplicated so synth does not load the adapters.
 */
export const CLOUD_PROVIDERS: Record<ProviderVariable, readonly [string, ...string[]]> = {
  [ENV.LLM]: ['groq'],
  [ENV.IMAGES]: ['replicate'],
  [ENV.VOICE]: ['elevenlabs'],
  [ENV.MUSIC]: ['elevenlabs'],
  [ENV.RENDER]: ['lambda'],
};

export interface AppConfig {
  stackName: string;
  /** Provider per service; context keys are the env var names (`-c SHORTS_LLM=offline`). */
  providers: Record<ProviderVariable, string>;
  /** Prefix of the Secrets Manager names of the keys, one secret per key (`ai-shorts/groq-api-key` …). */
  secretNamePrefix: string;
  /** Bumped to replace the origin-verify secret (lib/cloud/secrets.ts). */
  originVerifyGeneration: number;
  /** The WAF's rate-based rules on CloudFront (lib/cloud/edge.ts), per client IP per 5 minutes. */
  waf: WafConfig;
  /** Days until intermediate assets (`assets/`: images, voice) expire. */
  assetsExpireAfterDays: number;
  /** Days until finished videos (`videos/`) expire; undefined keeps them. */
  videosExpireAfterDays: number | undefined;
  logRetention: RetentionDays;
  /** Keep tables and buckets (and their data) when the stack is deleted. */
  retainData: boolean;
  /** Sign-in, billing and queue settings of the HTTP API (docs/api.md); context keys are the env var names. */
  api: ApiConfig;
}

export interface WafConfig {
  /** Requests per client IP per 5 minutes, any path but the Stripe webhook. */
  rateLimit: number;
  /** Orders (POST under /api/videos: new videos and retries) per client IP per 5 minutes. */
  orderRateLimit: number;
}

export interface ApiConfig {
  /** Clerk's PEM public key (networkless verification); undefined: user routes read CLERK_SECRET_KEY from its secret. */
  clerkJwtKey: string | undefined;
  /** Origins allowed in a token's `azp`; undefined: the dashboard's CloudFront URL. */
  clerkAuthorizedParties: string | undefined;
  /** Clerk's publishable key, for the dashboard's sign-in (public by design); undefined: the dashboard says sign-in is not configured. */
  clerkPublishableKey: string | undefined;
  /** Comma-separated admin user ids; undefined: none besides the token's role claims. */
  adminUserIds: string | undefined;
  /** Where Checkout returns the buyer; undefined: the dashboard's CloudFront URL. */
  appUrl: string | undefined;
  creditPriceCents: number;
  startingCredits: number;
  maxRunningPipelines: number;
  /** Seconds before a job that found every pipeline busy is looked at again (DISPATCH_RETRY_SECONDS). */
  dispatchRetrySeconds: number;
  /** MAX_RUNNING_PER_USER: pipelines one user's jobs may hold at once (default 2). */
  maxRunningPerUser: number;
  /** MAX_ACTIVE_JOBS_PER_USER (3), MAX_JOBS_PER_USER_PER_HOUR (20), MAX_JOBS_PER_USER_PER_DAY (100): what one user may order. */
  maxActiveJobsPerUser: number;
  maxJobsPerUserPerHour: number;
  maxJobsPerUserPerDay: number;
  /** Review before render: INCLUDED_REGENERATIONS (3) free per video, REGENERATION_CREDITS (1) each past them, REVIEW_TTL_HOURS (168) in REVIEW before it expires. */
  includedRegenerations: number;
  regenerationCredits: number;
  reviewTtlHours: number;
  /** ELEVENLABS_VOICES: the voices users may choose (`id` or `id=Name`, comma-separated); undefined: ElevenLabs' premade voices. */
  elevenLabsVoices: string | undefined;
}

export class InvalidContext extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidContext';
  }
}

/** Context values from `-c` arrive as strings, from cdk.json as JSON values. */
function contextValue(node: Node, key: string): unknown {
  const value: unknown = node.tryGetContext(key);
  return value === '' ? undefined : value;
}

function integer(node: Node, key: string, fallback: number, min: number): number {
  const raw = contextValue(node, key);
  if (raw === undefined) return fallback;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(value) || value < min) throw new InvalidContext(`Context ${key} must be an integer >= ${min}, got ${JSON.stringify(raw)}.`);
  return value;
}

function boolean(node: Node, key: string, fallback: boolean): boolean {
  const raw = contextValue(node, key);
  if (raw === undefined) return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new InvalidContext(`Context ${key} must be true or false, got ${JSON.stringify(raw)}.`);
}

function string(node: Node, key: string, fallback: string): string {
  const raw = contextValue(node, key);
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string') throw new InvalidContext(`Context ${key} must be a string, got ${JSON.stringify(raw)}.`);
  return raw;
}

function retention(node: Node): RetentionDays {
  const days = integer(node, 'logRetentionDays', RetentionDays.ONE_MONTH, 1);
  const allowed = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(days)) throw new InvalidContext(`Context logRetentionDays must be one of CloudWatch's values (${allowed.join(', ')}), got ${days}.`);
  return days as RetentionDays;
}

/** Reads and validates the deployment's choices; a bad value fails synth with the key and the reason. */
export function readConfig(node: Node): AppConfig {
  const providers = Object.fromEntries(
    PROVIDER_VARIABLES.map((variable) => {
      const allowed = CLOUD_PROVIDERS[variable];
      const choice = string(node, variable, allowed[0]);
      if (!allowed.includes(choice)) {
        throw new InvalidContext(
          `Context ${variable}=${choice} cannot run in AWS Lambda; use one of: ${allowed.join(', ')} ` +
            '(offline providers run only on one machine: npx shorts generate).',
        );
      }
      return [variable, choice];
    }),
  ) as Record<ProviderVariable, string>;
  const videosDays = integer(node, 'videosExpireAfterDays', 0, 0);
  return {
    stackName: string(node, 'stackName', 'AiShorts'),
    providers,
    secretNamePrefix: string(node, 'secretNamePrefix', 'ai-shorts/'),
    originVerifyGeneration: integer(node, 'originVerifyGeneration', 1, 1),
    // AWS WAF accepts 10 at least; the webhook is left out (Stripe delivers from few addresses).
    waf: { rateLimit: integer(node, 'wafRateLimit', 2000, 10), orderRateLimit: integer(node, 'wafOrderRateLimit', 100, 10) },
    assetsExpireAfterDays: integer(node, 'assetsExpireAfterDays', 30, 1),
    videosExpireAfterDays: videosDays === 0 ? undefined : videosDays,
    logRetention: retention(node),
    retainData: boolean(node, 'retainData', true),
    api: {
      clerkJwtKey: string(node, ENV.CLERK_JWT_KEY, '') || undefined,
      clerkAuthorizedParties: string(node, ENV.CLERK_AUTHORIZED_PARTIES, '') || undefined,
      clerkPublishableKey: string(node, 'CLERK_PUBLISHABLE_KEY', '') || undefined,
      adminUserIds: string(node, ENV.ADMIN_USER_IDS, '') || undefined,
      appUrl: string(node, ENV.APP_URL, '') || undefined,
      creditPriceCents: integer(node, ENV.CREDIT_PRICE_CENTS, 100, 50),
      startingCredits: integer(node, ENV.STARTING_CREDITS, 3, 0),
      maxRunningPipelines: integer(node, ENV.MAX_RUNNING_PIPELINES, 5, 0),
      dispatchRetrySeconds: integer(node, ENV.DISPATCH_RETRY_SECONDS, 30, 1),
      maxRunningPerUser: integer(node, ENV.MAX_RUNNING_PER_USER, DEFAULT_MAX_RUNNING_PER_USER, 1),
      maxActiveJobsPerUser: integer(node, ENV.MAX_ACTIVE_JOBS_PER_USER, DEFAULT_USER_LIMITS.activeJobs, 1),
      maxJobsPerUserPerHour: integer(node, ENV.MAX_JOBS_PER_USER_PER_HOUR, DEFAULT_USER_LIMITS.jobsPerHour, 1),
      maxJobsPerUserPerDay: integer(node, ENV.MAX_JOBS_PER_USER_PER_DAY, DEFAULT_USER_LIMITS.jobsPerDay, 1),
      elevenLabsVoices: string(node, ENV.ELEVENLABS_VOICES, '') || undefined,
      includedRegenerations: integer(node, ENV.INCLUDED_REGENERATIONS, 3, 0),
      regenerationCredits: integer(node, ENV.REGENERATION_CREDITS, 1, 0),
      reviewTtlHours: integer(node, ENV.REVIEW_TTL_HOURS, 168, 1),
    },
  };
}
