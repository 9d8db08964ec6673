/**
 * Local sign-in: an RS256 key pair made once and kept in the data directory, and session tokens
 * of the same shape as Clerk's (sub, sid, iss, azp, exp, iat, nbf), which the API verifies with
 * the same `@clerk/backend` call it uses in AWS, given this key. An admin's token carries
 * `metadata: {role: "admin"}`, where Clerk's session-token customization
 * `{"metadata": "{{user.public_metadata}}"}` puts an operator-set public metadata role — the one
 * way besides ADMIN_USER_IDS that the API grants it (docs/api.md). Every token has its `sid`: the
 * API refuses tokens without one.
 */
import { createPrivateKey, createPublicKey, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface DevSigner {
  /** The PEM public key: CLERK_JWT_KEY for the API. */
  publicKeyPem: string;
  /** A session token for `userId`, valid for `ttlSeconds` (default 24 h). */
  sign(claims: { userId: string; admin?: boolean; origin: string; ttlSeconds?: number }): { token: string; expiresAt: Date };
}

/** Where the key pair lives: `{dataDir}/auth/dev-session-key.pem` (private, mode 600). */
export function devKeyPath(dataDir: string): string {
  return path.join(dataDir, 'auth', 'dev-session-key.pem');
}

async function loadOrCreateKey(file: string): Promise<KeyObject> {
  try {
    return createPrivateKey(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return privateKey;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function devSigner(dataDir: string): Promise<DevSigner> {
  const privateKey = await loadOrCreateKey(devKeyPath(dataDir));
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return {
    publicKeyPem,
    sign({ userId, admin, origin, ttlSeconds = 24 * 3600 }) {
      const now = Math.floor(Date.now() / 1000);
      const header = base64url({ alg: 'RS256', typ: 'JWT', kid: 'ins_local_dev' });
      const payload = base64url({
        azp: origin,
        exp: now + ttlSeconds,
        iat: now,
        iss: origin,
        nbf: now - 5,
        sid: `sess_local_${randomBytes(8).toString('hex')}`,
        sub: userId,
        ...(admin ? { metadata: { role: 'admin' } } : {}),
      });
      const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey).toString('base64url');
      return { token: `${header}.${payload}.${signature}`, expiresAt: new Date((now + ttlSeconds) * 1000) };
    },
  };
}
