/**
 * S3 replaces an object atomically: a reader gets the old object or the new one, whole, never a
 * mix, and a PUT that does not finish leaves nothing behind. s3rver's filesystem store writes in
 * place (the file is truncated when the new body starts to arrive, its MD5 and metadata follow in
 * separate files), so a GET during an overwrite could answer a torn or empty body, and worse, it
 * could compute and keep the MD5 of a half-written file. A step retried while its first run still
 * writes, or the dashboard reading a plan the pipeline is rewriting, met exactly that here and
 * would not in AWS.
 *
 * This makes the store behave as S3 does: a body is written to a temporary file beside the
 * object (not listed: its name does not end in s3rver's object suffix) and only then, under a
 * per-key lock, renamed over the object with its MD5 and metadata. A read takes the same lock
 * while it reads the metadata and opens the file; once open, the file it streams is the one it
 * opened, whatever replaces it afterwards (a rename does not touch an open file).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The part of s3rver's FilesystemStore this changes (the package ships no types). */
export interface S3rverStore {
  getResourcePath(bucket: string, key?: string, resource?: string): string;
  putContent(objectPath: string, content: unknown): Promise<[size: number, md5: string]>;
  putMetadata(bucket: string, key: string, metadata: Record<string, unknown>, md5?: string): Promise<void>;
  putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
  getObject(bucket: string, key: string, options?: unknown): Promise<unknown>;
  copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, replacementMetadata?: unknown): Promise<unknown>;
  deleteObject(bucket: string, key: string): Promise<void>;
  __atomic?: true;
}

interface S3rverObject {
  bucket: string;
  key: string;
  content: unknown;
  metadata: Record<string, unknown>;
}

/** One chain of work per key: each runs after the one before it has settled. */
class KeyLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, body: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(body, body);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/** Makes `store` replace objects atomically, as S3 does (see the module's comment). Idempotent. */
export function makeStoreAtomic(store: S3rverStore): void {
  if (store.__atomic) return;
  const locks = new KeyLocks();
  const lockKey = (bucket: string, key: string) => `${bucket}\0${key}`;
  const original = {
    putContent: store.putContent.bind(store),
    putMetadata: store.putMetadata.bind(store),
    getObject: store.getObject.bind(store),
    copyObject: store.copyObject.bind(store),
    deleteObject: store.deleteObject.bind(store),
  };

  /** s3rver resolves a Buffer body before it is written; this waits for it. */
  async function writeBody(file: string, content: unknown): Promise<[number, string]> {
    if (Buffer.isBuffer(content)) {
      await writeFile(file, content);
      return [content.length, createHash('md5').update(content).digest('hex')];
    }
    return original.putContent(file, content);
  }

  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(path.dirname(objectPath), { recursive: true, mode: 0o755 });
    const scratch = `${objectPath}.${randomUUID()}.partial`;
    let size: number;
    let md5: string;
    try {
      [size, md5] = await writeBody(scratch, object.content);
    } catch (error) {
      // An upload that did not finish leaves no object, as in S3.
      await unlink(scratch).catch(() => undefined);
      throw error;
    }
    await locks.run(lockKey(object.bucket, object.key), async () => {
      try {
        await original.putMetadata(object.bucket, object.key, object.metadata, md5);
        await rename(scratch, objectPath);
      } catch (error) {
        await unlink(scratch).catch(() => undefined);
        throw error;
      }
    });
    return { size, md5 };
  };
  store.getObject = (bucket, key, options) => locks.run(lockKey(bucket, key), () => original.getObject(bucket, key, options));
  store.copyObject = (srcBucket, srcKey, destBucket, destKey, replacementMetadata) =>
    locks.run(lockKey(destBucket, destKey), () => original.copyObject(srcBucket, srcKey, destBucket, destKey, replacementMetadata));
  store.deleteObject = (bucket, key) => locks.run(lockKey(bucket, key), () => original.deleteObject(bucket, key));
  store.__atomic = true;
}
