import { createHash } from 'node:crypto';

/** A stable hex digest of the parts, used for content-addressed asset keys. */
export function contentHash(...parts: (string | number)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(String(part)).update('\u0000');
  return hash.digest('hex');
}

/** A 31-bit seed derived from the parts, for deterministic generators. */
export function seedFrom(...parts: (string | number)[]): number {
  return Number.parseInt(contentHash(...parts).slice(0, 8), 16) & 0x7fffffff;
}
