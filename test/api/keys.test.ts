/**
 * API keys through the real local server, each function under its role from the synthesized
 * template: a key made with a session lists and orders videos, is stored only as a hash, is
 * refused on key management and billing, dies when revoked, and reaches only its user's videos.
 * No pipeline runs (MAX_RUNNING_PIPELINES=0 keeps ordered videos queued).
 */
import './quiet-logs.js';
import { createHash, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LIVE_KEYS_PER_USER } from '../../lambdas/core/api-keys.js';
import { API_ROUTES } from '../../lambdas/api/routes.js';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { withEveryRouteThrottle } from '../support/route-throttle.js';
import { ApiClient, type Answer } from './api-client.js';

const SHORT = { prompt: 'Why the sea is salty', seconds: 10, aspect: '1:1' };

let server: DevServer;

beforeAll(async () => {
  // The cap race sends 40 creates at once: above POST /api/keys' own throttle (edge.test.ts tests throttles).
  server = await startDevServer({
    port: 0,
    inMemory: true,
    quiet: true,
    maxRunningPipelines: 0,
    startingCredits: 3,
    settings: { ...process.env, MAX_ACTIVE_JOBS_PER_USER: '100' },
    alterTemplate: withEveryRouteThrottle({ rate: 1000, burst: 1000 }),
  });
});

afterAll(async () => {
  await server?.stop();
});

/** A client that sends the key as its bearer token. */
const withKey = (key: string) => new ApiClient(server.url, key);

async function newKey(user: ApiClient, body: Record<string, unknown> = { name: 'CI' }): Promise<{ id: string; key: string }> {
  const answer = await user.call('POST', '/api/keys', body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
}

/** Every item of the keys table, read with the operator's credentials. */
async function keysTable(): Promise<Record<string, unknown>[]> {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(server.runtime.adminClientConfig('dynamodb')));
  const TableName = server.runtime.contract.tables.ApiKeysTable!.name;
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

const fieldsOf = (answer: Answer) => (answer.body.error.fields ?? []).map((f: { field: string }) => f.field);

describe('API keys', () => {
  it('makes a key that lists the user\'s videos and orders one, shown once and listed without the key', async () => {
    // Prepare
    const user = await ApiClient.signIn(server.url, `keys-${randomUUID()}`);
    const ordered = await user.createVideo({ ...SHORT, prompt: 'Ordered with a session' });
    expect(ordered.status).toBe(202);

    // Act
    const created = await user.call('POST', '/api/keys', { name: 'Build server' });
    const key = created.body.key as string;
    const listed = await withKey(key).call('GET', '/api/videos');
    const order = await withKey(key).createVideo({ ...SHORT, prompt: 'Ordered with an API key' });
    const list = await user.call('GET', '/api/keys');

    // Assess
    expect(created.status).toBe(201);
    expect(key).toMatch(/^sk_shorts_[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^key_/), name: 'Build server', scopes: ['read', 'write'], hint: `sk_shorts_…${key.slice(-4)}` });
    expect(listed.status).toBe(200);
    expect(listed.body.videos.map((v: { id: string }) => v.id)).toEqual([ordered.body.id]);
    expect(order.status).toBe(202);
    expect((await user.videos()).map((v) => v.id)).toContain(order.body.id);
    expect(list.status).toBe(200);
    expect(list.body.keys).toEqual([
      { id: created.body.id, name: 'Build server', scopes: ['read', 'write'], hint: created.body.hint, createdAt: created.body.createdAt, lastUsedAt: expect.any(String) },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(key.slice('sk_shorts_'.length));
  });

  it('stores no key in plain text: only its SHA-256', async () => {
    // Prepare
    const user = await ApiClient.signIn(server.url, `hash-${randomUUID()}`);
    const { key } = await newKey(user);

    // Act
    const items = await keysTable();

    // Assess
    const dump = JSON.stringify(items);
    expect(dump).not.toContain(key);
    expect(dump).not.toContain(key.slice('sk_shorts_'.length));
    expect(dump).toContain(createHash('sha256').update(key).digest('base64url'));
  });

  it('refuses a revoked key, an unknown one and a malformed one with the same 401', async () => {
    // Prepare
    const user = await ApiClient.signIn(server.url, `revoke-${randomUUID()}`);
    const { id, key } = await newKey(user);
    expect((await withKey(key).call('GET', '/api/credits')).status).toBe(200);

    // Act
    const revoked = await user.call('DELETE', `/api/keys/${id}`);
    const again = await user.call('DELETE', `/api/keys/${id}`);
    const answers = await Promise.all(
      [key, `sk_shorts_${'A'.repeat(43)}`, 'sk_shorts_short', `${key}x`].map((k) => withKey(k).call('GET', '/api/videos')),
    );

    // Assess
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ id, revoked: true });
    expect(again.status).toBe(404);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatchObject({ code: 'unauthorized', message: answers[0]!.body.error.message });
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await user.call('GET', '/api/keys')).body.keys).toEqual([]);
  });

  it("answers 404 for another user's key id, and leaves that key working", async () => {
    // Prepare
    const owner = await ApiClient.signIn(server.url, `owner-${randomUUID()}`);
    const other = await ApiClient.signIn(server.url, `other-${randomUUID()}`);
    const { id, key } = await newKey(owner);

    // Act
    const answer = await other.call('DELETE', `/api/keys/${id}`);

    // Assess
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('not_found');
    expect((await withKey(key).call('GET', '/api/me')).status).toBe(200);
  });

  it('refuses a key on key management and on billing with a 403 saying a session is needed', async () => {
    // Prepare
    const user = await ApiClient.signIn(server.url, `session-only-${randomUUID()}`);
    const { id, key } = await newKey(user);
    const client = withKey(key);

    // Act
    const answers = [
      await client.call('POST', '/api/keys', { name: 'made by a key' }),
      await client.call('GET', '/api/keys'),
      await client.call('DELETE', `/api/keys/${id}`),
      await client.call('POST', '/api/billing/checkout', { credits: 5 }),
    ];

    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('session_required');
      expect(answer.body.error.message).toMatch(/session/);
    }
    expect((await user.call('GET', '/api/keys')).body.keys.map((k: { id: string }) => k.id)).toEqual([id]);
  });

  it('holds each key to its scopes: a read-only key reads, and its order is a 403 naming "write"', async () => {
    // Prepare
    const user = await ApiClient.signIn(server.url, `scopes-${randomUUID()}`);
    const { key } = await newKey(user, { name: 'Dashboard', scopes: ['read'] });

    // Act
    const read = await withKey(key).call('GET', '/api/videos');
    const order = await withKey(key).createVideo(SHORT);

    // Assess
    expect(read.status).toBe(200);
    expect(order.status).toBe(403);
    expect(order.body.error).toMatchObject({ code: 'missing_scope', scope: 'write' });
    expect(order.body.error.message).toContain('"write"');
    expect((await user.videos()).length).toBe(0);
  });

  it('records lastUsedAt, at most once a minute', async () => {
    // Prepare
    const user = await ApiClient.signIn(server.url, `last-used-${randomUUID()}`);
    const { key } = await newKey(user);
    expect((await user.call('GET', '/api/keys')).body.keys[0].lastUsedAt).toBeUndefined();

    // Act
    const before = Date.now();
    expect((await withKey(key).call('GET', '/api/voices')).status).toBe(200);
    const first = (await user.call('GET', '/api/keys')).body.keys[0].lastUsedAt;
    expect((await withKey(key).call('GET', '/api/videos')).status).toBe(200);
    const second = (await user.call('GET', '/api/keys')).body.keys[0].lastUsedAt;

    // Assess
    expect(Date.parse(first)).toBeGreaterThanOrEqual(before - 1000);
    expect(second).toBe(first);
  });

  it('answers 400 naming the field for bad names, scopes and bodies, and 404 for ids that name no key', async () => {
    // Prepare
    const user = await ApiClient.signIn(server.url, `bad-${randomUUID()}`);
    const cases: [unknown, string][] = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(65) }, 'name'],
      [{ name: 42 }, 'name'],
      [{ name: 'ok', scopes: [] }, 'scopes'],
      [{ name: 'ok', scopes: ['admin'] }, 'scopes.0'],
      [{ name: 'ok', scopes: ['read', 'read'] }, 'scopes'],
      [{ name: 'ok', scopes: 'read' }, 'scopes'],
      [{ name: 'ok', owner: 'someone-else' }, 'owner'],
      [{ name: 'tab\u0007bell' }, 'name'],
      ['[1,2]', 'body'],
      ['not json', 'body'],
    ];

    // Act + Assess
    for (const [body, field] of cases) {
      const answer = await user.call('POST', '/api/keys', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(answer), JSON.stringify(body)).toContain(field);
    }
    for (const id of ['nope', 'key_short', `key_${'a'.repeat(200)}`, '..%2f..%2fvideos', 'key_AAAAAAAAAAAAAAAA']) {
      const answer = await user.call('DELETE', `/api/keys/${id}`);
      expect(answer.status, id).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    }
    expect((await user.call('GET', '/api/keys')).body.keys).toEqual([]);
  });

  it(`lets 40 concurrent creates make exactly ${MAX_LIVE_KEYS_PER_USER} keys; the rest are a 409 naming the cap`, async () => {
    // Prepare
    const user = await ApiClient.signIn(server.url, `cap-${randomUUID()}`);

    // Act
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => user.call('POST', '/api/keys', { name: `key ${i}` })));

    // Assess
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(MAX_LIVE_KEYS_PER_USER);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40 - MAX_LIVE_KEYS_PER_USER);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.error).toMatchObject({ code: 'key_limit_reached', max: MAX_LIVE_KEYS_PER_USER });
    expect(refused.body.error.message).toContain(String(MAX_LIVE_KEYS_PER_USER));
    expect((await user.call('GET', '/api/keys')).body.keys).toHaveLength(MAX_LIVE_KEYS_PER_USER);
    // Revoking one makes room for one.
    const { id } = answers.find((a) => a.status === 201)!.body;
    expect((await user.call('DELETE', `/api/keys/${id}`)).status).toBe(200);
    expect((await user.call('POST', '/api/keys', { name: 'after revoking' })).status).toBe(201);
    expect((await user.call('POST', '/api/keys', { name: 'one too many' })).status).toBe(409);
  });

  it("cannot reach another user's videos", async () => {
    // Prepare
    const victim = await ApiClient.signIn(server.url, `victim-${randomUUID()}`);
    const video = await victim.createVideo({ ...SHORT, prompt: 'Not yours' });
    const attacker = await ApiClient.signIn(server.url, `attacker-${randomUUID()}`);
    const { key } = await newKey(attacker);
    const client = withKey(key);

    // Act
    const answers = [
      await client.call('GET', `/api/videos/${video.body.id}`),
      await client.call('GET', `/api/videos/${video.body.id}/file`),
      await client.call('POST', `/api/videos/${video.body.id}/retry`),
      await client.call('DELETE', `/api/videos/${video.body.id}`),
    ];
    const list = await client.call('GET', '/api/videos');

    // Assess
    for (const answer of answers) expect(answer.status).toBe(404);
    expect(list.body.videos).toEqual([]);
    expect((await victim.call('GET', `/api/videos/${video.body.id}`)).status).toBe(200);
  });

  it('is not an admin unless its user is in ADMIN_USER_IDS', async () => {
    // Prepare: an admin by session (the dev session's role claim) makes a key
    const admin = await ApiClient.signIn(server.url, `admin-${randomUUID()}`, true);
    expect((await admin.call('GET', '/api/queue/status')).status).toBe(200);
    const { key } = await newKey(admin);

    // Act
    const answer = await withKey(key).call('GET', '/api/queue/status');
    const me = await withKey(key).call('GET', '/api/me');

    // Assess: the role claim is the session's; a key carries none
    expect(answer.status).toBe(403);
    expect(me.body.admin).toBe(false);
  });

  it('is refused exactly on the routes the route table marks session-only, as the OpenAPI document says', async () => {
    // Prepare
    const user = await ApiClient.signIn(server.url, `table-${randomUUID()}`);
    const { key } = await newKey(user);
    const document = (await new ApiClient(server.url).call('GET', '/api/openapi.json')).body;

    for (const route of API_ROUTES.filter((r) => r.auth === 'user')) {
      // Act: no body and a well-formed id that names nothing: only the door is tested
      const path = route.path.replace('{id}', route.path.startsWith('/api/keys') ? 'key_AAAAAAAAAAAAAAAA' : randomUUID());
      const answer = await withKey(key).call(route.method, path);

      // Assess
      const refused = answer.status === 403 && answer.body.error.code === 'session_required';
      expect(refused, `${route.id}: ${answer.status} ${JSON.stringify(answer.body)}`).toBe(route.sessionOnly === true);
      const security = document.paths[route.path][route.method.toLowerCase()].security;
      expect(security, route.id).toEqual(route.sessionOnly ? [{ clerkSession: [] }] : [{ clerkSession: [] }, { apiKey: [] }]);
    }
  });

  it("made no call that a function's role denied (the lastUsedAt write included, under its attribute condition)", () => {
    const report = server.runtime.accessReport();
    const denied = report.functions.flatMap((fn) => fn.calls.filter((call) => !call.allowed).map((call) => `${fn.name}: ${call.action} on ${call.resource}`));
    expect(denied).toEqual([]);
    const touched = report.functions.filter((fn) => fn.calls.some((call) => call.allowed && call.action === 'dynamodb:UpdateItem' && call.resource.endsWith('/ai-shorts-api-keys')));
    expect(touched.map((fn) => fn.name)).toEqual(expect.arrayContaining(['ListVideos', 'GetVideo', 'ListVoices', 'GetMe']));
  });
});
