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
  sessionId?: string;
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
 * The admin role: the token's own claim — `metadata.role` (a session-token template exposing
 * public metadata) or an organization admin role (`org_role`, or `o.rol` in v2 tokens) — or the
 * user's id in ADMIN_USER_IDS.
 */
export function isAdmin(claims: Record<string, unknown>, adminIds: readonly string[]): boolean {
  const metadata = claims.metadata as { role?: unknown } | undefined;
  const org = claims.o as { rol?: unknown } | undefined;
  return (
    metadata?.role === 'admin' ||
    claims.org_role === 'org:admin' ||
    claims.org_role === 'admin' ||
    org?.rol === 'admin' ||
    (typeof claims.sub === 'string' && adminIds.includes(claims.sub))
  );
}

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
  if (typeof claims.sub !== 'string' || !claims.sub) throw unauthorized('Your session token names no user.');
  return {
    userId: claims.sub,
    ...(typeof claims.sid === 'string' ? { sessionId: claims.sid } : {}),
    admin: isAdmin(claims, adminUserIds),
    claims,
  };
}
