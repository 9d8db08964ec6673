import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoJobStore, JobAlreadyExists } from '../../lambdas/adapters/aws/dynamo-job-store.js';
import { S3BlobStore } from '../../lambdas/adapters/aws/s3-blob-store.js';
import { JobStateConflict, NotFound, ProviderUnavailable } from '../../lambdas/core/errors.js';
import { newJob, type Job } from '../../lambdas/core/job.js';
import { JOBS_TABLE_DEFINITION, TABLE_DEFINITIONS } from '../../lib/cloud/table-definitions.js';
import { ensureTables, JAVA_REQUIRED_MESSAGE, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import { startEmulators, type Emulators } from '../support/emulators.js';

let emulators: Emulators;
let dynamo: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let s3: S3Client;
let jobs: DynamoJobStore;
let blobs: S3BlobStore;

const request = { prompt: 'a short film about tides', seconds: 30, aspect: '9:16', captionStyle: 'bold' } as const;

function aJob(overrides: Partial<Job> = {}): Job {
  return { ...newJob({ jobId: randomUUID(), userId: 'user_1', request, now: new Date('2025-01-02T03:04:05.000Z') }), ...overrides };
}

beforeAll(async () => {
  emulators = await startEmulators();
  // The local operator's clients: the stores are tested here, not a function's grants.
  dynamo = new DynamoDBClient(emulators.clientConfig('dynamodb'));
  doc = DynamoDBDocumentClient.from(dynamo);
  s3 = new S3Client({ ...emulators.clientConfig('s3'), requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  jobs = new DynamoJobStore({ doc, tableName: emulators.tables.JobsTable! });
  blobs = new S3BlobStore({ client: s3, bucket: emulators.bucket });
});

afterAll(async () => {
  dynamo?.destroy();
  s3?.destroy();
  await emulators?.stop();
});

describe('tables from the definitions', () => {
  it('creates the jobs table with both indexes, and a second ensureTables is a no-op', async () => {
    const table = (await dynamo.send(new DescribeTableCommand({ TableName: emulators.tables.JobsTable }))).Table;
    expect(table?.KeySchema).toEqual([{ AttributeName: 'jobId', KeyType: 'HASH' }]);
    expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const indexes = Object.fromEntries((table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i]));
    expect(indexes.byUser?.KeySchema).toEqual([
      { AttributeName: 'userId', KeyType: 'HASH' },
      { AttributeName: 'createdAt', KeyType: 'RANGE' },
    ]);
    expect(indexes.byUser?.Projection?.ProjectionType).toBe('ALL');
    expect(indexes.byStatus?.KeySchema).toEqual([
      { AttributeName: 'status', KeyType: 'HASH' },
      { AttributeName: 'updatedAt', KeyType: 'RANGE' },
    ]);

    await expect(ensureTables(dynamo, TABLE_DEFINITIONS)).resolves.toEqual(
      Object.fromEntries(TABLE_DEFINITIONS.map((d) => [d.logicalName, d.localTableName])),
    );
    expect(emulators.tables.JobsTable).toBe(JOBS_TABLE_DEFINITION.localTableName);
  });

  it('says how to get Java when it is missing', async () => {
    await expect(startDynamoDbLocal({ java: '/nonexistent/java' })).rejects.toThrow(JAVA_REQUIRED_MESSAGE);
  });
});

describe('DynamoJobStore', () => {
  it('creates, reads and updates a job', async () => {
    const job = aJob();
    await jobs.create(job);
    expect(await jobs.get(job.jobId)).toEqual(job);

    await jobs.update(job.jobId, { status: 'RUNNING', currentStep: 'script', title: 'Tides', error: undefined });
    const updated = await jobs.get(job.jobId);
    expect(updated).toMatchObject({ status: 'RUNNING', currentStep: 'script', title: 'Tides', request, userId: 'user_1' });
    expect(updated!.updatedAt > job.updatedAt).toBe(true);
    expect(updated).not.toHaveProperty('error');
  });

  it('returns undefined for an unknown job', async () => {
    expect(await jobs.get('no-such-job')).toBeUndefined();
  });

  it('refuses to create a job twice', async () => {
    const job = aJob();
    await jobs.create(job);
    const again = jobs.create({ ...job, title: 'overwritten?' });
    await expect(again).rejects.toBeInstanceOf(JobAlreadyExists);
    await expect(again).rejects.toThrow(`Job ${job.jobId} already exists.`);
    expect((await jobs.get(job.jobId))?.title).toBeUndefined();
  });

  it('does not create stub records when updating an unknown job', async () => {
    await expect(jobs.update('ghost', { status: 'RUNNING' })).rejects.toBeInstanceOf(NotFound);
    await expect(jobs.updateStep('ghost', 'images', { addDone: 1 })).rejects.toBeInstanceOf(NotFound);
    await expect(jobs.addSpend('ghost', 'images', { usd: 1, units: {} })).rejects.toBeInstanceOf(NotFound);
    expect(await jobs.get('ghost')).toBeUndefined();
  });

  it('writes a step "while active" only to a job that has not ended', async () => {
    // Prepare: a job Fail Job has just ended, its images step marked failed.
    const job = aJob();
    await jobs.create(job);
    await jobs.updateStep(job.jobId, 'images', { status: 'failed' });
    await jobs.update(job.jobId, { status: 'FAILED' });

    // Act: a Map iteration that read the job before that now marks the step running.
    const late = jobs.updateStep(job.jobId, 'images', { status: 'running', addAttempt: true, whileActive: true });

    // Assess
    await expect(late).rejects.toBeInstanceOf(JobStateConflict);
    expect((await jobs.get(job.jobId))?.steps.images).toEqual({ status: 'failed' });
    await expect(jobs.updateStep('ghost', 'images', { status: 'running', whileActive: true })).rejects.toBeInstanceOf(NotFound);
    const active = aJob();
    await jobs.create(active);
    expect(await jobs.updateStep(active.jobId, 'images', { status: 'running', whileActive: true })).toMatchObject({ status: 'running' });
  });

  it('counts 20 concurrent addDone calls exactly', async () => {
    const job = aJob();
    await jobs.create(job);
    await jobs.updateStep(job.jobId, 'images', { status: 'running', total: 20 });

    const states = await Promise.all(Array.from({ length: 20 }, () => jobs.updateStep(job.jobId, 'images', { addDone: 1 })));

    // Each call saw its own increment: the counter is atomic, not read-modify-write.
    expect(states.map((s) => s.done).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(states[0]).toMatchObject({ status: 'running', total: 20 });
    expect((await jobs.get(job.jobId))?.steps.images).toEqual({ status: 'running', total: 20, done: 20 });
  });

  it('keeps concurrent updates of different steps and of different fields of one step', async () => {
    const job = aJob();
    await jobs.create(job);

    await Promise.all([
      jobs.updateStep(job.jobId, 'images', { status: 'running', startedAt: '2025-01-02T03:04:06.000Z' }),
      jobs.updateStep(job.jobId, 'voice', { status: 'succeeded', durationMs: 1234 }),
      jobs.updateStep(job.jobId, 'images', { total: 5 }),
      jobs.updateStep(job.jobId, 'images', { addAttempt: true }),
      jobs.updateStep(job.jobId, 'voice', { addAttempt: true }),
      jobs.updateStep(job.jobId, 'images', { addAttempt: true }),
      jobs.update(job.jobId, { status: 'RUNNING', currentStep: 'images' }),
    ]);

    const stored = await jobs.get(job.jobId);
    expect(stored?.steps.images).toEqual({ status: 'running', startedAt: '2025-01-02T03:04:06.000Z', total: 5, attempts: 2 });
    expect(stored?.steps.voice).toEqual({ status: 'succeeded', durationMs: 1234, attempts: 1 });
    expect(stored?.steps.script).toEqual({ status: 'pending' });
    expect(stored).toMatchObject({ status: 'RUNNING', currentStep: 'images' });
  });

  it('sums concurrent spends exactly, creating the cost line on first spend', async () => {
    const job = aJob();
    await jobs.create(job);

    await Promise.all([
      ...Array.from({ length: 20 }, () => jobs.addSpend(job.jobId, 'images', { usd: 0.01, units: { images: 1 } })),
      ...Array.from({ length: 10 }, () => jobs.addSpend(job.jobId, 'voice', { usd: 0.1, units: { characters: 64, requests: 1 } })),
    ]);

    const stored = await jobs.get(job.jobId);
    // DynamoDB adds in decimal: no floating-point drift.
    expect(stored?.cost).toEqual({
      images: { usd: 0.2, units: { images: 20 } },
      voice: { usd: 1, units: { characters: 640, requests: 10 } },
    });
  });

  it('repairs records that lack the cost map or a step entry', async () => {
    // A record written by other code (an older version, a transaction) without those maps.
    const { cost: _cost, ...withoutCost } = aJob();
    const legacy = { ...withoutCost, steps: { script: { status: 'succeeded' } } };
    await doc.send(new PutCommand({ TableName: emulators.tables.JobsTable, Item: legacy }));

    const [states] = await Promise.all([
      Promise.all(Array.from({ length: 5 }, () => jobs.updateStep(legacy.jobId, 'images', { addDone: 1 }))),
      Promise.all(Array.from({ length: 5 }, () => jobs.addSpend(legacy.jobId, 'render', { usd: 0.5, units: { seconds: 2 } }))),
    ]);

    expect(Math.max(...states.map((s) => s.done ?? 0))).toBe(5);
    const stored = (await doc.send(new GetCommand({ TableName: emulators.tables.JobsTable, Key: { jobId: legacy.jobId } }))).Item;
    expect(stored?.steps).toEqual({ script: { status: 'succeeded' }, images: { status: 'pending', done: 5 } });
    expect(stored?.cost).toEqual({ render: { usd: 2.5, units: { seconds: 10 } } });
  });

  it('reports an unreachable DynamoDB as ProviderUnavailable', async () => {
    const down = new DynamoDBClient({ ...emulators.clientConfig('dynamodb'), endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const store = new DynamoJobStore({ doc: DynamoDBDocumentClient.from(down), tableName: 'x' });
    await expect(store.get('a')).rejects.toBeInstanceOf(ProviderUnavailable);
    down.destroy();
  });
});

describe('S3BlobStore', () => {
  const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);

  it('round-trips binary data byte for byte', async () => {
    const big = new Uint8Array(randomBytes(2 * 1024 * 1024));
    await blobs.put('roundtrip/every-byte.bin', everyByte, 'application/octet-stream');
    await blobs.put('roundtrip/big.bin', big, 'application/octet-stream');
    await blobs.put('roundtrip/empty.bin', new Uint8Array(0), 'application/octet-stream');

    expect(Buffer.from(await blobs.get('roundtrip/every-byte.bin')).equals(Buffer.from(everyByte))).toBe(true);
    expect(Buffer.from(await blobs.get('roundtrip/big.bin')).equals(Buffer.from(big))).toBe(true);
    expect((await blobs.get('roundtrip/empty.bin')).byteLength).toBe(0);
  });

  it('keeps streamed uploads intact with the local checksum settings', async () => {
    // A stream body is what the SDK would frame as aws-chunked under its default checksum mode.
    const body = randomBytes(300 * 1024);
    await s3.send(
      new PutObjectCommand({
        Bucket: emulators.bucket,
        Key: 'roundtrip/stream.bin',
        Body: Readable.from([body.subarray(0, 100_000), body.subarray(100_000)]),
        ContentLength: body.length,
      }),
    );
    const answer = await s3.send(new GetObjectCommand({ Bucket: emulators.bucket, Key: 'roundtrip/stream.bin' }));
    expect(Buffer.from(await answer.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it('tells whether an object exists, and a missing one is NotFound', async () => {
    await blobs.put('exists/yes.txt', new TextEncoder().encode('yes'), 'text/plain');
    expect(await blobs.exists('exists/yes.txt')).toBe(true);
    expect(await blobs.exists('exists/no.txt')).toBe(false);
    await expect(blobs.get('exists/no.txt')).rejects.toBeInstanceOf(NotFound);
  });

  it('serves presigned URLs whose signature is checked', async () => {
    const bytes = new Uint8Array(randomBytes(4096));
    await blobs.put('presigned/image.png', bytes, 'image/png');

    const url = await blobs.presignGet('presigned/image.png', 60);
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await ok.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);

    const parsed = new URL(url);
    const signature = parsed.searchParams.get('X-Amz-Signature')!;
    parsed.searchParams.set('X-Amz-Signature', `${signature[0] === 'a' ? 'b' : 'a'}${signature.slice(1)}`);
    expect((await fetch(parsed)).status).toBe(403);

    await blobs.put('presigned/other.png', bytes, 'image/png');
    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace('image.png', 'other.png');
    expect((await fetch(otherKey)).status).toBe(403);
  });

  it('deletes only the given prefix, across pages of 1000', async () => {
    const text = new TextEncoder().encode('x');
    const keys = [
      ...Array.from({ length: 1005 }, (_, i) => `users/u1/${String(i).padStart(4, '0')}.txt`),
      'users/u10/keep.txt',
      'users/u2/keep.txt',
      'other/keep.txt',
    ];
    for (let i = 0; i < keys.length; i += 100) {
      await Promise.all(keys.slice(i, i + 100).map((key) => blobs.put(key, text, 'text/plain')));
    }

    expect(await blobs.deletePrefix('users/u1/')).toBe(1005);

    expect(await blobs.exists('users/u1/0000.txt')).toBe(false);
    expect(await blobs.exists('users/u1/1004.txt')).toBe(false);
    expect(await blobs.exists('users/u10/keep.txt')).toBe(true);
    expect(await blobs.exists('users/u2/keep.txt')).toBe(true);
    expect(await blobs.exists('other/keep.txt')).toBe(true);
    expect(await blobs.deletePrefix('users/u1/')).toBe(0);
    await expect(blobs.deletePrefix('')).rejects.toThrow(/non-empty prefix/);
  });

  it('reports an unreachable S3 as ProviderUnavailable', async () => {
    const down = new S3Client({ ...emulators.clientConfig('s3'), endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const store = new S3BlobStore({ client: down, bucket: 'b' });
    await expect(store.get('a')).rejects.toBeInstanceOf(ProviderUnavailable);
    await expect(store.exists('a')).rejects.toBeInstanceOf(ProviderUnavailable);
    down.destroy();
  });
});
