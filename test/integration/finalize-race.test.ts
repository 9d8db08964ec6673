/**
 * Finalize Job against the sweeper, through the real stores on DynamoDB Local and the local S3:
 * when the sweeper gives up on a job (stuck, its execution stopped) while Finalize is in flight,
 * exactly one of them wins. A job is never both SUCCEEDED and refunded (a free video), Finalize
 * never throws for having lost (no retry loop), and the ledger always sums to the balance.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoCreditStore } from '../../lambdas/adapters/aws/dynamo-credit-store.js';
import { DynamoJobStore } from '../../lambdas/adapters/aws/dynamo-job-store.js';
import { S3BlobStore } from '../../lambdas/adapters/aws/s3-blob-store.js';
import { executionName, newJob, type Job } from '../../lambdas/core/job.js';
import { sweepJobs, type SweepReport } from '../../lambdas/core/jobs/sweep.js';
import { finalizeJob } from '../../lambdas/core/pipeline/job-steps.js';
import type { FinalizeJobEvent } from '../../lambdas/core/pipeline/events.js';
import type { ExecutionStatus, PipelineStarter } from '../../lambdas/core/ports.js';
import { startEmulators, type Emulators } from '../support/emulators.js';

let emulators: Emulators;
let dynamo: DynamoDBClient;
let s3: S3Client;
let jobs: DynamoJobStore;
let credits: DynamoCreditStore;
let blobs: S3BlobStore;

const request = { prompt: 'a race between two writers', seconds: 10, aspect: '1:1', captionStyle: 'bold', language: 'en', music: 'none' } as const;
const clock = { now: () => new Date() };
/** The sweeper runs "an hour later": the job has made no progress for longer than STUCK_JOB_MINUTES. */
const anHourLater = { now: () => new Date(Date.now() + 3600_000) };
const SWEEP = { queuedRedriveSeconds: 1e9, maxQueuedHours: 1e6, stuckMinutes: 45, runningGraceSeconds: 0, maxRedrives: 3 };

beforeAll(async () => {
  emulators = await startEmulators();
  dynamo = new DynamoDBClient(emulators.clientConfig('dynamodb'));
  const doc = DynamoDBDocumentClient.from(dynamo);
  s3 = new S3Client({ ...emulators.clientConfig('s3'), requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const { JobsTable, AccountsTable, LedgerTable, IdempotencyTable } = emulators.tables as Record<string, string>;
  jobs = new DynamoJobStore({ doc, tableName: JobsTable! });
  credits = new DynamoCreditStore({ doc, tables: { jobs: JobsTable!, accounts: AccountsTable!, ledger: LedgerTable!, idempotency: IdempotencyTable! } });
  blobs = new S3BlobStore({ client: s3, bucket: emulators.bucket });
});

afterAll(async () => {
  dynamo?.destroy();
  s3?.destroy();
  await emulators?.stop();
});

/** A paid job (1 credit), claimed by the dispatcher, rendered: Finalize is next. */
async function renderedJob(userId: string): Promise<{ job: Job; event: FinalizeJobEvent }> {
  const now = new Date();
  const job: Job = { ...newJob({ jobId: randomUUID(), userId, request, now }), credits: 1, refunded: false, attempt: 0, redrives: 0, queuedAt: now.toISOString() };
  await credits.createJob({ job, startingCredits: 0 });
  expect(await jobs.transition(job.jobId, { status: 'QUEUED', attempt: 0 }, { set: { status: 'RUNNING', currentStep: 'finalize', startedAt: now.toISOString() } })).toBe(true);
  const outputKey = `videos/${job.jobId}/video.mp4`;
  await blobs.put(outputKey, new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112]), 'video/mp4');
  const event: FinalizeJobEvent = {
    jobId: job.jobId,
    execution: executionName(job),
    render: { renderId: `render-${job.jobId}`, outputKey, startedAt: now.toISOString(), timeoutSeconds: 900 },
    renderStatus: { done: true, timedOut: false, progress: 1, outputKey },
    timeline: { fps: 30, durationInFrames: 300, crossfadeFrames: 0, scenes: [] },
  };
  return { job, event };
}

/** Step Functions as the sweeper sees it: the execution still runs (Finalize is in flight), and can be stopped. */
const alive: PipelineStarter = {
  start: async () => 'started',
  status: async (): Promise<ExecutionStatus> => 'RUNNING',
  stop: async () => undefined,
};
const queue = { enqueue: async () => undefined };

const sweep = (): Promise<SweepReport> => sweepJobs({ jobs, index: jobs, starter: alive, queue, credits, clock: anHourLater }, SWEEP);
const finalize = (event: FinalizeJobEvent) => finalizeJob(event, { jobs, blobs, clock });

/** The account's balance and its ledger's sum. */
async function books(userId: string): Promise<{ balance: number; sum: number }> {
  const { balance } = await credits.account(userId, 0);
  let sum = 0;
  let cursor: string | undefined;
  do {
    const page = await credits.ledger(userId, { limit: 100, ...(cursor ? { cursor } : {}) });
    sum += page.items.reduce((total, entry) => total + entry.delta, 0);
    cursor = page.nextCursor;
  } while (cursor);
  return { balance, sum };
}

describe('Finalize Job racing the sweeper', () => {
  it('keeps a job failed and refunded when the sweeper won: Finalize returns without marking it (no throw, no retry)', async () => {
    // Prepare
    const userId = `lost-${randomUUID()}`;
    await credits.account(userId, 1);
    const { job, event } = await renderedJob(userId);

    // Act: the sweeper gives up on the job, then Finalize (still in flight) ends
    const report = await sweep();
    const result = await finalize(event);

    // Assess
    expect(report.failed).toContain(job.jobId);
    expect(result).toMatchObject({ finalized: false });
    const after = (await jobs.get(job.jobId))!;
    expect(after).toMatchObject({ status: 'FAILED', refunded: true, error: { name: 'JobStuck' } });
    expect(await books(userId)).toEqual({ balance: 1, sum: 1 });
  });

  it('keeps a job succeeded and unrefunded when Finalize won: the sweeper leaves it as it is', async () => {
    const userId = `won-${randomUUID()}`;
    await credits.account(userId, 1);
    const { job, event } = await renderedJob(userId);

    const result = await finalize(event);
    const report = await sweep();

    expect(result).toMatchObject({ finalized: true, outputKey: event.render.outputKey });
    expect(report.failed).not.toContain(job.jobId);
    const after = (await jobs.get(job.jobId))!;
    expect(after).toMatchObject({ status: 'SUCCEEDED', outputKey: event.render.outputKey, durationMs: 10_000 });
    // The step ended in the same write: no reader sees a done video with Finalize still running.
    expect(after.steps.finalize).toMatchObject({ status: 'succeeded', endedAt: after.finishedAt });
    expect(after.refunded).not.toBe(true);
    expect(await books(userId)).toEqual({ balance: 0, sum: 0 });
  });

  it("refuses the refund in its own transaction when Finalize lands between the refund's read and its write", async () => {
    // Prepare: a credit store whose next transaction waits until Finalize has marked the job succeeded
    const userId = `between-${randomUUID()}`;
    await credits.account(userId, 1);
    const { job, event } = await renderedJob(userId);
    const doc = DynamoDBDocumentClient.from(dynamo);
    const send = doc.send.bind(doc) as (command: unknown) => Promise<unknown>;
    let finalizedFirst: Promise<unknown> | undefined;
    (doc as { send: (command: unknown) => Promise<unknown> }).send = async (command) => {
      if (command instanceof TransactWriteCommand && !finalizedFirst) await (finalizedFirst = finalize(event));
      return send(command);
    };
    const { JobsTable, AccountsTable, LedgerTable, IdempotencyTable } = emulators.tables as Record<string, string>;
    const slowCredits = new DynamoCreditStore({ doc, tables: { jobs: JobsTable!, accounts: AccountsTable!, ledger: LedgerTable!, idempotency: IdempotencyTable! } });

    // Act: the refund read the job RUNNING; Finalize commits; then the refund's transaction runs
    const refunded = await slowCredits.refund(job.jobId, 'Refund: stuck', { error: { name: 'JobStuck', message: 'stuck' } });

    // Assess
    expect(await finalizedFirst).toMatchObject({ finalized: true });
    expect(refunded).toBe(false);
    const after = (await jobs.get(job.jobId))!;
    expect(after.status).toBe('SUCCEEDED');
    expect(after.refunded).not.toBe(true);
    expect(await books(userId)).toEqual({ balance: 0, sum: 0 });
  });

  it('never marks another attempt succeeded: a late Finalize of attempt 0 leaves attempt 1 running', async () => {
    const userId = `late-${randomUUID()}`;
    await credits.account(userId, 1);
    const { job, event } = await renderedJob(userId);
    // The sweeper re-drove it (its execution was lost) and the dispatcher started attempt 1.
    expect(await jobs.transition(job.jobId, { status: 'RUNNING', attempt: 0 }, { set: { status: 'RUNNING' }, increment: { attempt: 1, redrives: 1 } })).toBe(true);

    const result = await finalize(event);

    expect(result).toMatchObject({ finalized: false });
    expect(await jobs.get(job.jobId)).toMatchObject({ status: 'RUNNING', attempt: 1 });
  });

  it('never ends a job both succeeded and refunded, over many rounds in both orders', async () => {
    // Prepare
    const ROUNDS = 24;
    const userId = `racer-${randomUUID()}`;
    await credits.account(userId, ROUNDS);
    const outcomes: string[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      const { job, event } = await renderedJob(userId);
      // Act: one starts first, the other a few milliseconds later (sometimes none): both orders, and overlaps.
      const lag = () => sleep(Math.floor(Math.random() * 12));
      const [finalized] = await Promise.all(
        round % 2 === 0 ? [finalize(event), lag().then(sweep)] : [lag().then(() => finalize(event)), sweep()],
      );

      // Assess, each round
      const after = (await jobs.get(job.jobId))!;
      const refunded = after.refunded === true;
      expect(after.status === 'SUCCEEDED' && refunded, `round ${round}: succeeded and refunded`).toBe(false);
      expect([after.status, refunded], `round ${round}`).toEqual(after.status === 'SUCCEEDED' ? ['SUCCEEDED', false] : ['FAILED', true]);
      expect(finalized.finalized, `round ${round}: Finalize says what happened`).toBe(after.status === 'SUCCEEDED');
      if (after.status === 'SUCCEEDED') expect(after.steps.finalize?.status, `round ${round}: a succeeded job with a failed step`).not.toBe('failed');
      outcomes.push(after.status);
    }

    const succeeded = outcomes.filter((s) => s === 'SUCCEEDED').length;
    expect(await books(userId)).toEqual({ balance: ROUNDS - succeeded, sum: ROUNDS - succeeded });
  });
});
