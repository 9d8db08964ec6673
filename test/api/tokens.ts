/**
 * Tokens of any shape for the API tests, signed with the dev server's own key (the key
 * CLERK_JWT_KEY names locally): what an attacker could present if Clerk issued it — an
 * organization admin, a token without a session, an expired one — and shapes Clerk never signs
 * (`alg: none`, HS256 keyed with the public key).
 */
import { createHmac, createPrivateKey, createPublicKey, createSign, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { devKeyPath } from '../../lib/local/dev-auth.js';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface TokenMinter {
  /** Claims of a normal local session token for `userId`, minted for `origin`. */
  sessionClaims(userId: string): Record<string, unknown>;
  /** Signs any claims with the dev key (RS256, as Clerk signs). */
  sign(claims: Record<string, unknown>, header?: Record<string, unknown>): string;
  /** An unsigned token (`alg: none`). */
  unsigned(claims: Record<string, unknown>): string;
  /** HS256 with the PEM public key as the HMAC secret: the classic algorithm-confusion forgery. */
  hmacWithPublicKey(claims: Record<string, unknown>): string;
}

/** Reads the dev server's signing key from its data directory. */
export async function tokenMinter(dataDir: string, origin: string): Promise<TokenMinter> {
  const privateKey = createPrivateKey(await readFile(devKeyPath(dataDir), 'utf8'));
  const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return {
    sessionClaims(userId) {
      const now = Math.floor(Date.now() / 1000);
      return { azp: origin, exp: now + 600, iat: now, iss: origin, nbf: now - 5, sid: `sess_test_${randomBytes(6).toString('hex')}`, sub: userId };
    },
    sign(claims, header = {}) {
      const head = base64url({ alg: 'RS256', typ: 'JWT', kid: 'ins_local_dev', ...header });
      const body = base64url(claims);
      const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(privateKey).toString('base64url');
      return `${head}.${body}.${signature}`;
    },
    unsigned(claims) {
      return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
    },
    hmacWithPublicKey(claims) {
      const head = base64url({ alg: 'HS256', typ: 'JWT', kid: 'ins_local_dev' });
      const body = base64url(claims);
      const signature = createHmac('sha256', publicPem).update(`${head}.${body}`).digest('base64url');
      return `${head}.${body}.${signature}`;
    },
  };
}
