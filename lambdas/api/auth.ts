/**
 * Sign-in: Clerk session JWTs, verified by `@clerk/backend`'s `verifyToken` — networkless with
 * the instance's PEM public key (CLERK_JWT_KEY; the local dev server sets its own), or against
 * the instance's JWKS with the secret key. The same call runs in AWS, locally and in tests.
 */
import { verifyToken } from '@clerk/backend';
import { TokenVerificationError, TokenVerificationErrorReason } from '@clerk/backend/errors';
import { ProviderUnavailable } from '../core/errors.js';
import type { ApiEvent } from './http.js';
import { HttpError } from './http.js';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AuthSettings } from '../shared/dependencies.js';
import { MissingConfiguration } from '../shared/env.js';

/** Who is calling. */
export interface Caller {
  userId: string;
  /** The Clerk session (`sid`): every accepted token has one. */
  sessionId: string;
  /** May use the operator endpoints. */
  admin: boolean;
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

/** Verifies the caller's session token; a missing or bad one is a 401. */
export async function authenticate(event: ApiEvent, settings: AuthSettings, logger: Pick<Logger, 'info'>): Promise<Caller> {
  const token = sessionToken(event);
  if (!token) throw unauthorized('Sign in first: send your session token as "Authorization: Bearer <token>".');
  const { secretKey: readSecretKey, adminUserIds, ...config } = settings;
  const secretKey = config.jwtKey ? undefined : await readSecretKey();
  if (!config.jwtKey && !secretKey) {
    throw new MissingConfiguration('Sign-in is not configured: set CLERK_JWT_KEY (PEM public key) or CLERK_SECRET_KEY.');
  }
  let claims: Record<string, unknown>;
  try {
    claims = (await verifyToken(token, { ...config, ...(secretKey ? { secretKey } : {}) })) as unknown as Record<string, unknown>;
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
  return {
    userId: claims.sub,
    sessionId: claims.sid,
    admin: isAdmin(claims, adminUserIds),
    claims,
  };
}
