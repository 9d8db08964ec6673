/** API keys' shape, hash and scopes (lambdas/core/api-keys.ts), without a server. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { API_KEY_ID_PATTERN, API_KEY_PATTERN, hashApiKey, looksLikeApiKey, newApiKey, scopeFor } from '../../lambdas/core/api-keys.js';

describe('API keys', () => {
  it('makes a prefixed 256-bit key, its SHA-256, an id and a hint of four characters', () => {
    // Act
    const { key, record } = newApiKey({ userId: 'user_1', name: 'CI', scopes: ['write', 'read'], now: new Date('2026-01-02T03:04:05Z') });

    // Assess
    expect(key).toMatch(API_KEY_PATTERN);
    expect(Buffer.from(key.slice('sk_shorts_'.length), 'base64url')).toHaveLength(32);
    expect(record.keyHash).toBe(createHash('sha256').update(key).digest('base64url'));
    expect(record.keyHash).toBe(hashApiKey(key));
    expect(record.keyId).toMatch(API_KEY_ID_PATTERN);
    expect(record).toMatchObject({ userId: 'user_1', name: 'CI', scopes: ['read', 'write'], hint: `sk_shorts_…${key.slice(-4)}`, createdAt: '2026-01-02T03:04:05.000Z' });
    expect(JSON.stringify(record)).not.toContain(key.slice(10));
  });

  it('never makes the same key twice', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => newApiKey({ userId: 'u', name: 'n', scopes: ['read'], now: new Date() }).key));
    expect(keys.size).toBe(1000);
  });

  it('tells keys from session tokens by the prefix, and GET needs read, the rest write', () => {
    expect(looksLikeApiKey('sk_shorts_abc')).toBe(true);
    expect(looksLikeApiKey('eyJhbGciOiJSUzI1NiJ9.e30.sig')).toBe(false);
    expect(['GET', 'get', 'HEAD'].map(scopeFor)).toEqual(['read', 'read', 'read']);
    expect(['POST', 'DELETE', 'PUT', 'PATCH'].map(scopeFor)).toEqual(['write', 'write', 'write', 'write']);
  });
});
