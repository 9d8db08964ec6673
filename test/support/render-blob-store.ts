import type { BlobStore } from '../../lambdas/core/ports.js';
import { NotFound } from '../../lambdas/core/errors.js';

/** A real BlobStore kept in memory; presigned URLs are fake and only good for asserting on. */
export class MemoryBlobStore implements BlobStore {
  readonly objects = new Map<string, { body: Uint8Array; contentType: string }>();

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    this.objects.set(key, { body, contentType });
  }

  async get(key: string): Promise<Uint8Array> {
    const object = this.objects.get(key);
    if (!object) throw new NotFound(`no blob ${key}`);
    return object.body;
  }

  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }

  async presignGet(key: string): Promise<string> {
    return `memory://${key}`;
  }

  async presignPut(key: string, options: { contentType: string; contentLength: number }): Promise<{ url: string; headers: Record<string, string> }> {
    return { url: `memory://${key}`, headers: { 'content-type': options.contentType, 'content-length': String(options.contentLength) } };
  }

  async list(prefix: string, limit = 1000): Promise<string[]> {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort().slice(0, limit);
  }

  async deletePrefix(prefix: string): Promise<number> {
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix));
    keys.forEach((k) => this.objects.delete(k));
    return keys.length;
  }
}
