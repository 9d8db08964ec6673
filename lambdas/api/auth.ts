/**
 * Sign-in: Clerk session JWTs, verified by `@clerk/backend`'s `verifyToken` — networkless with
 * the instance's PEM public key (CLERK_JWT_KEY; the local dev server sets its own), or against
 * the instance's JWKS with the secret key. The same call runs in AWS, locally and in tests.
 * Or the project's own API keys (`Authorization: Bearer sk_shorts_…`), looked up by their
 * SHA-256 in the keys table (lambdas/core/api-keys.ts; docs/api.md says why not Clerk's).
 */
import { verifyToken } from '@clerk/backend';
import { TokenVerificationError, TokenVerificationErrorReason } from '@clerk/backend/errors';
import { hashApiKey, LAST_USED_RESOLUTION_MS, looksLikeApiKey, API_KEY_PATTERN, type ApiKeyScope, type ApiKeyStore } from '../core/api-keys.js';
import { ProviderUnavailable } from '../core/errors.js';
import type { ApiEvent } from './http.js';
import { HttpError } from './http.js';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AuthSettings } from '../shared/dependencies.js';
import { MissingConfiguration } from '../shared/env.js';

/** Who is calling. */
export interface Caller {
  userId: string;
  /** How: a Clerk session token, or an API key. */
  via: 'session' | 'apiKey';
  /** The Clerk session (`sid`): every accepted session token has one. */
  sessionId?: string;
  /** The API key's id, when a key signed the request in. */
  keyId?: string;
  /** What an API key may do; a session may do everything. */
  scopes?: readonly ApiKeyScope[];
  /** May use the operator endpoints. */
  admin: boolean;
  /** The session token's claims (none for an API key). */
  claims: Record<string, unknown>;
}

/** The session token: `Authorization: Bearer …`, else Clerk's `__session` cookie (same-origin browsers). */
export function sessionToken(event: ApiEvent): string | undefined {
  const authorization = event.headers?.authorization;
  const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (bearer) return bearer;
  for (const cookie of event.cookies ?? []) {
    const [name, ...value] = cookie.split('=');
    if (name?.trim() === '__session' && value.length) return value.join('=').trim();
  }
  return undefined;
}

/**
 * The admin role, granted only by an operator: the user's id in ADMIN_USER_IDS, or the user's
 * Clerk public metadata `{"role": "admin"}` (which only the Backend API or the Clerk Dashboard can
 * set), exposed in the session token as `metadata` by the session-token customization
 * `{"metadata": "{{user.public_metadata}}"}` (docs/api.md, "How to make someone an operator").
 * A Clerk organization role (`org_role`, `o.rol`) is deliberately not enough: anyone can create an
 * organization and be its admin.
 */
export function isAdmin(claims: Record<string, unknown>, adminIds: readonly string[]): boolean {
  const metadata = claims.metadata;
  const role = metadata && typeof metadata === 'object' ? (metadata as { role?: unknown }).role : undefined;
  return role === 'admin' || (typeof claims.sub === 'string' && adminIds.includes(claims.sub));
}

/** A user id the stores can key by: 1–255 visible ASCII characters. */
const USER_ID = /^[\x21-\x7e]{1,255}$/;

const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message, {}, { 'www-authenticate': 'Bearer' });

/** The token of `Authorization: Bearer …` alone (an API key is never taken from a cookie). */
function bearerToken(event: ApiEvent): string | undefined {
  return event.headers?.authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
}

/** How many verified session tokens a function instance remembers (a token is ~1 kB). */
export const VERIFIED_TOKENS_MAX = 1000;

/**
 * Session tokens this function instance has verified, with their claims, until they expire.
 * The dashboard polls with one token for up to its lifetime, and each request would otherwise
 * import the PEM key and check the RS256 signature again (~0.15–0.4 ms of CPU: on Lambda and
 * locally alike) for the very same bytes. A hit needs the identical token string and the
 * identical verification options (key, authorized parties…), and is re-checked against the
 * token's `exp` on every use; a token that failed any check is never kept. Clerk's networkless check has
 * no revocation to miss: a verified token stays valid until `exp` either way.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { options: string; claims: Record<string, unknown>; expiresAtMs: number }>();

  constructor(private readonly max: number) {}

  get(token: string, options: object): Record<string, unknown> | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= Date.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.options === JSON.stringify(options) ? entry.claims : undefined;
  }

  /** Remembers a token that `verifyToken` and the sign-in's own checks accepted. */
  add(token: string, options: object, claims: Record<string, unknown>): void {
    // Without an expiry there is nothing to bound the memory by: not kept.
    if (typeof claims.exp !== 'number' || this.entries.has(token)) return;
    if (this.entries.size >= this.max) {
      const now = Date.now();
      for (const [key, entry] of this.entries) if (entry.expiresAtMs <= now) this.entries.delete(key);
      // Still full: the oldest goes (a Map keeps insertion order).
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(token, { options: JSON.stringify(options), claims, expiresAtMs: claims.exp * 1000 });
  }
}

const verifiedTokens = new VerifiedTokens(VERIFIED_TOKENS_MAX);

/** Where an API key is looked up, and when "now" is (lastUsedAt). */
export interface KeyLookup {
  store: () => ApiKeyStore;
  now?: () => Date;
}

/** An unknown, revoked or malformed key: one answer for all three, so none can be told from another. */
const badKey = () => unauthorized('This API key is not valid (unknown or revoked); create a new one on the API keys page.');

/**
 * A request signed in with an API key. The key is hashed and its record read by the hash: a
 * lookup, not a comparison of secrets, so there is no comparison whose timing could leak the key
 * (a constant-time compare would be moot). The admin role comes only from ADMIN_USER_IDS: a key
 * carries no Clerk metadata.
 */
async function authenticateKey(key: string, keys: KeyLookup, adminUserIds: readonly string[], logger: Pick<Logger, 'info' | 'warn'>): Promise<Caller> {
  if (!API_KEY_PATTERN.test(key)) throw badKey();
  const keyHash = hashApiKey(key);
  const record = await keys.store().find(keyHash);
  if (!record || record.revokedAt || !USER_ID.test(record.userId)) {
    logger.info('API key refused', { reason: record ? 'revoked' : 'unknown' });
    throw badKey();
  }
  const now = keys.now?.() ?? new Date();
  const notBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  // lastUsedAt at most once a minute: most requests read only. A failed write never fails the request.
  if (!record.lastUsedAt || record.lastUsedAt < notBefore.toISOString()) {
    await keys
      .store()
      .touch(keyHash, now, notBefore)
      .catch((error: unknown) => logger.warn('API key use not recorded', { error: error as Error }));
  }
  return { userId: record.userId, via: 'apiKey', keyId: record.keyId, scopes: record.scopes, admin: adminUserIds.includes(record.userId), claims: {} };
}

/**
 * Verifies the caller's session token, or (with `keys`) the API key of `Authorization: Bearer
 * sk_shorts_…`; a missing or bad one is a 401.
 */
export async function authenticate(event: ApiEvent, settings: AuthSettings, logger: Pick<Logger, 'info' | 'warn'>, keys?: KeyLookup): Promise<Caller> {
  const bearer = bearerToken(event);
  if (bearer && looksLikeApiKey(bearer)) {
    if (!keys) throw badKey();
    return authenticateKey(bearer, keys, settings.adminUserIds, logger);
  }
  const token = sessionToken(event);
  if (!token) throw unauthorized('Sign in first: send your session token or API key as "Authorization: Bearer <token>".');
  const { secretKey: readSecretKey, adminUserIds, ...config } = settings;
  const secretKey = config.jwtKey ? undefined : await readSecretKey();
  if (!config.jwtKey && !secretKey) {
    throw new MissingConfiguration('Sign-in is not configured: set CLERK_JWT_KEY (PEM public key) or CLERK_SECRET_KEY.');
  }
  const options = { ...config, ...(secretKey ? { secretKey } : {}) };
  let claims: Record<string, unknown>;
  try {
    claims = verifiedTokens.get(token, options) ?? ((await verifyToken(token, options)) as unknown as Record<string, unknown>);
  } catch (error) {
    // Clerk's JWKS could not be fetched: our problem, not the caller's token.
    if (error instanceof TokenVerificationError && error.reason === TokenVerificationErrorReason.RemoteJWKFailedToLoad) {
      throw new ProviderUnavailable(`Clerk's signing keys could not be loaded: ${error.message}`, { cause: error });
    }
    logger.info('session token refused', { reason: (error as Error).message });
    throw unauthorized('Your session token is invalid or has expired; sign in again.');
  }
  // Clerk's user ids are short (`user_…`); the id becomes a DynamoDB key, so nothing else is taken.
  if (typeof claims.sub !== 'string' || !USER_ID.test(claims.sub)) throw unauthorized('Your session token names no user.');
  // Clerk's session tokens always carry their session; a token without one (a JWT-template token
  // or any other shape signed by the same key) is not a sign-in.
  if (typeof claims.sid !== 'string' || !claims.sid) {
    logger.info('session token refused', { reason: 'no sid claim' });
    throw unauthorized('This is not a session token (it names no session); sign in again.');
  }
  verifiedTokens.add(token, options, claims);
  return {
    userId: claims.sub,
    via: 'session',
    sessionId: claims.sid,
    admin: isAdmin(claims, adminUserIds),
    claims,
  };
}
