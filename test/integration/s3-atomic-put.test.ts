/**
 * The local S3 replaces an object as S3 does: a GET during an overwrite answers the old body or
 * the new one, whole, with that body's ETag; a PUT whose upload breaks off leaves no object.
 * s3rver alone rewrote the file in place, so a reader could get a torn or empty body.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ACCESS_KEY_ID, LOCAL_REGION, LOCAL_SECRET_ACCESS_KEY, startS3Server, type S3Server } from '../../lib/local/s3-server.js';

const BUCKET = 'atomic-test';
let server: S3Server;
let directory: string;
let s3: S3Client;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 's3-atomic-'));
  server = await startS3Server({ directory, buckets: [BUCKET] });
  s3 = new S3Client({
    endpoint: server.endpoint,
    region: LOCAL_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
});

afterAll(async () => {
  s3?.destroy();
  await server?.stop();
  if (directory) await rm(directory, { recursive: true, force: true });
});

const md5 = (body: Buffer) => createHash('md5').update(body).digest('hex');

describe('the local S3 replaces objects atomically', () => {
  it('a GET during overwrites answers one whole version, with its own ETag', async () => {
    // Prepare: versions of different sizes, each filled with its own byte.
    const versions = [1, 2, 3, 4, 5, 6].map((n) => Buffer.alloc(200_000 * n, n));
    const known = new Map(versions.map((v) => [md5(v), v.length]));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'plan.json', Body: versions[0] }));

    // Act: writers and readers of the one key at once.
    const writes = Array.from({ length: 24 }, (_, i) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'plan.json', Body: versions[i % versions.length] })));
    const reads = Array.from({ length: 60 }, async () => {
      const answer = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'plan.json' }));
      const body = Buffer.from(await answer.Body!.transformToByteArray());
      return { body, etag: answer.ETag?.replaceAll('"', '') };
    });
    const [, answers] = await Promise.all([Promise.all(writes), Promise.all(reads)]);

    // Assess: every body is one version, whole, and its ETag is that version's MD5.
    for (const { body, etag } of answers) {
      expect(body.length).toBeGreaterThan(0);
      expect(known.get(md5(body)), `a torn body of ${body.length} bytes`).toBe(body.length);
      expect(etag).toBe(md5(body));
    }
  });

  it('an upload that breaks off leaves no object and no partial file', async () => {
    // Prepare: s3rver checks signatures, so the raw PUT below is signed by the SDK's presigner.
    const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
    const url = new URL(await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: 'broken.bin' }), { expiresIn: 60 }));

    // Act: announce 1 MB, send 100 kB, hang up.
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: 'PUT', headers: { 'content-length': 1_000_000 } });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(100_000, 7), () => setTimeout(() => {
        req.destroy();
        resolve();
      }, 300));
    });

    // Assess: the server notices the hang-up in its own time; nothing of the upload stays.
    const leftovers = async () => (await readdir(path.join(directory, BUCKET))).filter((f) => f.startsWith('broken'));
    await expect.poll(leftovers, { timeout: 10_000, interval: 100 }).toEqual([]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'broken' }));
    expect(listed.KeyCount ?? 0).toBe(0);
  });
});
