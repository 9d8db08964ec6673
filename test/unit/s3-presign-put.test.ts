/**
 * An upload's presigned PUT as a Lambda makes it in AWS, where the SDK's default checksum mode
 * (WHEN_SUPPORTED) would sign a CRC32 of the empty body into the URL and S3 would refuse every
 * real upload: the blob store presigns with checksums only when required.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dependencies } from '../../lambdas/shared/dependencies.js';
import { readConfig } from '../../lambdas/shared/config.js';

const SAVED = { ...process.env };

beforeEach(() => {
  // A Lambda's environment: region and credentials, no local endpoint, the SDK's default checksum mode.
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
});

afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in SAVED)) delete process.env[name];
  Object.assign(process.env, SAVED);
});

describe("the blob store's presigned PUT", () => {
  it('signs the content type and length, and no checksum of an empty body', async () => {
    // Prepare
    const blobs = new Dependencies(readConfig({ ASSETS_BUCKET: 'assets-bucket' })).blobStore();

    // Act
    const { url, headers } = await blobs.presignPut('videos/j/uploads/u.png', { contentType: 'image/png', contentLength: 1234, expiresInSeconds: 900 });

    // Assess
    const query = new URL(url).searchParams;
    expect(query.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(query.get('X-Amz-Expires')).toBe('900');
    expect([...query.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
    expect(headers).toEqual({ 'content-type': 'image/png' });
  });
});
