/**
 * Configuration of the API, the credits and the job queue, read from the environment (names in
 * env.ts). Each getter reads when called, so the local dev server can set the variables after
 * the modules are loaded (it learns its own port only once it listens).
 */
import { ENV, MissingConfiguration, numberEnv, optionalEnv } from './env.js';

function list(name: string): string[] {
  return optionalEnv(name, '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function wholeNumber(name: string, fallback: number, min = 0): number {
  const value = numberEnv(name, fallback);
  if (!Number.isInteger(value) || value < min) throw new MissingConfiguration(`Environment variable ${name} must be a whole number >= ${min}, got "${process.env[name]}".`);
  return value;
}

/** Credits a new user gets once. Default 3. */
export const startingCredits = (): number => wholeNumber(ENV.STARTING_CREDITS, 3);

/** Pipelines allowed to run at once. Default 5; 0 pauses dispatching (jobs stay queued). */
export const maxRunningPipelines = (): number => wholeNumber(ENV.MAX_RUNNING_PIPELINES, 5);

/** How long an Idempotency-Key answers with the job it made. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export const dispatchRetrySeconds = (): number => wholeNumber(ENV.DISPATCH_RETRY_SECONDS, 30, 1);

export const sweepConfig = (overrides: { runningGraceSeconds?: number; queuedRedriveSeconds?: number } = {}) => ({
  queuedRedriveSeconds: overrides.queuedRedriveSeconds ?? wholeNumber(ENV.QUEUED_REDRIVE_SECONDS, 300),
  maxQueuedHours: wholeNumber(ENV.MAX_QUEUED_HOURS, 24, 1),
  stuckMinutes: wholeNumber(ENV.STUCK_JOB_MINUTES, 45, 1),
  runningGraceSeconds: overrides.runningGraceSeconds ?? 120,
  maxRedrives: 3,
});

export const adminUserIds = (): string[] => list(ENV.ADMIN_USER_IDS);

/** How Clerk session tokens are verified: a PEM key (networkless) and/or the secret key (JWKS). */
export function clerkConfig(): { jwtKey?: string; apiUrl?: string; authorizedParties?: string[] } {
  const jwtKey = optionalEnv(ENV.CLERK_JWT_KEY, '');
  const apiUrl = optionalEnv(ENV.CLERK_API_URL, '');
  const parties = list(ENV.CLERK_AUTHORIZED_PARTIES);
  return {
    // Env values often arrive with literal "\n" for the PEM's newlines.
    ...(jwtKey ? { jwtKey: jwtKey.replace(/\\n/g, '\n') } : {}),
    ...(apiUrl ? { apiUrl } : {}),
    ...(parties.length ? { authorizedParties: parties } : {}),
  };
}

/** Price of one credit in cents (default 100: $1). */
export const creditPriceCents = (): number => wholeNumber(ENV.CREDIT_PRICE_CENTS, 100, 50);

export const appUrl = (): string | undefined => optionalEnv(ENV.APP_URL, '') || undefined;

/** Stripe API host/port/protocol from STRIPE_API_BASE (a stub in tests), for the SDK's own options. */
export function stripeHostOptions(): { host?: string; port?: number; protocol?: 'http' | 'https' } {
  const base = optionalEnv(ENV.STRIPE_API_BASE, '');
  if (!base) return {};
  const url = new URL(base);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}
