/**
 * Hostile input found by hand against `npx shorts dev`, each a case that answered 500 or dropped
 * the connection: every parameter, header and body is checked before any storage call (a 4xx
 * naming the field), bodies over the product's limit get 413 with a JSON body, and the local
 * server answers oversized bodies and malformed requests the way API Gateway does, never by
 * closing the socket. Through the real local server, over raw HTTP where a client would refuse.
 */
import './quiet-logs.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { withEveryRouteThrottle } from '../support/route-throttle.js';
import { ApiClient } from './api-client.js';
import { rawExchange, rawRequest, type RawAnswer } from './raw-http.js';
import { startStripeStub, STRIPE_STUB_KEY, type StripeStub } from './stripe-stub.js';

const WEBHOOK_SECRET = 'whsec_test_hostile_input';
const SHORT = { prompt: 'Why the sky is blue', seconds: 10, aspect: '1:1' };
const MiB = 1024 * 1024;

let server: DevServer;
let stripe: StripeStub;

beforeAll(async () => {
  stripe = await startStripeStub();
  const settings = { ...process.env, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_SECRET_KEY: STRIPE_STUB_KEY, STRIPE_API_BASE: stripe.url };
  server = await startDevServer({ port: 0, inMemory: true, quiet: true, maxRunningPipelines: 0, settings, alterTemplate: withEveryRouteThrottle({ rate: 100_000, burst: 100_000 }) });
});

afterAll(async () => {
  await server?.stop();
  await stripe?.stop();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A 4xx with our error shape, and nothing in it longer than a short sentence about the input. */
function expectRefusal(answer: RawAnswer | { status: number; body: any }, status: number, code?: string): void {
  const body = 'json' in answer ? answer.json : answer.body;
  expect(answer.status, JSON.stringify(body)?.slice(0, 300)).toBe(status);
  expect(typeof body?.error?.code, 'an error code').toBe('string');
  if (code) expect(body.error.code).toBe(code);
  expect(JSON.stringify(body).length, 'the answer does not echo the input').toBeLessThan(2000);
}

describe('path parameters', () => {
  it('answers 404 for video ids that cannot exist, without a storage call or an echo of the id', async () => {
    const user = await ApiClient.signIn(server.url, `paths-${randomUUID()}`);
    const ids = ['x'.repeat(10_000), 'a'.repeat(1025), '%00', '%ZZ', '..%2f..%2fpackage.json', '%E0%A4%A', encodeURIComponent('ＡＢＣ'), encodeURIComponent("1' OR '1'='1"), randomUUID().toUpperCase() + 'x'];
    for (const id of ids) {
      for (const [method, suffix] of [
        ['GET', ''],
        ['DELETE', ''],
        ['GET', '/file'],
        ['POST', '/retry'],
      ] as const) {
        const answer = await rawRequest(server.url, { method, path: `/api/videos/${id}${suffix}`, headers: { authorization: `Bearer ${user.token}` } });
        expectRefusal(answer, 404, 'not_found');
        expect(answer.text).not.toContain('x'.repeat(100));
      }
    }
    // A well-formed id of nobody's video is still the plain 404.
    expectRefusal(await user.call('GET', `/api/videos/${randomUUID()}`), 404, 'not_found');
  });
});

describe('cursors', () => {
  it('answers 400 naming cursor for a cursor with the right user but a malformed key', async () => {
    const userId = `cursor-${randomUUID()}`;
    const user = await ApiClient.signIn(server.url, userId);
    const video = { jobId: randomUUID(), createdAt: new Date().toISOString() };
    const entry = { entryId: `${new Date().toISOString()}#grant#start` };
    const malformed = (extra: Record<string, unknown>) => [
      { userId },
      { userId, ...extra, surplus: 'x' },
      { userId, ...Object.fromEntries(Object.keys(extra).map((k) => [k, ''])) },
      { userId, ...Object.fromEntries(Object.keys(extra).map((k) => [k, 5])) },
      { userId, ...Object.fromEntries(Object.keys(extra).map((k) => [k, { S: 'x' }])) },
      { userId, ...Object.fromEntries(Object.keys(extra).map((k) => [k, 'y'.repeat(1200)])) },
      { userId, ...Object.fromEntries(Object.keys(extra).map((k) => [k, '\ud800'])) },
      [userId],
    ];
    for (const [path, extra] of [
      ['/api/videos', video],
      ['/api/credits', entry],
    ] as const) {
      for (const key of malformed(extra)) {
        const answer = await user.call('GET', `${path}?cursor=${b64(key)}`);
        expectRefusal(answer, 400, 'invalid_request');
        expect(answer.body.error.fields[0].field, `${path} ${JSON.stringify(key).slice(0, 80)}`).toBe('cursor');
      }
      // The well-formed key of this user still pages.
      expect((await user.call('GET', `${path}?cursor=${b64({ userId, ...extra })}`)).status).toBe(200);
    }
  });
});

describe('headers', () => {
  it('answers 400 naming Idempotency-Key for a checkout key Stripe would refuse', async () => {
    const user = await ApiClient.signIn(server.url, `checkout-${randomUUID()}`);
    for (const key of ['k'.repeat(256), 'k'.repeat(5000), 'with space', 'caf\u00e9']) {
      const answer = await rawRequest(server.url, {
        method: 'POST',
        path: '/api/billing/checkout',
        headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ credits: 3 }),
      });
      expectRefusal(answer, 400, 'invalid_request');
      expect(answer.json.error.fields[0].field).toBe('Idempotency-Key');
    }
    // A good key reaches Stripe once per user; its reuse for other credits is a 422, as for videos.
    const key = randomUUID();
    const first = await user.call('POST', '/api/billing/checkout', { credits: 3 }, { 'idempotency-key': key });
    const again = await user.call('POST', '/api/billing/checkout', { credits: 3 }, { 'idempotency-key': key });
    const other = await user.call('POST', '/api/billing/checkout', { credits: 4 }, { 'idempotency-key': key });
    expect(first.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expectRefusal(other, 422, 'idempotency_key_reused');
    expect(stripe.requests.at(-1)!.headers['idempotency-key']!.length).toBeLessThanOrEqual(255);
  });

  it('answers 431 with a JSON body for headers larger than the server takes', async () => {
    const answer = await rawRequest(server.url, { method: 'GET', path: '/api/me', headers: { authorization: `Bearer ${'a'.repeat(20_000)}` } });
    expect(answer.dropped).toBe(false);
    expectRefusal(answer, 431);
  });
});

describe('bodies', () => {
  it('answers 413 too_large for a body over the product limit (64 KiB; 1 MiB for Stripe events)', async () => {
    const user = await ApiClient.signIn(server.url, `big-${randomUUID()}`);
    const auth = { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' };
    const prompt = (size: number) => JSON.stringify({ ...SHORT, prompt: 'p'.repeat(size) });
    for (const [path, body] of [
      ['/api/videos', prompt(100 * 1024)],
      ['/api/videos', prompt(2 * MiB)],
      ['/api/billing/checkout', prompt(70 * 1024)],
      ['/api/billing/webhook', prompt(2 * MiB)],
      ['/api/dev/session', prompt(100 * 1024)],
    ] as const) {
      const answer = await rawRequest(server.url, { method: 'POST', path, headers: auth, body });
      expect(answer.dropped, `${path}: ${answer.error}`).toBe(false);
      expectRefusal(answer, 413, 'too_large');
    }
    // A Stripe event may be larger than a JSON request: 100 kB reaches the signature check.
    const event = await rawRequest(server.url, { method: 'POST', path: '/api/billing/webhook', headers: { 'stripe-signature': 't=1,v1=00' }, body: prompt(100 * 1024) });
    expectRefusal(event, 400, 'bad_signature');
    expect((await user.credits()).balance).toBe(3);
  });

  it('answers over API Gateway’s 10 MB limit with 413 and a JSON body, without 100 Continue, never dropping the connection', async () => {
    const announced = await rawRequest(server.url, { method: 'POST', path: '/api/videos', body: { size: 11 * MiB }, expectContinue: true });
    expect(announced.dropped, announced.error).toBe(false);
    expect(announced.continued).toBe(false);
    expectRefusal(announced, 413, 'too_large');

    const sent = await rawRequest(server.url, { method: 'POST', path: '/api/videos', body: { size: 11 * MiB } });
    expect(sent.dropped, sent.error).toBe(false);
    expectRefusal(sent, 413, 'too_large');

    const chunked = await rawRequest(server.url, { method: 'POST', path: '/api/videos', body: { size: 11 * MiB }, chunked: true });
    expect(chunked.dropped, chunked.error).toBe(false);
    expectRefusal(chunked, 413, 'too_large');
  });

  it("passes bodies up to 10 MB on, as API Gateway does: over Lambda's 6 MB the invoke is refused with 413", async () => {
    const accepted = await rawRequest(server.url, { method: 'POST', path: '/api/videos', body: { size: 2 * MiB }, expectContinue: true });
    expect(accepted.continued).toBe(true);
    expect(accepted.status).toBe(413); // the function's own limit
    const overLambda = await rawRequest(server.url, { method: 'POST', path: '/api/videos', body: { size: 7 * MiB } });
    expect(overLambda.dropped, overLambda.error).toBe(false);
    expect(overLambda.status).toBe(413);
    expect(overLambda.json).toBeDefined();
  });

  it('answers 400 naming the field for NUL, lone surrogates, control characters and deep nesting', async () => {
    const user = await ApiClient.signIn(server.url, `text-${randomUUID()}`);
    const cases: [string, string][] = [
      [JSON.stringify({ ...SHORT, prompt: 'Why the sky is \u0000 blue' }), 'prompt'],
      [`{"prompt":"Why the sky is \\ud800 blue","seconds":10}`, 'prompt'],
      [`{"prompt":"Why the sky is \\udfff blue","seconds":10}`, 'prompt'],
      [JSON.stringify({ ...SHORT, prompt: 'Why the sky\u001b[2J is blue' }), 'prompt'],
      [JSON.stringify({ ...SHORT, voice: 'en-us\u0000' }), 'voice'],
      [`{"prompt":${'['.repeat(5000)}${']'.repeat(5000)}}`, 'body'],
      [`${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`, 'body'],
    ];
    for (const [body, field] of cases) {
      const answer = await user.call('POST', '/api/videos', body);
      expectRefusal(answer, 400, 'invalid_request');
      expect(answer.body.error.fields.map((f: { field: string }) => f.field), body.slice(0, 60)).toContain(field);
    }
    // Emoji (surrogate pairs) and newlines are ordinary text.
    expect((await user.createVideo({ ...SHORT, prompt: 'Why 🐝 dance\nand sing' })).status).toBe(202);
  });

  it('answers 400 for JSON of the wrong type on every JSON route, without echoing the body', async () => {
    const user = await ApiClient.signIn(server.url, `types-${randomUUID()}`);
    for (const path of ['/api/videos', '/api/billing/checkout', '/api/dev/session', '/api/dev/purchase']) {
      for (const body of ['[]', '"text"', '42', 'null', 'true', 'not json arn:aws:iam::1:role/x', `{"${'k'.repeat(5000)}":1}`]) {
        const answer = await user.call('POST', path, body);
        expectRefusal(answer, 400, 'invalid_request');
        const fields = answer.body.error.fields.map((f: { field: string }) => f.field);
        expect(fields.some((f: string) => /^body$|^k{40}…$/.test(f)), `${path} ${body.slice(0, 20)}: ${fields}`).toBe(true);
        expect(JSON.stringify(answer.body)).not.toContain('arn:aws');
      }
    }
  });
});

describe('the local server', () => {
  it('answers malformed requests and undecodable paths with 4xx, and keeps serving', async () => {
    const badLine = await rawExchange(server.url, 'GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(badLine.status).toBeGreaterThanOrEqual(400);
    expect(badLine.status).toBeLessThan(500);
    const garbage = await rawExchange(server.url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(garbage.text).toContain('"bad_request"');
    const tunnel = await rawExchange(server.url, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(tunnel.status).toBe(405);
    for (const path of ['/%ZZ', '/%E0%A4%A', '/..%2f..%2fetc%2fpasswd', `/${'z'.repeat(10_000)}`, '/api/%ZZ', '//api/videos', '/api/videos/%2e%2e/credits']) {
      const answer = await rawRequest(server.url, { method: 'GET', path });
      expect(answer.dropped, path).toBe(false);
      expect(answer.status, path).toBeLessThan(500);
      expect(answer.text, path).not.toContain('root:x:0');
      // Outside /api, a built dashboard answers any path with its index page (client-side routes),
      // as CloudFront's SPA error mapping does; the API itself refuses.
      if (answer.status === 200) expect(path.startsWith('/api/'), path).toBe(false);
      else expect(answer.status, path).toBeGreaterThanOrEqual(400);
    }
    expect((await rawRequest(server.url, { method: 'GET', path: '/api/openapi.json' })).status).toBe(200);
  });
});
