/**
 * Stripe's API on 127.0.0.1, in Stripe's wire format, for what the checkout route calls:
 * `POST /v1/checkout/sessions` (form-encoded, Bearer secret key) answered with a Checkout
 * Session object; a wrong key gets Stripe's 401 error body. Idempotency keys behave as Stripe's:
 * longer than 255 characters is a 400, a repeat with the same parameters replays the first
 * answer, a repeat with other parameters is a 400 `idempotency_error`.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export const STRIPE_STUB_KEY = 'sk_test_stub_key';

export interface StripeStub {
  url: string;
  requests: { method: string; path: string; headers: IncomingHttpHeaders; form: URLSearchParams }[];
  stop(): Promise<void>;
}

export async function startStripeStub(): Promise<StripeStub> {
  const requests: StripeStub['requests'] = [];
  const idempotent = new Map<string, { params: string; status: number; body: unknown }>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const params = Buffer.concat(chunks).toString('utf8');
      const form = new URLSearchParams(params);
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, form });
      const key = req.headers['idempotency-key'];
      const send = (status: number, body: unknown, replayed = false) => {
        if (typeof key === 'string' && !replayed && status !== 401) idempotent.set(key, { params, status, body });
        const text = JSON.stringify(body);
        res.writeHead(status, {
          'content-type': 'application/json',
          'request-id': `req_${randomBytes(6).toString('hex')}`,
          ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
        });
        res.end(text);
      };
      if (req.headers.authorization !== `Bearer ${STRIPE_STUB_KEY}`) {
        return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_***' } });
      }
      if (typeof key === 'string') {
        if (key.length > 255) {
          return send(400, { error: { type: 'invalid_request_error', message: 'Keys for idempotent requests can only be 255 characters long.' } });
        }
        const seen = idempotent.get(key);
        if (seen && seen.params !== params) {
          return send(400, {
            error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            },
          });
        }
        if (seen) return send(seen.status, seen.body, true);
      }
      if (req.method === 'POST' && req.url === '/v1/checkout/sessions') {
        const id = `cs_test_${randomBytes(12).toString('hex')}`;
        return send(200, {
          id,
          object: 'checkout.session',
          mode: form.get('mode'),
          status: 'open',
          payment_status: 'unpaid',
          client_reference_id: form.get('client_reference_id'),
          metadata: { userId: form.get('metadata[userId]'), credits: form.get('metadata[credits]') },
          success_url: form.get('success_url'),
          cancel_url: form.get('cancel_url'),
          url: `https://checkout.stripe.com/c/pay/${id}`,
        });
      }
      send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.url}).` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
