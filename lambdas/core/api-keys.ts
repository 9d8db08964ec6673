/**
 * API keys: long-lived credentials for machines (docs/api.md "API keys"). A key is
 * `sk_shorts_` + 32 random bytes (base64url): the prefix lets secret scanners find a leaked one.
 * Only its SHA-256 is stored and looked up; the key itself is shown once, when it is created.
 *
 * SHA-256 and not a slow password hash: a key carries 256 bits of randomness, so there is nothing
 * to guess and nothing for bcrypt's or scrypt's cost to protect (they exist for low-entropy
 * passwords); a fast hash keeps every authenticated request one GetItem away.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PermanentError } from './errors.js';

/** What every key starts with (GitHub's secret scanning and similar tools match on it). */
export const API_KEY_PREFIX = 'sk_shorts_';

/** A key exactly as {@link newApiKey} makes it: the prefix and 43 base64url characters (32 bytes). */
export const API_KEY_PATTERN = /^sk_shorts_[A-Za-z0-9_-]{43}$/;

/** A key's public id (`key_` + 12 random bytes, base64url): what the list shows and DELETE takes. */
export const API_KEY_ID_PATTERN = /^key_[A-Za-z0-9_-]{16}$/;

/**
 * What a key may do. `read`: the GET routes; `write`: the others (ordering, retrying, deleting
 * videos). A key never manages keys nor buys credits, whatever its scopes.
 */
export const API_KEY_SCOPES = ['read', 'write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Live (not revoked) keys one user may hold. */
export const MAX_LIVE_KEYS_PER_USER = 20;

/** lastUsedAt is written at most this often per key (one conditional write a minute, not one per request). */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** A revoked key's record is kept this long (its name and last use stay answerable), then expires. */
export const REVOKED_KEY_RETENTION_SECONDS = 30 * 24 * 3600;

/** A stored key: everything but the key itself. */
export interface ApiKeyRecord {
  keyId: string;
  /** SHA-256 of the key, base64url: the record's lookup key. */
  keyHash: string;
  userId: string;
  name: string;
  scopes: ApiKeyScope[];
  /** `sk_shorts_…` and the key's last four characters: enough to tell keys apart, nothing to use. */
  hint: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

/** A new key: the key (shown once) and its record. */
export interface NewApiKey {
  key: string;
  record: ApiKeyRecord;
}

/** The store of keys (DynamoDB in AWS and locally: lambdas/adapters/aws/dynamo-api-key-store.ts). */
export interface ApiKeyStore {
  /** Stores a new key unless the user already holds `maxLive` live keys ({@link ApiKeyLimitReached}). */
  create(record: ApiKeyRecord, maxLive: number): Promise<void>;
  /** The user's live keys, newest first. */
  list(userId: string): Promise<ApiKeyRecord[]>;
  /** Revokes the user's key; false when the user has no such live key. */
  revoke(userId: string, keyId: string, now: Date): Promise<boolean>;
  /** The record of a key's hash (a revoked one too), read consistently. */
  find(keyHash: string): Promise<ApiKeyRecord | undefined>;
  /** Sets lastUsedAt to `now` unless it is already later than `notBefore` (a conditional write). */
  touch(keyHash: string, now: Date, notBefore: Date): Promise<void>;
}

/** The user already holds {@link MAX_LIVE_KEYS_PER_USER} live keys. */
export class ApiKeyLimitReached extends PermanentError {
  constructor(readonly max: number) {
    super(`You already have ${max} API keys, the most one account may hold; revoke one you no longer use first.`);
    this.name = 'ApiKeyLimitReached';
  }
}

/** SHA-256 of a key, base64url. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('base64url');
}

/** Whether a bearer token is meant as an API key (rather than a session token). */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

/** A new key and its record; `random` is injectable for tests. */
export function newApiKey(
  input: { userId: string; name: string; scopes: readonly ApiKeyScope[]; now: Date },
  random: (bytes: number) => Buffer = randomBytes,
): NewApiKey {
  const key = `${API_KEY_PREFIX}${random(32).toString('base64url')}`;
  const scopes = API_KEY_SCOPES.filter((scope) => input.scopes.includes(scope));
  return {
    key,
    record: {
      keyId: `key_${random(12).toString('base64url')}`,
      keyHash: hashApiKey(key),
      userId: input.userId,
      name: input.name,
      scopes,
      hint: `${API_KEY_PREFIX}…${key.slice(-4)}`,
      createdAt: input.now.toISOString(),
    },
  };
}

/** The scope a request needs: `read` for GET (and HEAD), `write` for everything else. */
export function scopeFor(method: string): ApiKeyScope {
  return method.toUpperCase() === 'GET' || method.toUpperCase() === 'HEAD' ? 'read' : 'write';
}
