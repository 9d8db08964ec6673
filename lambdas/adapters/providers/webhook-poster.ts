/**
 * Posts a webhook attempt to the address the SSRF check approved (lambdas/core/webhooks/ssrf.ts):
 * the connection goes to that address whatever DNS says now (the name stays in the Host header
 * and TLS's SNI, so certificates are checked against it), redirects are not followed (a 3xx is a
 * failed attempt), and the receiver has {@link ATTEMPT_TIMEOUT_MS} to answer.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { WebhookPoster } from '../../core/webhooks/delivery.js';
import { ATTEMPT_TIMEOUT_MS } from '../../core/webhooks/model.js';

/** An attempt's error as the delivery log shows it: short, no stack, no internal names. */
function shortError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'ETIMEDOUT' || code === 'ABORT_ERR' || (error as Error).name === 'AbortError') return `no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s`;
  if (typeof code === 'string' && code.startsWith('ERR_TLS') || /certificate/i.test(String((error as Error).message))) return 'TLS error (certificate)';
  return (code ?? (error as Error).message ?? 'request failed').slice(0, 120);
}

/** The real poster; `timeoutMs` is shortened only by tests. */
export function webhookPoster(timeoutMs = ATTEMPT_TIMEOUT_MS): WebhookPoster {
  return (target, headers, body) =>
    new Promise((resolve) => {
      const pinned: LookupFunction = (_host, options, callback) => {
        // Node asks for every address when `all` is set (autoSelectFamily).
        if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
        else callback(null, target.address, target.family);
      };
      const client = target.url.protocol === 'https:' ? https : http;
      const request = client.request(
        target.url,
        {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'ai-shorts-webhooks/1', 'content-length': Buffer.byteLength(body) },
          lookup: pinned,
          signal: AbortSignal.timeout(timeoutMs),
          ...(target.url.protocol === 'https:' ? { servername: target.hostname } : {}),
        },
        (response) => {
          response.resume(); // the body is not read
          response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
          response.on('error', () => resolve({ status: response.statusCode ?? 0 }));
        },
      );
      request.on('error', (error) => resolve({ error: shortError(error) }));
      request.end(body);
    });
}
