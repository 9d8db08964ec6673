/**
 * Who is an operator: only a user named in ADMIN_USER_IDS or one whose Clerk public metadata
 * (exposed in the session token as `metadata`) says `role: admin`. A Clerk organization role is
 * not enough — anyone can create an organization and be its admin. And only session tokens (with
 * a `sid`) sign in. Through the real local server and the operator functions of the stack.
 */
import './quiet-logs.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { ApiClient } from './api-client.js';
import { tokenMinter, type TokenMinter } from './tokens.js';

const OPERATOR_ENDPOINTS = ['/api/health', '/api/metrics?metric=jobs_created', '/api/queue/status', '/api/alerts'];
const ALLOWLISTED = 'ops-on-the-allowlist';

let server: DevServer;
let tokens: TokenMinter;

beforeAll(async () => {
  server = await startDevServer({
    port: 0,
    inMemory: true,
    quiet: true,
    maxRunningPipelines: 0,
    settings: { ...process.env, ADMIN_USER_IDS: `someone-else,${ALLOWLISTED}` },
  });
  tokens = await tokenMinter(server.dataDir, server.url);
});

afterAll(async () => {
  await server?.stop();
});

const client = (token: string) => new ApiClient(server.url, token);

describe('the admin role', () => {
  it('is not given by a Clerk organization admin role (v1 org_role or v2 o.rol)', async () => {
    // Prepare: the claims Clerk puts in the session token of an organization's admin
    const orgAdmins: Record<string, unknown>[] = [
      { ...tokens.sessionClaims('org-founder-v1'), org_id: 'org_1', org_role: 'org:admin', org_slug: 'mine' },
      { ...tokens.sessionClaims('org-founder-v1b'), org_id: 'org_1', org_role: 'admin' },
      { ...tokens.sessionClaims('org-founder-v2'), v: 2, o: { id: 'org_2', rol: 'admin', slg: 'mine' } },
    ];

    for (const claims of orgAdmins) {
      const caller = client(tokens.sign(claims));

      // Act
      const me = await caller.call('GET', '/api/me');
      const answers = await Promise.all(OPERATOR_ENDPOINTS.map((path) => caller.call('GET', path)));

      // Assess
      expect(me.status).toBe(200);
      expect(me.body.admin, JSON.stringify(claims)).toBe(false);
      answers.forEach((answer, i) => {
        expect(answer.status, `${OPERATOR_ENDPOINTS[i]} for ${claims.sub}`).toBe(403);
        expect(answer.body.error.code).toBe('forbidden');
      });
    }
  });

  it('is given by public metadata role admin, and by ADMIN_USER_IDS', async () => {
    const byMetadata = client(tokens.sign({ ...tokens.sessionClaims('ops-by-metadata'), metadata: { role: 'admin' } }));
    const byAllowlist = client(tokens.sign(tokens.sessionClaims(ALLOWLISTED)));
    const devAdmin = await ApiClient.signIn(server.url, 'ops-by-dev-session', true);

    for (const operator of [byMetadata, byAllowlist, devAdmin]) {
      expect((await operator.call('GET', '/api/me')).body.admin).toBe(true);
      for (const path of OPERATOR_ENDPOINTS) {
        const answer = await operator.call('GET', path);
        expect(answer.status, path).toBe(200);
      }
    }
  });

  it('is not given by other metadata values or an allowlisted id in another claim', async () => {
    const lookalikes = [
      { ...tokens.sessionClaims('meta-admins'), metadata: { role: 'Admin' } },
      { ...tokens.sessionClaims('meta-array'), metadata: { role: ['admin'] } },
      { ...tokens.sessionClaims('meta-top-level'), role: 'admin' },
      { ...tokens.sessionClaims('meta-unsafe'), unsafe_metadata: { role: 'admin' } },
      { ...tokens.sessionClaims('not-on-the-list'), act: { sub: ALLOWLISTED } },
    ];
    for (const claims of lookalikes) {
      const caller = client(tokens.sign(claims));
      expect((await caller.call('GET', '/api/me')).body.admin, JSON.stringify(claims)).toBe(false);
      expect((await caller.call('GET', '/api/health')).status, JSON.stringify(claims)).toBe(403);
    }
  });
});

describe('sign-in', () => {
  it('refuses a token without a session id (sid) with 401', async () => {
    const { sid: _sid, ...claims } = tokens.sessionClaims('no-session');
    const withoutSid = client(tokens.sign(claims));
    const emptySid = client(tokens.sign({ ...claims, sid: '' }));
    const numericSid = client(tokens.sign({ ...claims, sid: 42 }));
    const adminWithoutSid = client(tokens.sign({ ...claims, sub: ALLOWLISTED, metadata: { role: 'admin' } }));

    for (const caller of [withoutSid, emptySid, numericSid, adminWithoutSid]) {
      for (const path of ['/api/me', '/api/videos', '/api/health']) {
        const answer = await caller.call('GET', path);
        expect(answer.status, path).toBe(401);
        expect(answer.body.error.code).toBe('unauthorized');
        expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
  });

  it('refuses expired, unsigned and algorithm-confused tokens, and users no store could key by', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = tokens.sign({ ...tokens.sessionClaims('late'), exp: now - 3600, iat: now - 7200, nbf: now - 7200 });
    const unsigned = tokens.unsigned({ ...tokens.sessionClaims('nobody'), metadata: { role: 'admin' } });
    const confused = tokens.hmacWithPublicKey({ ...tokens.sessionClaims('nobody'), metadata: { role: 'admin' } });
    const otherParty = tokens.sign({ ...tokens.sessionClaims('elsewhere'), azp: 'https://evil.example' });
    // Signed, but naming no user the stores could key by (a DynamoDB key is at most 2 kB).
    const hugeSub = tokens.sign(tokens.sessionClaims('u'.repeat(5000)));
    const oddSub = tokens.sign(tokens.sessionClaims('user\u0000x'));
    for (const token of [expired, unsigned, confused, otherParty, hugeSub, oddSub]) {
      const answer = await client(token).call('GET', '/api/me');
      expect(answer.status).toBe(401);
    }
  });
});
