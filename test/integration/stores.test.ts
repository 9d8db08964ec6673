import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { activePlacesId, DynamoCreditStore, ordersCounterId, refundsCounterId } from '../../lambdas/adapters/aws/dynamo-credit-store.js';
import { DynamoJobStore, JobAlreadyExists } from '../../lambdas/adapters/aws/dynamo-job-store.js';
import { S3BlobStore } from '../../lambdas/adapters/aws/s3-blob-store.js';
import { notRefundedNotice } from '../../lambdas/core/credits.js';
import { JobStateConflict, LimitExceeded, NotFound, ProviderUnavailable } from '../../lambdas/core/errors.js';
import { dayBucket, hourBucket, type UserLimits } from '../../lambdas/core/jobs/limits.js';
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

const request = { prompt: 'a short film about tides', seconds: 30, aspect: '9:16', captionStyle: 'bold', language: 'en', music: 'none' } as const;

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

describe('DynamoCreditStore: limits per user, in the order\'s own transaction', () => {
  let now = new Date('2025-01-02T10:59:30.000Z');
  let credits: DynamoCreditStore;
  /** A store whose cap of refunds of user-caused failures is 0: the first one keeps its credits. */
  let strict: DynamoCreditStore;

  beforeAll(() => {
    const creditDoc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
    const tables = {
      jobs: emulators.tables.JobsTable!,
      accounts: emulators.tables.AccountsTable!,
      ledger: emulators.tables.LedgerTable!,
      idempotency: emulators.tables.IdempotencyTable!,
    };
    credits = new DynamoCreditStore({ doc: creditDoc, tables, clock: { now: () => now } });
    strict = new DynamoCreditStore({ doc: creditDoc, tables, clock: { now: () => now }, userCausedRefundsPerDay: 0 });
  });

  const paid = (userId: string): Job => ({ ...aJob({ userId, createdAt: now.toISOString() }), credits: 1, refunded: false, attempt: 0, redrives: 0 });
  const order = (job: Job, limits?: UserLimits, key?: string) =>
    credits.createJob({ job, startingCredits: 20, ...(limits ? { limits } : {}), ...(key ? { idempotency: { key, requestHash: 'h', ttlSeconds: 60 } } : {}) });
  const item = async (id: string) => (await doc.send(new GetCommand({ TableName: emulators.tables.IdempotencyTable, Key: { id }, ConsistentRead: true }))).Item;
  const balance = async (userId: string) => (await credits.account(userId, 20)).balance;
  const ledgerSum = async (userId: string) => (await credits.ledger(userId, { limit: 100 })).items.reduce((sum, e) => sum + e.delta, 0);

  it('admits exactly the limit of 12 concurrent orders, and a refund or a cancel frees a place', async () => {
    const userId = `concurrent-${randomUUID()}`;
    const limits = { activeJobs: 3, jobsPerHour: 50, jobsPerDay: 50 };

    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => order(paid(userId), limits)));

    const admitted = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.job] : []));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as Error] : []));
    expect(admitted).toHaveLength(3);
    expect(refused).toHaveLength(9);
    for (const error of refused) expect(error).toMatchObject({ name: 'LimitExceeded', limit: 'active', max: 3, retryAfterSeconds: 60 });
    expect(await balance(userId)).toBe(17);
    expect(await ledgerSum(userId)).toBe(17);
    expect([...((await item(activePlacesId(userId)))?.jobs as Set<string>)].sort()).toEqual(admitted.map((j) => j.jobId).sort());

    expect(await credits.refund(admitted[0]!.jobId, 'Refund: down', { error: { name: 'ProviderUnavailable', message: 'down' } })).toBe(true);
    await expect(order(paid(userId), limits)).resolves.toMatchObject({ replayed: false });
    await expect(order(paid(userId), limits)).rejects.toBeInstanceOf(LimitExceeded);
    expect(await credits.cancelQueued(admitted[1]!, now)).toBe(true);
    await expect(order(paid(userId), limits)).resolves.toMatchObject({ replayed: false });
    // A second refund of the same job frees nothing more (the place is a set member, removed once).
    expect(await credits.refund(admitted[0]!.jobId, 'Refund again')).toBe(false);
    expect(((await item(activePlacesId(userId)))?.jobs as Set<string>).size).toBe(3);
  });

  it('frees the place of a video that ended without telling the credit store (Finalize Job), and only of one that ended', async () => {
    const userId = `finished-${randomUUID()}`;
    const limits = { activeJobs: 2, jobsPerHour: 50, jobsPerDay: 50 };
    const [first, second] = [paid(userId), paid(userId)];
    await order(first, limits);
    await order(second, limits);
    await jobs.update(first.jobId, { status: 'SUCCEEDED' });
    await jobs.transition(second.jobId, { status: 'QUEUED' }, { set: { status: 'RUNNING' } });

    const third = paid(userId);
    await order(third, limits);
    await expect(order(paid(userId), limits)).rejects.toMatchObject({ limit: 'active' });

    expect([...((await item(activePlacesId(userId)))?.jobs as Set<string>)].sort()).toEqual([second.jobId, third.jobId].sort());
    // A deleted video's place is freed too.
    await jobs.transition(third.jobId, { status: 'QUEUED' }, { set: { status: 'FAILED', refunded: true } });
    expect(await jobs.deleteIf(third.jobId, ['FAILED'])).toBe(true);
    await expect(order(paid(userId), limits)).resolves.toMatchObject({ replayed: false });
  });

  it('counts orders per clock hour and UTC day, refusing with Retry-After until the window ends, debiting nothing', async () => {
    const userId = `hourly-${randomUUID()}`;
    const limits = { activeJobs: 10, jobsPerHour: 2, jobsPerDay: 3 };
    now = new Date('2025-01-02T10:59:30.000Z');
    const keyed = paid(userId);
    await order(keyed, limits, 'key-1');
    await order(paid(userId), limits);

    await expect(order(paid(userId), limits)).rejects.toMatchObject({ limit: 'hour', max: 2, retryAfterSeconds: 30 });
    // Replaying a key is not a new order.
    await expect(order({ ...paid(userId), jobId: randomUUID() }, limits, 'key-1')).resolves.toMatchObject({ replayed: true, job: { jobId: keyed.jobId } });

    now = new Date('2025-01-02T11:00:10.000Z');
    await order(paid(userId), limits);
    const refused = await order(paid(userId), limits).catch((error: unknown) => error);

    expect(refused).toMatchObject({ limit: 'day', max: 3, retryAfterSeconds: 12 * 3600 + 59 * 60 + 50, message: 'You have ordered 3 videos today (UTC); the limit is 3 a day.' });
    expect(await balance(userId)).toBe(17);
    const day = await item(ordersCounterId(userId, 'day', dayBucket(now)));
    expect(day).toMatchObject({ count: 3, expiresAt: Date.parse('2025-01-04T00:00:00Z') / 1000 });
    expect(await item(ordersCounterId(userId, 'hour', hourBucket(new Date('2025-01-02T10:59:30.000Z'))))).toMatchObject({ count: 2 });
    now = new Date('2025-01-02T10:59:30.000Z');
  });

  it('refunds failures the request caused 3 times a UTC day, then keeps the credits and says why; failures of the product always', async () => {
    const userId = `refused-${randomUUID()}`;
    const made = Array.from({ length: 6 }, () => paid(userId));
    for (const job of made) await order(job);
    const contentRejected = { error: { step: 'images' as const, name: 'ContentRejected', message: 'Replicate refused to draw the scene: NSFW.' } };

    const refunds = [];
    for (const job of made.slice(0, 4)) refunds.push(await credits.refund(job.jobId, 'Refund: refused', contentRejected));
    const outage = await credits.refund(made[4]!.jobId, 'Refund: down', { error: { name: 'ProviderUnavailable', message: 'Replicate is unavailable (503).' } });

    expect(refunds).toEqual([true, true, true, false]);
    expect(outage).toBe(true);
    const kept = (await jobs.get(made[3]!.jobId))!;
    expect(kept).toMatchObject({ status: 'FAILED', refunded: false, forfeited: true, error: { step: 'images', name: 'ContentRejected' } });
    expect(kept.error!.message).toBe(`Replicate refused to draw the scene: NSFW. ${notRefundedNotice(3)}`);
    // Asked again (a repeated Fail Job, the sweeper, a delete): still nothing.
    expect(await credits.refund(made[3]!.jobId, 'Refund: refused')).toBe(false);
    expect(await balance(userId)).toBe(20 - 6 + 4);
    expect(await ledgerSum(userId)).toBe(20 - 6 + 4);
    expect(await item(refundsCounterId(userId, dayBucket(now)))).toMatchObject({ count: 3, expiresAt: Date.parse('2025-01-04T00:00:00Z') / 1000 });

    // The next UTC day counts afresh.
    now = new Date('2025-01-03T00:00:05.000Z');
    expect(await credits.refund(made[5]!.jobId, 'Refund: refused', contentRejected)).toBe(true);
    now = new Date('2025-01-02T10:59:30.000Z');
  });

  it('frees the place of a video that kept its credits, and debits it again when it is retried', async () => {
    const userId = `forfeit-${randomUUID()}`;
    const limits = { activeJobs: 1, jobsPerHour: 50, jobsPerDay: 50 };
    const first = paid(userId);
    await strict.createJob({ job: first, startingCredits: 20, limits });

    expect(await strict.refund(first.jobId, 'Refund', { error: { name: 'ScriptInvalid', message: 'No script can be made of this.' } })).toBe(false);
    const second = paid(userId);
    await strict.createJob({ job: second, startingCredits: 20, limits });
    const failed = (await jobs.get(first.jobId))!;
    await expect(strict.requeueFailed(failed, { credits: 1, now, limits })).rejects.toMatchObject({ limit: 'active' });
    expect(await strict.cancelQueued(second, now)).toBe(true);
    const retried = await strict.requeueFailed(failed, { credits: 1, now, limits });

    expect(retried).toMatchObject({ status: 'QUEUED', attempt: 1, refunded: false, credits: 1 });
    expect(retried.forfeited).toBeUndefined();
    expect(await balance(userId)).toBe(20 - 1 - 1 + 1 - 1);
    expect(await ledgerSum(userId)).toBe(18);
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
