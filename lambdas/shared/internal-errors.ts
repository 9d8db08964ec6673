/**
 * What a person may read of an error. The product's own errors (core/errors.ts: a provider
 * refused, the script could not be fixed, a render failed…) carry sentences written for users.
 * Anything else — an AWS SDK error such as AccessDenied (its message holds role ARNs, the account
 * id, bucket and table names), a missing setting, a bug — becomes "an internal error in step X
 * (reference R)" on the job and in the API, and its detail goes to the logs under the same R, so
 * an operator can find it and a user learns nothing about the infrastructure.
 */
import { randomBytes } from 'node:crypto';
import { InternalError, PermanentError, TransientError } from '../core/errors.js';
import { MissingConfiguration } from './env.js';

/** A short reference, unique enough to find one log line: 10 hex digits. */
export function newReference(): string {
  return randomBytes(5).toString('hex');
}

interface LogsErrors {
  error(message: string, extra: Record<string, unknown>): void;
}

/** Network failures and server-side faults of the AWS SDK: a retry may well succeed. */
function isTransientInfrastructure(error: Error): boolean {
  const meta = error as { $retryable?: unknown; $fault?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  if (meta.$retryable) return true;
  if (meta.$fault === 'server' || (meta.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  if (['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'].includes(meta.code ?? '')) return true;
  return ['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'TimeoutError', 'SlowDown'].includes(error.name);
}

/**
 * The error to show and to hand to the state machine for whatever a step threw: the product's
 * own errors as they are; anything else logged in full with a new reference and replaced by an
 * {@link InternalError} (or, when a retry may help, a transient error the ASL retries) that says
 * only which step failed and the reference.
 */
export function userFacingError(thrown: unknown, where: string, logger: LogsErrors): Error {
  if (thrown instanceof PermanentError || thrown instanceof TransientError) return thrown;
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const reference = newReference();
  logger.error(`internal error in ${where}`, { reference, error, ...(thrown instanceof MissingConfiguration ? { configuration: true } : {}) });
  const message = `An internal error in step "${where}" (reference ${reference}).`;
  if (isTransientInfrastructure(error)) return new TransientError(message);
  return new InternalError(message, reference);
}
