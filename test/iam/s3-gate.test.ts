/** The IAM gate of the local S3 (s3rver), driven by the real S3 client, presigned URLs and fetch(). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Gate } from '../../lib/local/iam/s3-gate.js';
import { startS3Server, type S3Server } from '../../lib/local/s3-server.js';
import { ADMIN, CONTEXT, localIam, policy, raised, REGION, role } from './support.js';

const BUCKET = 'iam-assets';
const B = `arn:aws:s3:::${BUCKET}`;
const enforceSsl = policy({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: [B, `${B}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
const iam = localIam({ [B]: enforceSsl });

const writer = role(
  'GenerateImages',
  { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: `${B}/users/*` },
  { Effect: 'Allow', Action: 's3:ListBucket', Resource: B, Condition: { StringLike: { 's3:prefix': ['users/*'] } } },
);
const lister = role(
  'ReadVideos',
  { Effect: 'Allow', Action: 's3:GetObject', Resource: `${B}/*` },
  { Effect: 'Allow', Action: 's3:ListBucket', Resource: B },
);
const nobody = role('Nothing', { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' });

let dir: string;
let s3: S3Server;
const clients: S3Client[] = [];
function client(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): S3Client {
  const c = new S3Client({
    endpoint: s3.endpoint,
    region: REGION,
    credentials,
    forcePathStyle: true,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  clients.push(c);
  return c;
}
let admin: S3Client;
let writerS3: S3Client;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'iam-s3-'));
  const gate = createS3Gate({ principals: iam.principals, authorizer: iam.authorizer, context: CONTEXT });
  s3 = await startS3Server({ directory: dir, buckets: [BUCKET], authorization: gate });
  admin = client(ADMIN);
  writerS3 = client(iam.add(writer));
  await admin.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'videos/v1.mp4', Body: 'video' }));
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('S3 through the IAM gate', () => {
  it('serves Put and Get on the granted prefix', async () => {
    await writerS3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'users/u1/a.txt', Body: 'hello' }));
    const got = await writerS3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'users/u1/a.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello');
  });

  it('denies Put on another prefix with AccessDenied naming the action and the object', async () => {
    const error = await raised(writerS3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'videos/x.mp4', Body: 'x' })));
    expect(error).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${writer.sessionArn} is not authorized to perform: s3:PutObject on resource: "${B}/videos/x.mp4" because no identity-based policy allows the s3:PutObject action`,
    });
  });

  it('authorizes a presigned GET by the role that signed it', async () => {
    const allowedUrl = await getSignedUrl(writerS3, new GetObjectCommand({ Bucket: BUCKET, Key: 'users/u1/a.txt' }), { expiresIn: 60 });
    const allowed = await fetch(allowedUrl);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toBe('hello');

    const deniedUrl = await getSignedUrl(client(iam.add(nobody)), new GetObjectCommand({ Bucket: BUCKET, Key: 'users/u1/a.txt' }), { expiresIn: 60 });
    const denied = await fetch(deniedUrl);
    expect(denied.status).toBe(403);
    const xml = await denied.text();
    expect(xml).toContain('<Code>AccessDenied</Code>');
    expect(xml).toContain(`<Message>User: ${nobody.sessionArn} is not authorized to perform: s3:GetObject on resource: &quot;${B}/users/u1/a.txt&quot; because`);
  });

  it('rejects a presigned URL pointed at another key (the signature no longer matches)', async () => {
    const url = await getSignedUrl(writerS3, new GetObjectCommand({ Bucket: BUCKET, Key: 'users/u1/a.txt' }), { expiresIn: 60 });
    const tampered = await fetch(url.replace('users/u1/a.txt', 'videos/v1.mp4'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('answers 403 for a missing key without s3:ListBucket on the bucket, 404 with it', async () => {
    // Prepare: the writer may list only under users/ (a prefix condition), the lister the whole bucket.
    const listerS3 = client(iam.add(lister));
    // Act
    const withoutList = await raised(writerS3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'users/u1/missing.txt' })));
    const withList = await raised(listerS3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'users/u1/missing.txt' })));
    const headWithout = await raised(writerS3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'users/u1/missing.txt' })));
    const headWith = await raised(listerS3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'users/u1/missing.txt' })));
    // Assess
    expect(withoutList).toEqual({ name: 'AccessDenied', message: 'Access Denied', status: 403 });
    expect(withList).toEqual({ name: 'NoSuchKey', message: 'The specified key does not exist.', status: 404 });
    // A HEAD answer has no body: the SDK names a 403 'Unknown' (against AWS too), a 404 NotFound.
    expect([headWithout.name, headWithout.status]).toEqual(['Unknown', 403]);
    expect([headWith.name, headWith.status]).toEqual(['NotFound', 404]);
  });

  it('denies anonymous requests unless a bucket policy allows them', async () => {
    const response = await fetch(`${s3.endpoint}/${BUCKET}/videos/v1.mp4`);
    expect(response.status).toBe(403);
    const xml = await response.text();
    expect(xml).toContain('<Code>AccessDenied</Code>');
    expect(xml).toContain('<Message>Access Denied</Message>');
  });

  it('refuses an unknown access key with InvalidAccessKeyId', async () => {
    const stranger = client({ accessKeyId: 'ASIAUNKNOWN000000000', secretAccessKey: 'x' });
    const error = await raised(stranger.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'videos/v1.mp4' })));
    expect(error).toEqual({ name: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.', status: 403 });
  });

  it('refuses a wrong secret with SignatureDoesNotMatch, before authorization', async () => {
    const forged = client({ accessKeyId: iam.principals.credentialsOf('GenerateImages')!.accessKeyId, secretAccessKey: 'not-the-secret' });
    const error = await raised(forged.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'videos/x.mp4', Body: 'x' })));
    expect([error.name, error.status]).toEqual(['SignatureDoesNotMatch', 403]);
  });

  it('evaluates ListObjectsV2 with the s3:prefix condition', async () => {
    const listed = await writerS3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'users/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['users/u1/a.txt']);
    const error = await raised(writerS3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'videos/' })));
    expect(error).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${writer.sessionArn} is not authorized to perform: s3:ListBucket on resource: "${B}" because no identity-based policy allows the s3:ListBucket action`,
    });
  });

  it('needs s3:DeleteObject on every key DeleteObjects lists, and deletes nothing when one is denied', async () => {
    await admin.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'users/u1/b.txt', Body: 'b' }));
    const error = await raised(
      writerS3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'users/u1/b.txt' }, { Key: 'videos/v1.mp4' }] } })),
    );
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toContain(`s3:DeleteObject on resource: "${B}/videos/v1.mp4"`);
    expect((await admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'users/u1/b.txt' }))).ContentLength).toBe(1);

    const deleted = await writerS3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'users/u1/b.txt' }] } }));
    expect(deleted.Deleted?.map((d) => d.Key)).toEqual(['users/u1/b.txt']);
  });

  it('lets CORS preflights through unauthenticated', async () => {
    const response = await fetch(`${s3.endpoint}/${BUCKET}/videos/v1.mp4`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'GET' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});
