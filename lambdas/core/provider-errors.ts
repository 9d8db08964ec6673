import {
  PermanentError,
  ProviderRateLimited,
  ProviderRejected,
  ProviderTimeout,
  ProviderUnavailable,
  TransientError,
} from './errors.js';

/**
 * Turning a cloud provider's failure into the named errors the state machine retries
 * (transient) or catches (permanent). Vendor adapters extract status, message and headers
 * from their SDK's error and hand them here, so every vendor fails the same way.
 */

/** The longest vendor message quoted on a job. */
const MAX_DETAIL = 300;

/**
 * A `Retry-After` header (delta-seconds or an HTTP date) in milliseconds from `nowMs`, or
 * undefined when absent or unreadable. Also reads `retry-after-ms` style values when given ms.
 */
export function parseRetryAfterMs(value: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Shortens a vendor's message to one line a person can read on the job. */
export function shortDetail(detail: string | undefined): string | undefined {
  if (!detail) return undefined;
  const line = detail.replace(/\s+/g, ' ').trim();
  if (!line) return undefined;
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL - 1)}…` : line;
}

export interface HttpFailure {
  /** The vendor's name as a user knows it: "Groq", "Replicate", "ElevenLabs". */
  provider: string;
  status: number;
  /** The vendor's own explanation (error message / detail). */
  detail?: string;
  retryAfterMs?: number;
  /** The variable holding the key, named in the message when the key is refused. */
  keyVariable?: string;
  cause?: unknown;
}

/**
 * The named error for an HTTP status: 429 → ProviderRateLimited (with the vendor's
 * Retry-After), 408/504 → ProviderTimeout, other 5xx (and 409/425) → ProviderUnavailable,
 * 401/403/402/400/404/422 and other 4xx → ProviderRejected with a reason a user can act on.
 */
export function errorForHttpStatus(failure: HttpFailure): TransientError | PermanentError {
  const { provider, status, retryAfterMs, keyVariable, cause } = failure;
  const detail = shortDetail(failure.detail);
  const said = detail ? `: ${detail}` : '';
  const options = cause === undefined ? undefined : { cause };
  if (status === 429) {
    const wait = retryAfterMs === undefined ? '' : ` (it asks to retry in ${Math.ceil(retryAfterMs / 1000)} s)`;
    return new ProviderRateLimited(`${provider} is rate limiting requests (429)${wait}${said}`, retryAfterMs, options);
  }
  if (status === 408 || status === 504) return new ProviderTimeout(`${provider} timed out (${status})${said}`, options);
  if (status >= 500 || status === 409 || status === 425) return new ProviderUnavailable(`${provider} is unavailable (${status})${said}`, options);
  if (status === 401) {
    const check = keyVariable ? ` Check ${keyVariable}.` : '';
    return new ProviderRejected(`${provider} refused the API key (401)${said}.${check}`, options);
  }
  if (status === 402) return new ProviderRejected(`${provider} refused the request: the account is out of credit (402)${said}.`, options);
  if (status === 403) return new ProviderRejected(`${provider} denied the request (403)${said}.`, options);
  if (status === 404) return new ProviderRejected(`${provider} does not know what was asked for (404)${said}.`, options);
  return new ProviderRejected(`${provider} rejected the request (${status})${said}.`, options);
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Whether an error (or any error in its `cause` chain) is a timeout or an abort by timeout.
 * A reset connection is not, even when a client names it TimeoutError (smithy does).
 */
export function isTimeout(error: unknown): boolean {
  let named = false;
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const { name, code } = e as { name?: unknown; code?: unknown };
    if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return true;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return false;
    if (name === 'TimeoutError') named = true;
  }
  return named;
}

/** Whether an error (or its cause chain) is a connection-level failure: reset, refused, DNS, socket closed. */
export function isNetworkFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || TIMEOUT_CODES.has(code))) return true;
    if (typeof message === 'string' && /socket hang up|other side closed|fetch failed/i.test(message)) return true;
  }
  return false;
}

/**
 * The named error for a request that got no HTTP answer: a timeout becomes ProviderTimeout,
 * anything else (connection reset or refused, DNS, a truncated body) ProviderUnavailable.
 */
export function errorForNetworkFailure(provider: string, error: unknown, what = 'the request'): ProviderTimeout | ProviderUnavailable {
  if (isTimeout(error)) return new ProviderTimeout(`${provider} did not answer ${what} in time.`, { cause: error });
  const reason = shortDetail(describeNetworkError(error));
  return new ProviderUnavailable(`${provider} could not be reached for ${what}${reason ? ` (${reason})` : ''}.`, { cause: error });
}

function describeNetworkError(error: unknown): string | undefined {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const { message, code } = e as { message?: unknown; code?: unknown };
    if (typeof code === 'string' && !parts.includes(code)) parts.push(code);
    else if (typeof message === 'string' && message && !parts.includes(message)) parts.push(message);
  }
  return parts.join(': ') || undefined;
}

/**
 * Calls once more, after the vendor's own Retry-After, when a rate limit asks for a short
 * wait (≤ `maxWaitMs`); a longer or unknown wait is thrown at once so the state machine's
 * backoff handles it without holding a Lambda.
 */
export async function retryOnceIfSoon<T>(
  call: () => Promise<T>,
  options: { maxWaitMs: number; sleep?: (ms: number) => Promise<void> },
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ProviderRateLimited) || error.retryAfterMs === undefined || error.retryAfterMs > options.maxWaitMs) throw error;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    await sleep(error.retryAfterMs);
    return call();
  }
}
