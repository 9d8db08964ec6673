/**
 * The verified-session-token memory in lambdas/api/auth.ts: a token verified once is not
 * verified again while it lasts, but only for the same bytes and the same verification options,
 * never past its `exp`, and never for a token that failed.
 */
import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const verifyCalls = vi.hoisted(() => ({ count: 0 }));
vi.mock('@clerk/backend', async (importOriginal) => {
  const real = await importOriginal<typeof import('@clerk/backend')>();
  return {
    ...real,
    verifyToken: (...args: Parameters<typeof real.verifyToken>) => {
      verifyCalls.count++;
      return real.verifyToken(...args);
    },
  };
});

const { authenticate, VERIFIED_TOKENS_MAX } = await import('../../lambdas/api/auth.js');
const { HttpError } = await import('../../lambdas/api/http.js');

const ORIGIN = 'http://127.0.0.1:4000';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwtKey = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const logger = { info: () => {}, warn: () => {} };
const settings = (authorizedParties = [ORIGIN]) => ({ jwtKey, authorizedParties, adminUserIds: [], secretKey: async () => undefined });

function sign(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = part({ alg: 'RS256', typ: 'JWT', kid: 'ins_test' });
  const body = part(claims);
  return `${head}.${body}.${createSign('RSA-SHA256').update(`${head}.${body}`).sign(privateKey).toString('base64url')}`;
}

function session(userId: string, ttlSeconds = 600): string {
  const now = Math.floor(Date.now() / 1000);
  return sign({ azp: ORIGIN, exp: now + ttlSeconds, iat: now, nbf: now - 5, sid: `sess_${randomBytes(6).toString('hex')}`, sub: userId });
}

const event = (token: string) => ({ headers: { authorization: `Bearer ${token}` } }) as never;

describe('verified session tokens', () => {
  beforeEach(() => {
    verifyCalls.count = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('verifies a token once, then answers from memory with the same caller', async () => {
    const token = session('user_once');
    const first = await authenticate(event(token), settings(), logger);
    const again = await authenticate(event(token), settings(), logger);
    expect(again).toEqual(first);
    expect(first.userId).toBe('user_once');
    expect(verifyCalls.count).toBe(1);
  });

  it('verifies again under other options, and refuses what those options refuse', async () => {
    const token = session('user_options');
    await authenticate(event(token), settings(), logger);
    await expect(authenticate(event(token), settings(['https://elsewhere.example']), logger)).rejects.toBeInstanceOf(HttpError);
    expect(verifyCalls.count).toBe(2);
  });

  it('refuses a remembered token once it has expired', async () => {
    const token = session('user_expiring', 30);
    await authenticate(event(token), settings(), logger);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 60_000);
    await expect(authenticate(event(token), settings(), logger)).rejects.toMatchObject({ status: 401 });
    expect(verifyCalls.count).toBe(2);
  });

  it('never remembers a refused token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const forged = session('user_forged').replace(/\.[^.]+$/, `.${randomBytes(256).toString('base64url')}`);
    const noSession = sign({ azp: ORIGIN, exp: now + 600, iat: now, nbf: now - 5, sub: 'user_nosid' });
    for (const token of [forged, forged, noSession, noSession]) {
      await expect(authenticate(event(token), settings(), logger)).rejects.toMatchObject({ status: 401 });
    }
    // The token without a session passes Clerk's check but not the sign-in's: not kept either.
    expect(verifyCalls.count).toBe(4);
  });

  it(`keeps at most ${VERIFIED_TOKENS_MAX} tokens: the oldest is verified again`, async () => {
    const tokens = Array.from({ length: VERIFIED_TOKENS_MAX + 1 }, (_, i) => session(`user_${i}`));
    for (const token of tokens) await authenticate(event(token), settings(), logger);
    expect(verifyCalls.count).toBe(VERIFIED_TOKENS_MAX + 1);
    await authenticate(event(tokens.at(-1)!), settings(), logger);
    expect(verifyCalls.count).toBe(VERIFIED_TOKENS_MAX + 1);
    await authenticate(event(tokens[0]!), settings(), logger);
    expect(verifyCalls.count).toBe(VERIFIED_TOKENS_MAX + 2);
  }, 120_000);
});
