import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyKeyReused, InsufficientCredits, JobStateConflict, ProviderUnavailable } from '../../core/errors.js';
import { ledgerEntryId } from '../../core/credits.js';
import { pendingSteps, type Job } from '../../core/job.js';
import type { Account, Clock, CreditStore, LedgerEntry, Page } from '../../core/ports.js';
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

/** How long an Idempotency-Key keeps answering with its job; a processed checkout is kept a year. */
const CHECKOUT_RECORD_SECONDS = 365 * 24 * 3600;

/** Fields a job drops when it runs again: they described the attempt that failed. */
const ATTEMPT_FIELDS = ['error', 'finishedAt', 'currentStep', 'startedAt', 'outputKey', 'durationMs', 'renderFps'] as const;

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

  constructor(options: { doc: DynamoDBDocumentClient; tables: CreditTables; clock?: Clock; maxConflictRetries?: number }) {
    this.doc = options.doc;
    this.tables = options.tables;
    this.clock = options.clock ?? { now: () => new Date() };
    this.maxConflictRetries = options.maxConflictRetries ?? 40;
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
  }): Promise<{ job: Job; replayed: boolean }> {
    const { job, idempotency } = input;
    const credits = job.credits ?? 0;
    const idempotencyId = idempotency ? `${job.userId}#${idempotency.key}` : undefined;
    // Built per round: after a first-contact grant, the debit's ledger entry must sort after it.
    const transaction = (): TransactItem[] => {
      const now = this.clock.now();
      const at = now.toISOString();
      const items: TransactItem[] = [
        this.debit(job.userId, credits, at),
        { Put: { TableName: this.tables.jobs, Item: jobItem(job), ConditionExpression: 'attribute_not_exists(jobId)' } },
        this.ledgerPut({
          userId: job.userId,
          entryId: ledgerEntryId(now, 'debit', `${job.jobId}#0`),
          at,
          delta: -credits,
          kind: 'debit',
          jobId: job.jobId,
          attempt: 0,
          note: `Video "${short(job.request.prompt)}"`,
        }),
      ];
      if (idempotency && idempotencyId) {
        items.push({
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
        });
      }
      return items;
    };

    for (let round = 0; round < 3; round++) {
      const outcome = await this.transact(transaction(), `create job ${job.jobId}`);
      if (outcome.ok) return { job, replayed: false };
      // A key seen before wins over everything else: the request was made already.
      if (idempotency && idempotencyId) {
        const replay = await this.replay(idempotencyId, idempotency);
        if (replay) return { job: replay, replayed: true };
      }
      const account = outcome.reasons[0];
      if (account?.Code === 'ConditionalCheckFailed') {
        const balance = numberOf(account.Item, 'balance');
        if (balance === undefined) {
          // No account yet: a new user. Grant the starting credits (once) and try again.
          await this.grant(job.userId, input.startingCredits);
          continue;
        }
        throw new InsufficientCredits(balance, credits);
      }
      throw new Error(`Creating job ${job.jobId} was cancelled: ${outcome.reasons.map((r) => r.Code ?? 'None').join(', ')}`);
    }
    throw new ProviderUnavailable(`Creating job ${job.jobId} kept failing; try again.`);
  }

  async refund(jobId: string, note: string, failure?: { error: NonNullable<Job['error']> }): Promise<boolean> {
    const job = await this.getJob(jobId);
    if (!job || !((job.credits ?? 0) > 0) || job.refunded || job.status === 'SUCCEEDED') return false;
    const credits = job.credits!;
    const attempt = job.attempt ?? 0;
    const now = this.clock.now();
    const at = now.toISOString();
    const p = new Placeholders();
    const condition = [
      expectedCondition(p, { status: ['QUEUED', 'RUNNING', 'FAILED'], attempt }),
      `(attribute_not_exists(${p.path('refunded')}) OR ${p.path('refunded')} = ${p.value(false)})`,
    ].join(' AND ');
    const update =
      `SET ${p.path('status')} = ${p.value('FAILED')}, ${p.path('refunded')} = ${p.value(true)}, ` +
      `${p.path('updatedAt')} = ${p.value(at)}, ${p.path('finishedAt')} = if_not_exists(${p.path('finishedAt')}, ${p.value(at)})` +
      (failure ? `, ${p.path('error')} = ${p.value(failure.error)}` : '');
    const outcome = await this.transact(
      [
        {
          Update: {
            TableName: this.tables.jobs,
            Key: { jobId },
            UpdateExpression: update,
            ConditionExpression: condition,
            ExpressionAttributeNames: p.names,
            ExpressionAttributeValues: p.values,
          },
        },
        this.credit(job.userId, credits, at),
        this.ledgerPut({
          userId: job.userId,
          entryId: ledgerEntryId(now, 'refund', `${jobId}#${attempt}`),
          at,
          delta: credits,
          kind: 'refund',
          jobId,
          attempt,
          note,
        }),
      ],
      `refund job ${jobId}`,
    );
    return outcome.ok;
  }

  async requeueFailed(job: Job, change: { credits: number; now: Date }): Promise<Job> {
    let current = job;
    for (let round = 0; round < 3; round++) {
      if (current.status !== 'FAILED') {
        throw new JobStateConflict(`Only a failed video can be retried; this one is ${current.status.toLowerCase()}.`);
      }
      const attempt = current.attempt ?? 0;
      const held = (current.credits ?? 0) > 0 && !current.refunded;
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
      // The credits' state we decided on must still hold, or a refund slipped in between.
      const creditState = held
        ? `(attribute_not_exists(${refunded}) OR ${refunded} = ${p.value(false)})`
        : current.refunded
          ? `${refunded} = ${p.value(true)}`
          : `(attribute_not_exists(${p.path('credits')}) OR ${p.path('credits')} = ${p.value(0)})`;
      const items: TransactItem[] = [
        {
          Update: {
            TableName: this.tables.jobs,
            Key: { jobId: current.jobId },
            UpdateExpression: update,
            ConditionExpression: `${expectedCondition(p, { status: 'FAILED', attempt })} AND ${creditState}`,
            ExpressionAttributeNames: p.names,
            ExpressionAttributeValues: p.values,
          },
        },
      ];
      if (!held) {
        items.push(
          this.debit(current.userId, credits, at),
          this.ledgerPut({
            userId: current.userId,
            entryId: ledgerEntryId(change.now, 'debit', `${current.jobId}#${attempt + 1}`),
            at,
            delta: -credits,
            kind: 'debit',
            jobId: current.jobId,
            attempt: attempt + 1,
            note: `Retry of "${short(current.request.prompt)}"`,
          }),
        );
      }
      const outcome = await this.transact(items, `retry job ${current.jobId}`);
      if (outcome.ok) {
        const after = await this.getJob(current.jobId);
        if (!after) throw new JobStateConflict('The video was deleted.');
        return after;
      }
      if (outcome.reasons[0]?.Code === 'ConditionalCheckFailed') {
        const reread = await this.getJob(current.jobId);
        if (!reread) throw new JobStateConflict('The video was deleted.');
        current = reread; // moved on, or was refunded meanwhile: decide again
        continue;
      }
      const account = outcome.reasons[1];
      if (account?.Code === 'ConditionalCheckFailed') {
        const balance = numberOf(account.Item, 'balance');
        throw new InsufficientCredits(balance ?? 0, credits);
      }
      throw new Error(`Retrying job ${current.jobId} was cancelled: ${outcome.reasons.map((r) => r.Code ?? 'None').join(', ')}`);
    }
    throw new JobStateConflict('The video changed while it was being retried; try again.');
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

  async purchase(input: { userId: string; credits: number; reference: string; note: string; startingCredits: number }): Promise<boolean> {
    // The starting grant comes first (once), so a buyer's first contact still gets it.
    await this.account(input.userId, input.startingCredits);
    const now = this.clock.now();
    const at = now.toISOString();
    const outcome = await this.transact(
      [
        {
          Put: {
            TableName: this.tables.idempotency,
            Item: {
              id: `stripe-checkout#${input.reference}`,
              userId: input.userId,
              credits: input.credits,
              createdAt: at,
              expiresAt: Math.floor(now.getTime() / 1000) + CHECKOUT_RECORD_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
        this.credit(input.userId, input.credits, at),
        this.ledgerPut({
          userId: input.userId,
          entryId: ledgerEntryId(now, 'purchase', input.reference),
          at,
          delta: input.credits,
          kind: 'purchase',
          reference: input.reference,
          note: input.note,
        }),
      ],
      `credit purchase ${input.reference}`,
    );
    return outcome.ok;
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
