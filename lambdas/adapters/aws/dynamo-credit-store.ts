import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyKeyReused, InsufficientCredits, JobStateConflict, ProviderUnavailable } from '../../core/errors.js';
import { isUserCausedFailure, ledgerEntryId, notRefundedNotice, USER_CAUSED_REFUNDS_PER_DAY } from '../../core/credits.js';
import { pendingSteps, type Job, type JobPhase, type JobStatus } from '../../core/job.js';
import { notInReview, requeueForRender, requeueForReview } from '../../core/jobs/review.js';
import type { Script } from '../../core/model.js';
import { creditsToTakeBack } from '../../core/billing.js';
import { dayBucket, hourBucket, limitExceeded, type Bucket, type UserLimits } from '../../core/jobs/limits.js';
import type { Account, Clock, CreditStore, JobTransition, LedgerEntry, Page, Payment, Reversal } from '../../core/ports.js';
import {
  decodeCursor,
  encodeCursor,
  expectedCondition,
  isNamed,
  jobItem,
  Placeholders,
  toStoreError,
  transitionUpdate,
} from './dynamo-job-store.js';

export interface CreditTables {
  jobs: string;
  accounts: string;
  ledger: string;
  idempotency: string;
}

/** How long an Idempotency-Key keeps answering with its job; a processed checkout and its payment are kept a year. */
const CHECKOUT_RECORD_SECONDS = 365 * 24 * 3600;

/** Rounds of read-and-put on one payment's record before giving up (each lost round means another event landed). */
const MAX_PAYMENT_ROUNDS = 50;

/**
 * A paid checkout's payment (IdempotencyTable, id `stripe-payment#{payment intent}`): who bought
 * how many credits for how much, and what went back — refunded (Stripe's cumulative
 * `amount_refunded`), disputed (per dispute) — and how many credits were taken back for it. Every
 * change puts it conditionally on `version`, in the transaction that moves the credits, so each
 * refund or dispute is taken back once. A refund or dispute of a payment not credited yet makes a
 * record without `userId`; the purchase then takes it back.
 */
interface PaymentRecord {
  id: string;
  paymentId: string;
  userId?: string;
  credits?: number;
  amountCents?: number;
  currency?: string;
  sessionId?: string;
  refundedCents: number;
  /** Disputed cents by dispute id. */
  disputes: Record<string, number>;
  reversedCredits: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  expiresAt: number;
}

const paymentRecordId = (paymentId: string) => `stripe-payment#${paymentId}`;

/** Cents that went back to the buyer: refunded, plus disputed. */
function returnedCents(refundedCents: number, disputes: Record<string, number>): number {
  return refundedCents + Object.values(disputes).reduce((sum, cents) => sum + cents, 0);
}

/** The ledger entry of credits taken back; its id is unique per step of the payment's total. */
function reversalEntry(userId: string, now: Date, record: PaymentRecord, taken: number): LedgerEntry {
  const why = [record.refundedCents > 0 ? 'refunded' : '', Object.keys(record.disputes).length > 0 ? 'disputed (a chargeback)' : ''].filter(Boolean).join(' and ');
  return {
    userId,
    entryId: ledgerEntryId(now, 'reversal', `${record.paymentId}#${record.reversedCredits}`),
    at: now.toISOString(),
    delta: -taken,
    kind: 'reversal',
    reference: record.paymentId,
    note: `Payment ${why}: ${taken} credit${taken === 1 ? '' : 's'} taken back`,
  };
}

/** Jobs in these statuses hold no place among their user's videos in progress (freed lazily, at the limit). */
const PLACE_FREE_STATUSES: readonly JobStatus[] = ['SUCCEEDED', 'FAILED', 'REVIEW', 'EXPIRED'];

/** Fields a job drops when it runs again: they described the attempt that failed. */
const ATTEMPT_FIELDS = ['error', 'finishedAt', 'currentStep', 'startedAt', 'outputKey', 'durationMs', 'renderFps', 'forfeited'] as const;

/**
 * The per-user counters live in the idempotency table (key `id`, TTL `expiresAt`), beside the
 * once-only records: `limits#active#{user}` holds the ids of the user's videos in progress (a
 * string set: adding or removing an id twice is harmless), `limits#hour#{user}#{hour}`,
 * `limits#day#{user}#{day}` and `refunds#day#{user}#{day}` count, and expire after their window.
 */
export function activePlacesId(userId: string): string {
  return `limits#active#${userId}`;
}
export function ordersCounterId(userId: string, window: 'hour' | 'day', bucket: Bucket): string {
  return `limits#${window}#${userId}#${bucket.key}`;
}
export function refundsCounterId(userId: string, bucket: Bucket): string {
  return `refunds#day#${userId}#${bucket.key}`;
}

/** The places item outlives its last change by a week: every video in progress ends long before. */
const PLACES_TTL_SECONDS = 7 * 24 * 3600;
/** A counter is kept a day past its window (DynamoDB's TTL deletes lazily; a new window is a new item anyway). */
const COUNTER_GRACE_SECONDS = 24 * 3600;

/** A transaction item with what it stands for, to read its cancellation reason by. */
interface Labeled {
  label: 'account' | 'job' | 'ledger' | 'idempotency' | 'active' | 'hour' | 'day' | 'refunds' | 'places';
  item: TransactItem;
}

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

interface CancellationReason {
  Code?: string;
  Item?: Record<string, unknown>;
}

type Outcome = { ok: true } | { ok: false; reasons: CancellationReason[] };

/** A number attribute, whether the SDK handed the item back marshalled (`{N: "3"}`) or not. */
function numberOf(item: Record<string, unknown> | undefined, name: string): number | undefined {
  const value = item?.[name];
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && 'N' in value) return Number((value as { N: string }).N);
  return undefined;
}

function short(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The items of a cancelled transaction whose condition failed, by label, with their reasons. */
function failures(items: Labeled[], reasons: CancellationReason[]): Map<Labeled['label'], CancellationReason> {
  const failed = new Map<Labeled['label'], CancellationReason>();
  items.forEach((entry, index) => {
    const reason = reasons[index];
    if (reason?.Code === 'ConditionalCheckFailed') failed.set(entry.label, reason);
  });
  return failed;
}

/** A job attempt that has not been settled yet: still this attempt, neither refunded nor forfeited. */
function unsettledCondition(p: Placeholders, attempt: number): string {
  return [
    expectedCondition(p, { status: ['QUEUED', 'RUNNING', 'FAILED'], attempt }),
    `(attribute_not_exists(${p.path('refunded')}) OR ${p.path('refunded')} = ${p.value(false)})`,
    `(attribute_not_exists(${p.path('forfeited')}) OR ${p.path('forfeited')} = ${p.value(false)})`,
  ].join(' AND ');
}

/**
 * {@link CreditStore} over DynamoDB. Each balance change is one TransactWriteItems with its
 * ledger entry, guarded by conditions (enough balance, job state, a once-only record), so the
 * ledger always sums to the balance and no change happens twice. Transactions that collide
 * with another on the same items (TransactionConflict) are tried again with jittered backoff.
 */
export class DynamoCreditStore implements CreditStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tables: CreditTables;
  private readonly clock: Clock;
  private readonly maxConflictRetries: number;
  private readonly userCausedRefundsPerDay: number;

  constructor(options: {
    doc: DynamoDBDocumentClient;
    tables: CreditTables;
    clock?: Clock;
    maxConflictRetries?: number;
    /** Refunds of user-caused failures per user and UTC day (default {@link USER_CAUSED_REFUNDS_PER_DAY}). */
    userCausedRefundsPerDay?: number;
  }) {
    this.doc = options.doc;
    this.tables = options.tables;
    this.clock = options.clock ?? { now: () => new Date() };
    this.maxConflictRetries = options.maxConflictRetries ?? 40;
    this.userCausedRefundsPerDay = options.userCausedRefundsPerDay ?? USER_CAUSED_REFUNDS_PER_DAY;
  }

  async account(userId: string, startingCredits: number): Promise<Account> {
    const existing = await this.getAccount(userId);
    if (existing) return existing;
    await this.grant(userId, startingCredits);
    const created = await this.getAccount(userId);
    if (!created) throw new ProviderUnavailable(`The account of ${userId} could not be read back after it was created.`);
    return created;
  }

  async ledger(userId: string, options: { limit: number; cursor?: string }): Promise<Page<LedgerEntry>> {
    const startKey = decodeCursor(options.cursor, { name: 'userId', value: userId }, ['entryId']);
    try {
      const answer = await this.doc.send(
        new QueryCommand({
          TableName: this.tables.ledger,
          KeyConditionExpression: 'userId = :u',
          ExpressionAttributeValues: { ':u': userId },
          ScanIndexForward: false,
          Limit: options.limit,
          ExclusiveStartKey: startKey,
        }),
      );
      const nextCursor = encodeCursor(answer.LastEvaluatedKey);
      return { items: (answer.Items ?? []) as LedgerEntry[], ...(nextCursor ? { nextCursor } : {}) };
    } catch (error) {
      throw toStoreError(error, `read the ledger of ${userId}`);
    }
  }

  async createJob(input: {
    job: Job;
    startingCredits: number;
    idempotency?: { key: string; requestHash: string; ttlSeconds: number };
    limits?: UserLimits;
  }): Promise<{ job: Job; replayed: boolean }> {
    const { job, idempotency, limits } = input;
    const credits = job.credits ?? 0;
    const idempotencyId = idempotency ? `${job.userId}#${idempotency.key}` : undefined;
    // Built per round: after a first-contact grant, the debit's ledger entry must sort after it.
    const transaction = (now: Date): Labeled[] => {
      const at = now.toISOString();
      const items: Labeled[] = [
        { label: 'account', item: this.debit(job.userId, credits, at) },
        { label: 'job', item: { Put: { TableName: this.tables.jobs, Item: jobItem(job), ConditionExpression: 'attribute_not_exists(jobId)' } } },
        {
          label: 'ledger',
          item: this.ledgerPut({
            userId: job.userId,
            entryId: ledgerEntryId(now, 'debit', `${job.jobId}#0`),
            at,
            delta: -credits,
            kind: 'debit',
            jobId: job.jobId,
            attempt: 0,
            note: `Video "${short(job.request.prompt)}"`,
          }),
        },
      ];
      if (idempotency && idempotencyId) {
        items.push({
          label: 'idempotency',
          item: {
            Put: {
              TableName: this.tables.idempotency,
              Item: {
                id: idempotencyId,
                jobId: job.jobId,
                requestHash: idempotency.requestHash,
                createdAt: at,
                expiresAt: Math.floor(now.getTime() / 1000) + idempotency.ttlSeconds,
              },
              ConditionExpression: 'attribute_not_exists(id)',
            },
          },
        });
      }
      if (limits) items.push(...this.takePlace(job.userId, job.jobId, limits, now));
      return items;
    };

    for (let round = 0; round < 5; round++) {
      const now = this.clock.now();
      const items = transaction(now);
      const outcome = await this.transact(
        items.map((i) => i.item),
        `create job ${job.jobId}`,
      );
      if (outcome.ok) return { job, replayed: false };
      // A key seen before wins over everything else: the request was made already (and is not refused by a limit).
      if (idempotency && idempotencyId) {
        const replay = await this.replay(idempotencyId, idempotency);
        if (replay) return { job: replay, replayed: true };
      }
      const failed = failures(items, outcome.reasons);
      const account = failed.get('account');
      if (account) {
        const balance = numberOf(account.Item, 'balance');
        if (balance === undefined) {
          // No account yet: a new user. Grant the starting credits (once) and try again.
          await this.grant(job.userId, input.startingCredits);
          continue;
        }
        throw new InsufficientCredits(balance, credits);
      }
      if (limits && (await this.overLimit(job.userId, failed, limits, now))) continue;
      throw new Error(`Creating job ${job.jobId} was cancelled: ${outcome.reasons.map((r) => r.Code ?? 'None').join(', ')}`);
    }
    throw new ProviderUnavailable(`Creating job ${job.jobId} kept failing; try again.`);
  }

  async refund(jobId: string, note: string, failure?: { error: NonNullable<Job['error']> }): Promise<boolean> {
    const job = await this.getJob(jobId);
    if (!job || !((job.credits ?? 0) > 0) || job.refunded || job.forfeited || job.status === 'SUCCEEDED') return false;
    const credits = job.credits!;
    const attempt = job.attempt ?? 0;
    const now = this.clock.now();
    const at = now.toISOString();
    const error = failure?.error ?? job.error;
    const p = new Placeholders();
    const update =
      `SET ${p.path('status')} = ${p.value('FAILED')}, ${p.path('refunded')} = ${p.value(true)}, ` +
      `${p.path('updatedAt')} = ${p.value(at)}, ${p.path('finishedAt')} = if_not_exists(${p.path('finishedAt')}, ${p.value(at)})` +
      (failure ? `, ${p.path('error')} = ${p.value(failure.error)}` : '');
    const items: Labeled[] = [
      {
        label: 'job',
        item: {
          Update: {
            TableName: this.tables.jobs,
            Key: { jobId },
            UpdateExpression: update,
            ConditionExpression: unsettledCondition(p, attempt),
            ExpressionAttributeNames: p.names,
            ExpressionAttributeValues: p.values,
          },
        },
      },
      { label: 'account', item: this.credit(job.userId, credits, at) },
      {
        label: 'ledger',
        item: this.ledgerPut({
          userId: job.userId,
          entryId: ledgerEntryId(now, 'refund', `${jobId}#${attempt}`),
          at,
          delta: credits,
          kind: 'refund',
          jobId,
          attempt,
          note,
        }),
      },
      { label: 'places', item: this.freePlaces(job.userId, [jobId], now) },
    ];
    // A failure the request caused is refunded only while today's count of such refunds is under the cap.
    const capped = isUserCausedFailure(error?.name);
    if (capped) {
      const day = dayBucket(now);
      items.push({ label: 'refunds', item: this.count(refundsCounterId(job.userId, day), this.userCausedRefundsPerDay, day) });
    }
    const outcome = await this.transact(
      items.map((i) => i.item),
      `refund job ${jobId}`,
    );
    if (outcome.ok) return true;
    const failed = failures(items, outcome.reasons);
    if (capped && error && failed.has('refunds') && !failed.has('job')) await this.forfeit(job, error, now);
    return false;
  }

  /**
   * Fails the job's attempt keeping its credits (past the cap of refunds of user-caused failures),
   * its error saying so, and frees its place: one transaction, under the same conditions as a refund.
   */
  private async forfeit(job: Job, error: NonNullable<Job['error']>, now: Date): Promise<void> {
    const at = now.toISOString();
    const p = new Placeholders();
    const notice = notRefundedNotice(this.userCausedRefundsPerDay);
    const update =
      `SET ${p.path('status')} = ${p.value('FAILED')}, ${p.path('forfeited')} = ${p.value(true)}, ` +
      `${p.path('updatedAt')} = ${p.value(at)}, ${p.path('finishedAt')} = if_not_exists(${p.path('finishedAt')}, ${p.value(at)}), ` +
      `${p.path('error')} = ${p.value({ ...error, message: error.message.includes(notice) ? error.message : `${error.message} ${notice}` })}`;
    await this.transact(
      [
        {
          Update: {
            TableName: this.tables.jobs,
            Key: { jobId: job.jobId },
            UpdateExpression: update,
            ConditionExpression: unsettledCondition(p, job.attempt ?? 0),
            ExpressionAttributeNames: p.names,
            ExpressionAttributeValues: p.values,
          },
        },
        this.freePlaces(job.userId, [job.jobId], now),
      ],
      `fail job ${job.jobId} without a refund`,
    ); // cancelled = the job moved on meanwhile (refunded, retried, deleted): nothing to keep
  }

  async requeueFailed(job: Job, change: { credits: number; now: Date; limits?: UserLimits }): Promise<Job> {
    let current = job;
    for (let round = 0; round < 5; round++) {
      if (current.status !== 'FAILED') {
        throw new JobStateConflict(`Only a failed video can be retried; this one is ${current.status.toLowerCase()}.`);
      }
      const attempt = current.attempt ?? 0;
      const held = (current.credits ?? 0) > 0 && !current.refunded && !current.forfeited;
      const credits = held ? current.credits! : change.credits;
      const at = change.now.toISOString();
      const p = new Placeholders();
      const update = transitionUpdate(
        p,
        {
          set: { status: 'QUEUED', steps: pendingSteps(), queuedAt: at, refunded: false, credits },
          remove: [...ATTEMPT_FIELDS],
          increment: { attempt: 1 },
        },
        change.now,
      );
      const refunded = p.path('refunded');
      const forfeited = p.path('forfeited');
      // The credits' state we decided on must still hold, or a refund slipped in between.
      const creditState = held
        ? `(attribute_not_exists(${refunded}) OR ${refunded} = ${p.value(false)}) AND (attribute_not_exists(${forfeited}) OR ${forfeited} = ${p.value(false)})`
        : current.refunded
          ? `${refunded} = ${p.value(true)}`
          : current.forfeited
            ? `${forfeited} = ${p.value(true)}`
            : `(attribute_not_exists(${p.path('credits')}) OR ${p.path('credits')} = ${p.value(0)})`;
      const items: Labeled[] = [
        {
          label: 'job',
          item: {
            Update: {
              TableName: this.tables.jobs,
              Key: { jobId: current.jobId },
              UpdateExpression: update,
              ConditionExpression: `${expectedCondition(p, { status: 'FAILED', attempt })} AND ${creditState}`,
              ExpressionAttributeNames: p.names,
              ExpressionAttributeValues: p.values,
            },
          },
        },
      ];
      if (!held) {
        items.push(
          { label: 'account', item: this.debit(current.userId, credits, at) },
          {
            label: 'ledger',
            item: this.ledgerPut({
              userId: current.userId,
              entryId: ledgerEntryId(change.now, 'debit', `${current.jobId}#${attempt + 1}`),
              at,
              delta: -credits,
              kind: 'debit',
              jobId: current.jobId,
              attempt: attempt + 1,
              note: `Retry of "${short(current.request.prompt)}"`,
            }),
          },
        );
      }
      if (change.limits) items.push(...this.takePlace(current.userId, current.jobId, change.limits, change.now));
      const outcome = await this.transact(
        items.map((i) => i.item),
        `retry job ${current.jobId}`,
      );
      if (outcome.ok) {
        const after = await this.getJob(current.jobId);
        if (!after) throw new JobStateConflict('The video was deleted.');
        return after;
      }
      const failed = failures(items, outcome.reasons);
      if (failed.has('job')) {
        const reread = await this.getJob(current.jobId);
        if (!reread) throw new JobStateConflict('The video was deleted.');
        current = reread; // moved on, or was refunded meanwhile: decide again
        continue;
      }
      const account = failed.get('account');
      if (account) {
        const balance = numberOf(account.Item, 'balance');
        throw new InsufficientCredits(balance ?? 0, credits);
      }
      if (change.limits && (await this.overLimit(current.userId, failed, change.limits, change.now))) continue;
      throw new Error(`Retrying job ${current.jobId} was cancelled: ${outcome.reasons.map((r) => r.Code ?? 'None').join(', ')}`);
    }
    throw new JobStateConflict('The video changed while it was being retried; try again.');
  }

  async applyReviewChange(input: {
    job: Job;
    script?: Script;
    regenerations: number;
    phase: JobPhase;
    charge: number;
    now: Date;
    idempotency?: { key: string; requestHash: string; ttlSeconds: number };
  }): Promise<{ job: Job; replayed: boolean }> {
    const { job, idempotency, now, charge } = input;
    const at = now.toISOString();
    const revision = job.revision ?? 0;
    const idempotencyId = idempotency ? `${job.userId}#${idempotency.key}` : undefined;
    const p = new Placeholders();
    const requeue = input.script ? requeueForReview(job, input.script, now) : requeueForRender(job, now);
    const change: JobTransition = {
      ...requeue.change,
      set: { ...requeue.change.set, phase: input.phase, regenerations: (job.regenerations ?? 0) + input.regenerations },
    };
    const update = transitionUpdate(p, change, now);
    const revisionPath = p.path('revision');
    // Exactly one of concurrent changes wins: each read the same REVIEW revision, the first to commit moves it on.
    const condition = `${expectedCondition(p, { status: 'REVIEW', attempt: job.attempt ?? 0 })} AND ${
      revision === 0 ? `(attribute_not_exists(${revisionPath}) OR ${revisionPath} = ${p.value(0)})` : `${revisionPath} = ${p.value(revision)}`
    }`;
    const items: Labeled[] = [
      {
        label: 'job',
        item: {
          Update: {
            TableName: this.tables.jobs,
            Key: { jobId: job.jobId },
            UpdateExpression: update,
            ConditionExpression: condition,
            ExpressionAttributeNames: p.names,
            ExpressionAttributeValues: p.values,
          },
        },
      },
    ];
    if (charge > 0) {
      items.push(
        { label: 'account', item: this.debit(job.userId, charge, at) },
        {
          label: 'ledger',
          item: this.ledgerPut({
            userId: job.userId,
            entryId: ledgerEntryId(now, 'regeneration', `${job.jobId}#${revision + 1}`),
            at,
            delta: -charge,
            kind: 'regeneration',
            jobId: job.jobId,
            attempt: (job.attempt ?? 0) + 1,
            note: `Changes to "${short(job.title ?? job.request.prompt)}" past the included ones`,
          }),
        },
      );
    }
    if (idempotency && idempotencyId) {
      items.push({
        label: 'idempotency',
        item: {
          Put: {
            TableName: this.tables.idempotency,
            Item: { id: idempotencyId, jobId: job.jobId, requestHash: idempotency.requestHash, createdAt: at, expiresAt: Math.floor(now.getTime() / 1000) + idempotency.ttlSeconds },
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
      });
    }
    const outcome = await this.transact(
      items.map((i) => i.item),
      `change job ${job.jobId} in review`,
    );
    const after = async () => {
      const current = await this.getJob(job.jobId);
      if (!current) throw new JobStateConflict('The video was deleted.');
      return current;
    };
    if (outcome.ok) return { job: await after(), replayed: false };
    // A key seen before wins over everything else: the change was made already.
    if (idempotency && idempotencyId) {
      const replay = await this.replay(idempotencyId, idempotency);
      if (replay) return { job: replay, replayed: true };
    }
    const failed = failures(items, outcome.reasons);
    if (failed.has('job')) throw notInReview(await after());
    const account = failed.get('account');
    if (account) throw new InsufficientCredits(numberOf(account.Item, 'balance') ?? 0, charge);
    throw new Error(`Changing job ${job.jobId} in review was cancelled: ${outcome.reasons.map((r) => r.Code ?? 'None').join(', ')}`);
  }

  async cancelQueued(job: Job, now: Date): Promise<boolean> {
    const at = now.toISOString();
    const attempt = job.attempt ?? 0;
    const p = new Placeholders();
    const items: TransactItem[] = [
      {
        Delete: {
          TableName: this.tables.jobs,
          Key: { jobId: job.jobId },
          ConditionExpression: expectedCondition(p, { status: 'QUEUED', attempt }),
          ExpressionAttributeNames: p.names,
          ExpressionAttributeValues: p.values,
        },
      },
    ];
    // Its place among the user's videos in progress frees with it (a no-op for a job that took none).
    items.push(this.freePlaces(job.userId, [job.jobId], now));
    const credits = job.credits ?? 0;
    if (credits > 0 && !job.refunded) {
      items.push(
        this.credit(job.userId, credits, at),
        this.ledgerPut({
          userId: job.userId,
          entryId: ledgerEntryId(now, 'refund', `${job.jobId}#${attempt}`),
          at,
          delta: credits,
          kind: 'refund',
          jobId: job.jobId,
          attempt,
          note: `Deleted before it started: "${short(job.request.prompt)}"`,
        }),
      );
    }
    return (await this.transact(items, `cancel job ${job.jobId}`)).ok;
  }

  async purchase(input: { userId: string; credits: number; reference: string; note: string; startingCredits: number; payment: Payment }): Promise<boolean> {
    // The starting grant comes first (once), so a buyer's first contact still gets it.
    await this.account(input.userId, input.startingCredits);
    const recordId = paymentRecordId(input.payment.id);
    for (let round = 0; round < MAX_PAYMENT_ROUNDS; round++) {
      // A refund or dispute may have arrived first (Stripe does not promise an order): it is taken back here.
      const earlier = (await this.get(this.tables.idempotency, { id: recordId })) as PaymentRecord | undefined;
      if (earlier?.userId) return false; // this payment was credited already
      const now = this.clock.now();
      const at = now.toISOString();
      const refundedCents = earlier?.refundedCents ?? 0;
      const disputes = earlier?.disputes ?? {};
      const taken = creditsToTakeBack({ credits: input.credits, amountCents: input.payment.amountCents }, returnedCents(refundedCents, disputes));
      const record: PaymentRecord = {
        id: recordId,
        paymentId: input.payment.id,
        userId: input.userId,
        credits: input.credits,
        amountCents: input.payment.amountCents,
        currency: input.payment.currency,
        sessionId: input.reference,
        refundedCents,
        disputes,
        reversedCredits: taken,
        version: (earlier?.version ?? 0) + 1,
        createdAt: earlier?.createdAt ?? at,
        updatedAt: at,
        expiresAt: earlier?.expiresAt ?? Math.floor(now.getTime() / 1000) + CHECKOUT_RECORD_SECONDS,
      };
      const items: TransactItem[] = [
        {
          Put: {
            TableName: this.tables.idempotency,
            Item: {
              id: `stripe-checkout#${input.reference}`,
              userId: input.userId,
              credits: input.credits,
              paymentId: input.payment.id,
              createdAt: at,
              expiresAt: Math.floor(now.getTime() / 1000) + CHECKOUT_RECORD_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
        this.credit(input.userId, input.credits - taken, at),
        this.ledgerPut({
          userId: input.userId,
          entryId: ledgerEntryId(now, 'purchase', input.reference),
          at,
          delta: input.credits,
          kind: 'purchase',
          reference: input.reference,
          note: input.note,
        }),
        this.paymentPut(record, earlier),
      ];
      if (taken > 0) items.push(this.ledgerPut(reversalEntry(input.userId, now, record, taken)));
      const outcome = await this.transact(items, `credit purchase ${input.reference}`);
      if (outcome.ok) return true;
      if (outcome.reasons[0]?.Code === 'ConditionalCheckFailed') return false; // this checkout was credited already
      if (outcome.reasons[3]?.Code !== 'ConditionalCheckFailed') {
        throw new Error(`Crediting purchase ${input.reference} was cancelled: ${outcome.reasons.map((r) => r.Code ?? 'None').join(', ')}`);
      }
      // A refund or dispute changed the payment's record meanwhile: read it again.
    }
    throw new ProviderUnavailable(`Crediting purchase ${input.reference}: its payment kept changing; try again.`);
  }

  async reverse(input: { paymentId: string; refundedCents?: number; dispute?: { id: string; amountCents: number } }): Promise<Reversal> {
    const recordId = paymentRecordId(input.paymentId);
    for (let round = 0; round < MAX_PAYMENT_ROUNDS; round++) {
      const earlier = (await this.get(this.tables.idempotency, { id: recordId })) as PaymentRecord | undefined;
      const refundedCents = Math.max(earlier?.refundedCents ?? 0, input.refundedCents ?? 0);
      const disputes = { ...(earlier?.disputes ?? {}) };
      if (input.dispute && !(input.dispute.id in disputes)) disputes[input.dispute.id] = input.dispute.amountCents;
      const changed = refundedCents !== (earlier?.refundedCents ?? 0) || Object.keys(disputes).length !== Object.keys(earlier?.disputes ?? {}).length;
      // A repeated, late or out-of-order event: everything it says is known already.
      if (!changed) return { taken: 0, ...(earlier?.userId ? { userId: earlier.userId } : {}) };
      const now = this.clock.now();
      const at = now.toISOString();
      const credited = earlier?.userId !== undefined && earlier.credits !== undefined && earlier.amountCents !== undefined;
      const target = credited ? creditsToTakeBack({ credits: earlier.credits!, amountCents: earlier.amountCents! }, returnedCents(refundedCents, disputes)) : 0;
      const taken = Math.max(0, target - (earlier?.reversedCredits ?? 0));
      const record: PaymentRecord = {
        ...(earlier ?? { id: recordId, paymentId: input.paymentId, createdAt: at, expiresAt: Math.floor(now.getTime() / 1000) + CHECKOUT_RECORD_SECONDS }),
        refundedCents,
        disputes,
        reversedCredits: (earlier?.reversedCredits ?? 0) + taken,
        version: (earlier?.version ?? 0) + 1,
        updatedAt: at,
      };
      const items: TransactItem[] = [this.paymentPut(record, earlier)];
      if (taken > 0) {
        items.push(
          {
            // No balance condition: the credits may have been spent; the balance goes below zero.
            Update: {
              TableName: this.tables.accounts,
              Key: { userId: record.userId },
              UpdateExpression: 'SET balance = balance - :c, updatedAt = :at',
              ConditionExpression: 'attribute_exists(userId)',
              ExpressionAttributeValues: { ':c': taken, ':at': at },
            },
          },
          this.ledgerPut(reversalEntry(record.userId!, now, record, taken)),
        );
      }
      const outcome = await this.transact(items, `take back payment ${input.paymentId}`);
      if (outcome.ok) return { taken, ...(record.userId ? { userId: record.userId } : {}) };
      if (outcome.reasons[0]?.Code !== 'ConditionalCheckFailed') {
        throw new Error(`Taking back payment ${input.paymentId} was cancelled: ${outcome.reasons.map((r) => r.Code ?? 'None').join(', ')}`);
      }
      // Another event (or its checkout) changed the payment's record meanwhile: read it again.
    }
    throw new ProviderUnavailable(`Taking back payment ${input.paymentId}: its record kept changing; try again.`);
  }

  /** The payment's record, put only if it is still the version read (or, new, still absent). */
  private paymentPut(record: PaymentRecord, earlier: PaymentRecord | undefined): TransactItem {
    return {
      Put: {
        TableName: this.tables.idempotency,
        Item: record as unknown as Record<string, unknown>,
        ...(earlier
          ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': earlier.version } }
          : { ConditionExpression: 'attribute_not_exists(id)' }),
      },
    };
  }

  /** Creates the account with the starting credits and its ledger entry; a no-op if it exists. */
  private async grant(userId: string, credits: number): Promise<void> {
    const now = this.clock.now();
    const at = now.toISOString();
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tables.accounts,
          Item: { userId, balance: credits, createdAt: at, updatedAt: at },
          ConditionExpression: 'attribute_not_exists(userId)',
        },
      },
    ];
    if (credits > 0) {
      items.push(
        this.ledgerPut({ userId, entryId: ledgerEntryId(now, 'grant', 'starting'), at, delta: credits, kind: 'grant', note: 'Welcome credits' }),
      );
    }
    await this.transact(items, `open the account of ${userId}`); // cancelled = someone opened it first
  }

  /**
   * The order's share of the user's limits, for its transaction: its id added to the places of
   * videos in progress while fewer than `activeJobs` are held, and one more order in this hour
   * and this day while under their limits.
   */
  private takePlace(userId: string, jobId: string, limits: UserLimits, now: Date): Labeled[] {
    const expires = Math.floor(now.getTime() / 1000) + PLACES_TTL_SECONDS;
    const hour = hourBucket(now);
    const day = dayBucket(now);
    return [
      {
        label: 'active',
        item: {
          Update: {
            TableName: this.tables.idempotency,
            Key: { id: activePlacesId(userId) },
            UpdateExpression: 'ADD #jobs :job SET #expires = :expires',
            ConditionExpression: 'attribute_not_exists(#jobs) OR size(#jobs) < :max',
            ExpressionAttributeNames: { '#jobs': 'jobs', '#expires': 'expiresAt' },
            ExpressionAttributeValues: { ':job': new Set([jobId]), ':max': limits.activeJobs, ':expires': expires },
          },
        },
      },
      { label: 'hour', item: this.count(ordersCounterId(userId, 'hour', hour), limits.jobsPerHour, hour) },
      { label: 'day', item: this.count(ordersCounterId(userId, 'day', day), limits.jobsPerDay, day) },
    ];
  }

  /** One more in a window's counter, only while it is under `max`; it expires after its window. */
  private count(id: string, max: number, bucket: Bucket): TransactItem {
    return {
      Update: {
        TableName: this.tables.idempotency,
        Key: { id },
        UpdateExpression: 'ADD #count :one SET #expires = :expires',
        // `:one <= :max`: a limit of 0 refuses the first too.
        ConditionExpression: '(attribute_not_exists(#count) AND :one <= :max) OR #count < :max',
        ExpressionAttributeNames: { '#count': 'count', '#expires': 'expiresAt' },
        ExpressionAttributeValues: { ':one': 1, ':max': max, ':expires': Math.floor(bucket.endsAt.getTime() / 1000) + COUNTER_GRACE_SECONDS },
      },
    };
  }

  /** Removes jobs from the user's places of videos in progress: a set, so removing one twice (or one never added) is harmless. */
  private freePlaces(userId: string, jobIds: string[], now: Date): TransactItem {
    return {
      Update: {
        TableName: this.tables.idempotency,
        Key: { id: activePlacesId(userId) },
        UpdateExpression: 'DELETE #jobs :jobs SET #expires = if_not_exists(#expires, :expires)',
        ExpressionAttributeNames: { '#jobs': 'jobs', '#expires': 'expiresAt' },
        ExpressionAttributeValues: { ':jobs': new Set(jobIds), ':expires': Math.floor(now.getTime() / 1000) + PLACES_TTL_SECONDS },
      },
    };
  }

  /**
   * After a transaction that took a place was cancelled: throws LimitExceeded for the day or the
   * hour (the longer wait first); for the places of videos in progress, first frees those held by
   * videos that ended without freeing theirs (a finished one: Finalize Job does not touch the
   * credit tables) and answers true to try again, else throws. False when no limit was the cause.
   */
  private async overLimit(userId: string, failed: Map<Labeled['label'], CancellationReason>, limits: UserLimits, now: Date): Promise<boolean> {
    if (failed.has('day')) throw limitExceeded('day', limits.jobsPerDay, now);
    if (failed.has('hour')) throw limitExceeded('hour', limits.jobsPerHour, now);
    if (!failed.has('active')) return false;
    if (await this.freeEndedPlaces(userId)) return true;
    throw limitExceeded('active', limits.activeJobs, now);
  }

  /**
   * Frees the places held by jobs that have ended (SUCCEEDED, FAILED), wait for their user
   * (REVIEW, EXPIRED: never "in progress") or are gone, in one
   * transaction that checks each is still so — a retry queuing one again meanwhile cancels it.
   * True when there was something to free (the caller tries its order again).
   */
  private async freeEndedPlaces(userId: string): Promise<boolean> {
    const places = await this.get(this.tables.idempotency, { id: activePlacesId(userId) });
    const held = [...((places?.jobs as Set<string> | undefined) ?? [])];
    const ended: string[] = [];
    for (const jobId of held) {
      const job = await this.getJob(jobId);
      if (!job || PLACE_FREE_STATUSES.includes(job.status)) ended.push(jobId);
    }
    if (ended.length === 0) return false;
    const checks: TransactItem[] = ended.map((jobId) => ({
      ConditionCheck: {
        TableName: this.tables.jobs,
        Key: { jobId },
        ConditionExpression: 'attribute_not_exists(jobId) OR #status IN (:succeeded, :failed, :review, :expired)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':succeeded': 'SUCCEEDED', ':failed': 'FAILED', ':review': 'REVIEW', ':expired': 'EXPIRED' },
      },
    }));
    await this.transact([...checks, this.freePlaces(userId, ended, this.clock.now())], `free the ended places of ${userId}`);
    return true;
  }

  private debit(userId: string, credits: number, at: string): TransactItem {
    return {
      Update: {
        TableName: this.tables.accounts,
        Key: { userId },
        UpdateExpression: 'SET balance = balance - :c, updatedAt = :at',
        ConditionExpression: 'balance >= :c',
        ExpressionAttributeValues: { ':c': credits, ':at': at },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  private credit(userId: string, credits: number, at: string): TransactItem {
    return {
      Update: {
        TableName: this.tables.accounts,
        Key: { userId },
        UpdateExpression: 'SET balance = balance + :c, updatedAt = :at',
        ConditionExpression: 'attribute_exists(userId)',
        ExpressionAttributeValues: { ':c': credits, ':at': at },
      },
    };
  }

  private ledgerPut(entry: LedgerEntry): TransactItem {
    return { Put: { TableName: this.tables.ledger, Item: entry as unknown as Record<string, unknown>, ConditionExpression: 'attribute_not_exists(entryId)' } };
  }

  private async replay(id: string, idempotency: { key: string; requestHash: string }): Promise<Job | undefined> {
    const record = await this.get(this.tables.idempotency, { id });
    if (!record) return undefined;
    if (record.requestHash !== idempotency.requestHash) throw new IdempotencyKeyReused(idempotency.key);
    const job = await this.getJob(record.jobId as string);
    if (!job) throw new JobStateConflict(`The video made with Idempotency-Key "${idempotency.key}" was deleted.`);
    return job;
  }

  private async getAccount(userId: string): Promise<Account | undefined> {
    return (await this.get(this.tables.accounts, { userId })) as Account | undefined;
  }

  private async getJob(jobId: string): Promise<Job | undefined> {
    return (await this.get(this.tables.jobs, { jobId })) as Job | undefined;
  }

  private async get(tableName: string, key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    try {
      return (await this.doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
    } catch (error) {
      throw toStoreError(error, `read ${tableName}`);
    }
  }

  /**
   * Runs one transaction. Condition failures come back as reasons (one per item, in order);
   * collisions with other transactions on the same items are tried again after a jittered pause.
   */
  private async transact(items: TransactItem[], action: string): Promise<Outcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
        return { ok: true };
      } catch (error) {
        let conflict = isNamed(error, 'TransactionConflictException') || isNamed(error, 'TransactionInProgressException');
        if (isNamed(error, 'TransactionCanceledException')) {
          const reasons = ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? []).map((r) => r ?? {});
          const codes = reasons.map((r) => r.Code ?? 'None');
          if (codes.includes('ConditionalCheckFailed')) return { ok: false, reasons };
          conflict = codes.some((c) => c === 'TransactionConflict' || c === 'ThrottlingError' || c === 'ProvisionedThroughputExceeded');
          if (!conflict) throw new Error(`${action}: the transaction was cancelled (${codes.join(', ')})`, { cause: error });
        }
        if (!conflict) throw toStoreError(error, action);
        if (attempt >= this.maxConflictRetries) {
          throw new ProviderUnavailable(`${action}: too many concurrent changes to the same account; try again.`, { cause: error });
        }
        // Full jitter, capped: contenders spread out instead of colliding again in step.
        await sleep(Math.random() * Math.min(500, 10 * 2 ** Math.min(attempt, 6)));
      }
    }
  }
}
