/**
 * Named errors. The state machine matches `Error` (the error's name) in Retry and Catch,
 * so these names are a contract with state-machines/video-pipeline.asl.json.
 */

/** Base for errors worth retrying: the same call may succeed later. */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** A provider said "slow down" (HTTP 429). `retryAfterMs` is its own hint, when it gave one. */
export class ProviderRateLimited extends TransientError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderRateLimited';
  }
}

/** A provider or store failed in a way that usually passes: 5xx, connection reset. */
export class ProviderUnavailable extends TransientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderUnavailable';
  }
}

/** A provider did not answer in time. */
export class ProviderTimeout extends TransientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderTimeout';
  }
}

/** Base for errors that retrying cannot fix; the message is shown to the user. */
export class PermanentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** The request itself is unusable (bad prompt, bad option). */
export class InvalidInput extends PermanentError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidInput';
  }
}

/** A provider refused the request (401/403/400, content policy). */
export class ProviderRejected extends PermanentError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderRejected';
  }
}

/**
 * A provider refused what the request asked for (its content policy): the request's own fault,
 * so its refunds are capped per user and day (lambdas/core/credits.ts), unlike a refused API key.
 */
export class ContentRejected extends ProviderRejected {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ContentRejected';
  }
}

/** The script could not be made valid. */
export class ScriptInvalid extends PermanentError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScriptInvalid';
  }
}

/** The renderer reported a fatal error. */
export class RenderFailed extends PermanentError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RenderFailed';
  }
}

/** A job, asset or render that should exist does not. */
export class NotFound extends PermanentError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotFound';
  }
}

/**
 * Something failed inside our own infrastructure (an AWS call refused or broken, a missing
 * setting, a bug). Its message says only where and a reference; the detail is in the logs under
 * that reference (lambdas/shared/internal-errors.ts).
 */
export class InternalError extends PermanentError {
  constructor(
    message: string,
    readonly reference: string,
  ) {
    super(message);
    this.name = 'InternalError';
  }
}

/** The names the state machine retries. Kept here so a test can hold the ASL to it. */
export const TRANSIENT_ERROR_NAMES = ['TransientError', 'ProviderRateLimited', 'ProviderUnavailable', 'ProviderTimeout'] as const;

/** Turns whatever was thrown into a sentence a person can read on the job. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  return 'an unknown error occurred';
}

/**
 * The user's balance does not cover the video. The API answers 402 with both numbers. A balance
 * below zero can only come from a refunded or disputed payment whose credits were taken back after
 * they were spent: the message says so.
 */
export class InsufficientCredits extends PermanentError {
  constructor(
    readonly balance: number,
    readonly needed: number,
  ) {
    super(
      balance < 0
        ? `Your balance is ${balance} credits: a payment of yours was refunded or disputed after its credits were spent, so they were taken back. ` +
            `Buy credits to bring it above zero; this video costs ${needed}.`
        : `This video costs ${needed} credit${needed === 1 ? '' : 's'}; your balance is ${balance}.`,
    );
    this.name = 'InsufficientCredits';
  }
}

/** A paid Stripe checkout that is not what its credits cost (mode, currency, amount): nothing is credited. */
export class PaymentMismatch extends InvalidInput {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentMismatch';
  }
}

/** An Idempotency-Key came back with a different request than the one it was first used for. */
export class IdempotencyKeyReused extends PermanentError {
  constructor(key: string) {
    super(`The Idempotency-Key "${key}" was already used for a different request; use a new key for a new video.`);
    this.name = 'IdempotencyKeyReused';
  }
}

/**
 * The job is not in a state that allows the action (retry a job that did not fail, delete a running
 * one). `code` is the API's machine-readable code for it (409 `conflict`, `video_busy`, `too_many_versions`).
 */
export class JobStateConflict extends PermanentError {
  constructor(
    message: string,
    readonly code: string = 'conflict',
  ) {
    super(message);
    this.name = 'JobStateConflict';
  }
}

/** Which per-user limit an order went over (lambdas/core/jobs/limits.ts). */
export type LimitName = 'active' | 'hour' | 'day';

/**
 * An order over one of the user's limits: videos in progress, per hour, per day. The API answers
 * 429 with `Retry-After: retryAfterSeconds` and this message, which names the limit.
 */
export class LimitExceeded extends PermanentError {
  constructor(
    readonly limit: LimitName,
    readonly max: number,
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
    this.name = 'LimitExceeded';
  }
}

/** The names of the product's own errors, whose messages are written for users (core/pipeline/job-steps.ts). */
export const PRODUCT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'TransientError',
  'ProviderRateLimited',
  'ProviderUnavailable',
  'ProviderTimeout',
  'PermanentError',
  'InvalidInput',
  'ProviderRejected',
  'ContentRejected',
  'ScriptInvalid',
  'RenderFailed',
  'NotFound',
  'InternalError',
  'InsufficientCredits',
  'IdempotencyKeyReused',
  'JobStateConflict',
  'LimitExceeded',
  'JobAlreadyExists',
]);
