import { describe, expect, it } from 'vitest';
import { ProviderRateLimited, ProviderRejected, ProviderTimeout, ProviderUnavailable, TRANSIENT_ERROR_NAMES } from '../../lambdas/core/errors.js';
import {
  errorForHttpStatus,
  errorForNetworkFailure,
  isNetworkFailure,
  isTimeout,
  parseRetryAfterMs,
  retryOnceIfSoon,
} from '../../lambdas/core/provider-errors.js';

describe('parseRetryAfterMs', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs('0.5', now)).toBe(500);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfterMs(null)).toBeUndefined();
    expect(parseRetryAfterMs('')).toBeUndefined();
    expect(parseRetryAfterMs('soon')).toBeUndefined();
  });
});

describe('errorForHttpStatus', () => {
  it.each([
    [429, ProviderRateLimited],
    [408, ProviderTimeout],
    [504, ProviderTimeout],
    [500, ProviderUnavailable],
    [503, ProviderUnavailable],
    [401, ProviderRejected],
    [402, ProviderRejected],
    [403, ProviderRejected],
    [400, ProviderRejected],
    [404, ProviderRejected],
    [422, ProviderRejected],
  ])('maps %i to %o', (status, type) => {
    expect(errorForHttpStatus({ provider: 'Groq', status })).toBeInstanceOf(type);
  });

  it('keeps the retry hint and says it', () => {
    const error = errorForHttpStatus({ provider: 'Groq', status: 429, retryAfterMs: 2500, detail: 'slow down' }) as ProviderRateLimited;
    expect(error.retryAfterMs).toBe(2500);
    expect(error.message).toBe('Groq is rate limiting requests (429) (it asks to retry in 3 s): slow down');
    expect(TRANSIENT_ERROR_NAMES).toContain(error.name);
  });

  it('tells a user which key was refused', () => {
    const error = errorForHttpStatus({ provider: 'Groq', status: 401, detail: 'Invalid API Key', keyVariable: 'GROQ_API_KEY' });
    expect(error.message).toBe('Groq refused the API key (401): Invalid API Key. Check GROQ_API_KEY.');
    expect(error.name).toBe('ProviderRejected');
  });

  it('shortens a long vendor message to one line', () => {
    const error = errorForHttpStatus({ provider: 'X', status: 400, detail: `line one\n${'x'.repeat(1000)}` });
    expect(error.message).not.toContain('\n');
    expect(error.message.length).toBeLessThan(400);
  });
});

describe('network failures', () => {
  it('tells timeouts from resets, even when a client names a reset TimeoutError', () => {
    const abort = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const reset = Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' });
    const headers = Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('Headers Timeout'), { code: 'UND_ERR_HEADERS_TIMEOUT' }) });
    expect(isTimeout(abort)).toBe(true);
    expect(isTimeout(headers)).toBe(true);
    expect(isTimeout(reset)).toBe(false);
    expect(isNetworkFailure(reset)).toBe(true);
    expect(errorForNetworkFailure('Groq', abort)).toBeInstanceOf(ProviderTimeout);
    expect(errorForNetworkFailure('Groq', reset)).toBeInstanceOf(ProviderUnavailable);
  });

  it('says what failed', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(errorForNetworkFailure('Replicate', refused, 'the image request').message).toBe('Replicate could not be reached for the image request (fetch failed: ECONNREFUSED).');
  });
});

describe('retryOnceIfSoon', () => {
  it('waits the advised time and calls once more when the wait is short', async () => {
    const slept: number[] = [];
    let calls = 0;
    const result = await retryOnceIfSoon(
      async () => {
        calls += 1;
        if (calls === 1) throw new ProviderRateLimited('429', 1500);
        return 'ok';
      },
      { maxWaitMs: 5000, sleep: async (ms) => void slept.push(ms) },
    );
    expect(result).toBe('ok');
    expect(slept).toEqual([1500]);
  });

  it('throws at once for a long or unknown wait, and for other errors', async () => {
    const sleep = async () => {
      throw new Error('must not sleep');
    };
    await expect(retryOnceIfSoon(async () => Promise.reject(new ProviderRateLimited('429', 60_000)), { maxWaitMs: 5000, sleep })).rejects.toBeInstanceOf(ProviderRateLimited);
    await expect(retryOnceIfSoon(async () => Promise.reject(new ProviderRateLimited('429')), { maxWaitMs: 5000, sleep })).rejects.toBeInstanceOf(ProviderRateLimited);
    await expect(retryOnceIfSoon(async () => Promise.reject(new ProviderUnavailable('500')), { maxWaitMs: 5000, sleep })).rejects.toBeInstanceOf(ProviderUnavailable);
  });

  it('retries only once', async () => {
    let calls = 0;
    const attempt = retryOnceIfSoon(
      async () => {
        calls += 1;
        throw new ProviderRateLimited('429', 10);
      },
      { maxWaitMs: 5000, sleep: async () => {} },
    );
    await expect(attempt).rejects.toBeInstanceOf(ProviderRateLimited);
    expect(calls).toBe(2);
  });
});
