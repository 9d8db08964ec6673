import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { NotFound, ProviderUnavailable } from '../../core/errors.js';
import type { BlobStore } from '../../core/ports.js';

/** Presigned URLs live this long unless the caller says otherwise. */
const DEFAULT_PRESIGN_SECONDS = 3600;

/**
 * Turns an SDK failure the client already retried into one of ours: throttling, 5xx and
 * network errors become `ProviderUnavailable` so the state machine retries the step.
 */
function toStoreError(error: unknown, action: string): unknown {
  if (!(error instanceof Error)) return error;
  const sdkError = error as Parameters<typeof isTransientError>[0];
  if (isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError)) {
    return new ProviderUnavailable(`S3 ${action} failed: ${error.name}: ${error.message}`, { cause: error });
  }
  return error;
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

/** {@link BlobStore} over one S3 bucket. The client comes configured (endpoint, region) from the caller. */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly presignClient: S3Client;
  private readonly bucket: string;

  /**
   * `presignClient` presigns PUTs (default `client`): it must compute checksums only when
   * required, else the SDK signs a CRC32 of the empty body into the URL and S3 refuses the upload.
   */
  constructor(options: { client: S3Client; bucket: string; presignClient?: S3Client }) {
    this.client = options.client;
    this.presignClient = options.presignClient ?? options.client;
    this.bucket = options.bucket;
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
    } catch (error) {
      throw toStoreError(error, `put ${key}`);
    }
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!answer.Body) throw new ProviderUnavailable(`S3 get ${key} returned no body`);
      return await answer.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof Error && error.name === 'NoSuchKey') throw new NotFound(`no object ${key}`, { cause: error });
      throw toStoreError(error, `get ${key}`);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      // HEAD answers have no body, so a missing key arrives as a bare 404 ("NotFound").
      if (httpStatus(error) === 404) return false;
      throw toStoreError(error, `head ${key}`);
    }
  }

  async presignGet(key: string, expiresInSeconds = DEFAULT_PRESIGN_SECONDS, options: { downloadName?: string } = {}): Promise<string> {
    // An ASCII-safe name (video file names are slugs anyway): other characters, quotes and backslashes become _.
    const disposition = options.downloadName
      ? `attachment; filename="${options.downloadName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"`
      : undefined;
    return getSignedUrl(
      this.client,
      new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(disposition ? { ResponseContentDisposition: disposition } : {}) }),
      { expiresIn: expiresInSeconds },
    );
  }

  async presignPut(
    key: string,
    options: { contentType: string; contentLength: number; expiresInSeconds: number },
  ): Promise<{ url: string; headers: Record<string, string> }> {
    // Content-Type and Content-Length are request headers of the PUT, so SigV4 signs them: an
    // upload of another type or size does not match the signature and S3 refuses it.
    const url = await getSignedUrl(
      this.presignClient,
      new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: options.contentType, ContentLength: options.contentLength }),
      { expiresIn: options.expiresInSeconds, signableHeaders: new Set(['content-type', 'content-length']) },
    );
    return { url, headers: { 'content-type': options.contentType } };
  }

  /** Keys under `prefix`, in key order, at most `limit` (ListObjects v1, as deletePrefix, for the same reason). */
  async list(prefix: string, limit = 1000): Promise<string[]> {
    if (prefix === '') throw new Error('list needs a non-empty prefix');
    const keys: string[] = [];
    try {
      let marker: string | undefined;
      while (keys.length < limit) {
        const page = await this.client.send(new ListObjectsCommand({ Bucket: this.bucket, Prefix: prefix, Marker: marker, MaxKeys: Math.min(1000, limit - keys.length) }));
        const found = (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
        keys.push(...found);
        if (!page.IsTruncated || found.length === 0) break;
        marker = found[found.length - 1];
      }
    } catch (error) {
      throw toStoreError(error, `list ${prefix}*`);
    }
    return keys.slice(0, limit);
  }

  /** Deletes every object whose key starts with `prefix`; returns how many. */
  async deletePrefix(prefix: string): Promise<number> {
    if (prefix === '') throw new Error('deletePrefix needs a non-empty prefix (it would empty the bucket)');
    let deleted = 0;
    try {
      // ListObjects (v1) paged by Marker, not ListObjectsV2: S3 serves both alike, but s3rver
      // mints V2 continuation tokens with DES, which Node's OpenSSL 3 refuses — every truncated
      // V2 listing (more than 1000 keys) answers 500 locally.
      let marker: string | undefined;
      for (;;) {
        const page = await this.client.send(new ListObjectsCommand({ Bucket: this.bucket, Prefix: prefix, Marker: marker }));
        // At most 1000 keys per page, which is also DeleteObjects' limit.
        const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
        if (keys.length === 0) break;
        const answer = await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }),
        );
        const failed = answer.Errors ?? [];
        if (failed.length > 0) {
          const first = failed[0];
          throw new ProviderUnavailable(
            `S3 could not delete ${failed.length} object(s) under ${prefix}, e.g. ${first?.Key}: ${first?.Code} ${first?.Message}`,
          );
        }
        deleted += keys.length;
        if (!page.IsTruncated) break;
        marker = keys[keys.length - 1]?.Key;
      }
    } catch (error) {
      throw toStoreError(error, `delete ${prefix}*`);
    }
    return deleted;
  }
}
