import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { InvalidInput, JobStateConflict, NotFound, PermanentError, ProviderUnavailable } from '../../core/errors.js';
import type { Job, JobPatch, JobStatus, StepName, StepPatch, StepState } from '../../core/job.js';
import type { Clock, JobIndex, JobRef, JobStore, JobTransition, Page, Spend } from '../../core/ports.js';

/** `create` was called for a job id that is already stored. */
export class JobAlreadyExists extends PermanentError {
  constructor(jobId: string, options?: { cause?: unknown }) {
    super(`Job ${jobId} already exists.`, options);
    this.name = 'JobAlreadyExists';
  }
}

/** Failures that pass by themselves become `ProviderUnavailable`, so the state machine retries. */
export function toStoreError(error: unknown, action: string): unknown {
  if (!(error instanceof Error)) return error;
  const sdkError = error as Parameters<typeof isTransientError>[0];
  if (
    isThrottlingError(sdkError) ||
    isTransientError(sdkError) ||
    isServerError(sdkError) ||
    // Another request's transaction holds the item; trying again later works.
    error.name === 'TransactionConflictException'
  ) {
    return new ProviderUnavailable(`DynamoDB ${action} failed: ${error.name}: ${error.message}`, { cause: error });
  }
  return error;
}

export function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/** Drops `undefined` members (recursively), so the item marshals whatever the client's options. */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, compact(v)]),
    ) as T;
  }
  return value;
}

/** Collects `#name` / `:value` placeholders for one expression. Any string is a safe name this way. */
export class Placeholders {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private readonly nameIds = new Map<string, string>();

  /** A document path such as `#n0.#n1.#n2` for `steps.images.done`. */
  path(...segments: string[]): string {
    return segments
      .map((segment) => {
        let id = this.nameIds.get(segment);
        if (!id) {
          id = `#n${this.nameIds.size}`;
          this.nameIds.set(segment, id);
          this.names[id] = segment;
        }
        return id;
      })
      .join('.');
  }

  value(value: unknown): string {
    const id = `:v${Object.keys(this.values).length}`;
    this.values[id] = compact(value);
    return id;
  }
}

/** The stored item of a job: `steps` and `cost` must be maps for the nested updates below. */
export function jobItem(job: Job): Record<string, unknown> {
  return compact({ ...job, steps: job.steps ?? {}, cost: job.cost ?? {} }) as unknown as Record<string, unknown>;
}

/** An opaque page cursor: the query's LastEvaluatedKey, base64url JSON. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/** DynamoDB's limit for a sort key value (a partition key may have 2048): no key of ours comes near. */
const MAX_KEY_BYTES = 1024;
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Reads a cursor back, refusing one that is malformed or belongs to another partition (a
 * cursor made for one user's list must not page through another's). The key must be exactly
 * the query's key — the partition attribute and `keys` (the table's and the index's other key
 * attributes), each a non-empty string DynamoDB can take — so a tampered cursor is a 400 naming
 * `cursor`, never a ValidationException from DynamoDB.
 */
export function decodeCursor(
  cursor: string | undefined,
  partition: { name: string; value: string },
  keys: readonly string[],
): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const expected = [partition.name, ...keys];
  const wellFormed =
    key !== null &&
    typeof key === 'object' &&
    !Array.isArray(key) &&
    Object.keys(key).length === expected.length &&
    expected.every((name) => {
      const value = (key as Record<string, unknown>)[name];
      return typeof value === 'string' && value.length > 0 && Buffer.byteLength(value) <= MAX_KEY_BYTES && !LONE_SURROGATE.test(value);
    });
  if (!wellFormed || (key as Record<string, unknown>)[partition.name] !== partition.value) {
    throw new InvalidInput('cursor: not a cursor this list gave out');
  }
  return key as Record<string, string>;
}

/** Step fields the store counts itself; a patch adds to them instead of setting them. */
const COUNTED = new Set(['addDone', 'addReused', 'addAttempt', 'whileActive']);

/**
 * {@link JobStore} over one DynamoDB table (key `jobId`). Every change is a single UpdateItem
 * on the exact document paths it touches, so concurrent writers (a Map of image steps, the
 * voice step beside them) never overwrite each other's fields, and counters add atomically.
 */
export class DynamoJobStore implements JobStore, JobIndex {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: Clock;

  constructor(options: { doc: DynamoDBDocumentClient; tableName: string; clock?: Clock }) {
    this.doc = options.doc;
    this.tableName = options.tableName;
    this.clock = options.clock ?? { now: () => new Date() };
  }

  async listByUser(userId: string, options: { limit: number; cursor?: string }): Promise<Page<Job>> {
    const startKey = decodeCursor(options.cursor, { name: 'userId', value: userId }, ['jobId', 'createdAt']);
    try {
      const answer = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byUser',
          KeyConditionExpression: 'userId = :u',
          ExpressionAttributeValues: { ':u': userId },
          ScanIndexForward: false,
          Limit: options.limit,
          ExclusiveStartKey: startKey,
        }),
      );
      const nextCursor = encodeCursor(answer.LastEvaluatedKey);
      return { items: (answer.Items ?? []) as Job[], ...(nextCursor ? { nextCursor } : {}) };
    } catch (error) {
      throw toStoreError(error, `list jobs of ${userId}`);
    }
  }

  async listByStatus(status: JobStatus, options: { updatedAfter?: Date; updatedBefore?: Date; limit?: number } = {}): Promise<JobRef[]> {
    const refs: JobRef[] = [];
    const { updatedAfter: after, updatedBefore: before } = options;
    const range = after && before ? ' AND updatedAt BETWEEN :after AND :before' : after ? ' AND updatedAt > :after' : before ? ' AND updatedAt < :before' : '';
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const answer = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'byStatus',
            KeyConditionExpression: `#s = :s${range}`,
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: {
              ':s': status,
              ...(after ? { ':after': after.toISOString() } : {}),
              ...(before ? { ':before': before.toISOString() } : {}),
            },
            ExclusiveStartKey: startKey,
            ...(options.limit ? { Limit: options.limit - refs.length } : {}),
          }),
        );
        refs.push(...((answer.Items ?? []) as JobRef[]));
        startKey = answer.LastEvaluatedKey;
      } while (startKey && (!options.limit || refs.length < options.limit));
    } catch (error) {
      throw toStoreError(error, `list ${status} jobs`);
    }
    return refs;
  }

  async countByStatus(status: JobStatus): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const answer = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'byStatus',
            KeyConditionExpression: '#s = :s',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':s': status },
            Select: 'COUNT',
            ExclusiveStartKey: startKey,
          }),
        );
        count += answer.Count ?? 0;
        startKey = answer.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      throw toStoreError(error, `count ${status} jobs`);
    }
    return count;
  }

  async transition(jobId: string, expected: { status: JobStatus | readonly JobStatus[]; attempt?: number }, change: JobTransition): Promise<boolean> {
    const p = new Placeholders();
    const update = transitionUpdate(p, change, this.clock.now());
    const condition = expectedCondition(p, expected);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { jobId },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: p.names,
          ExpressionAttributeValues: p.values,
        }),
      );
      return true;
    } catch (error) {
      if (isNamed(error, 'ConditionalCheckFailedException')) return false;
      throw toStoreError(error, `change job ${jobId}`);
    }
  }

  async deleteIf(jobId: string, statuses: JobStatus[]): Promise<boolean> {
    const p = new Placeholders();
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { jobId },
          ConditionExpression: `${p.path('status')} IN (${statuses.map((s) => p.value(s)).join(', ')})`,
          ExpressionAttributeNames: p.names,
          ExpressionAttributeValues: p.values,
        }),
      );
      return true;
    } catch (error) {
      if (isNamed(error, 'ConditionalCheckFailedException')) return false;
      throw toStoreError(error, `delete job ${jobId}`);
    }
  }

  async create(job: Job): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          // `steps` and `cost` must be maps for the nested updates below.
          Item: compact({ ...job, steps: job.steps ?? {}, cost: job.cost ?? {} }),
          ConditionExpression: 'attribute_not_exists(jobId)',
        }),
      );
    } catch (error) {
      if (isNamed(error, 'ConditionalCheckFailedException')) throw new JobAlreadyExists(job.jobId, { cause: error });
      throw toStoreError(error, `create job ${job.jobId}`);
    }
  }

  async get(jobId: string): Promise<Job | undefined> {
    try {
      const answer = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { jobId }, ConsistentRead: true }));
      return answer.Item as Job | undefined;
    } catch (error) {
      throw toStoreError(error, `get job ${jobId}`);
    }
  }

  async update(jobId: string, patch: JobPatch): Promise<void> {
    const p = new Placeholders();
    const sets = Object.entries(patch)
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => `${p.path(field)} = ${p.value(value)}`);
    await this.send(jobId, p, sets, `update job ${jobId}`);
  }

  async updateStep(jobId: string, step: StepName, patch: StepPatch): Promise<StepState> {
    if (patch.done !== undefined && patch.addDone !== undefined) {
      throw new Error(`updateStep(${step}): give either done or addDone, not both`);
    }
    const p = new Placeholders();
    const field = (name: string) => p.path('steps', step, name);
    const sets: string[] = [];
    const removes: string[] = [];
    for (const [name, value] of Object.entries(patch)) {
      if (COUNTED.has(name) || value === undefined) continue;
      if (value === null) removes.push(field(name));
      else sets.push(`${field(name)} = ${p.value(value)}`);
    }
    if (patch.addDone !== undefined) {
      sets.push(`${field('done')} = if_not_exists(${field('done')}, ${p.value(0)}) + ${p.value(patch.addDone)}`);
    }
    if (patch.addReused !== undefined) {
      if (patch.reused !== undefined) throw new Error(`updateStep(${step}): give either reused or addReused, not both`);
      sets.push(`${field('reused')} = if_not_exists(${field('reused')}, ${p.value(0)}) + ${p.value(patch.addReused)}`);
    }
    if (patch.addAttempt) {
      sets.push(`${field('attempts')} = if_not_exists(${field('attempts')}, ${p.value(0)}) + ${p.value(1)}`);
    }
    const condition = patch.whileActive
      ? `${p.path('status')} IN (${p.value('QUEUED')}, ${p.value('RUNNING')})`
      : undefined;
    const item = await this.withMapPath(jobId, ['steps', step], { status: 'pending' }, () =>
      this.send(jobId, p, sets, `update step ${step} of job ${jobId}`, removes, condition),
    );
    return (item.steps as Record<string, StepState>)[step] as StepState;
  }

  /**
   * Adds `usd` and each unit to `cost.<step>` with in-place arithmetic, so concurrent spends
   * (one per image of a Map) all count. DynamoDB cannot SET a path whose parent map is
   * missing, and `cost.<step>` is missing until a step first spends: then the update fails
   * with a ValidationException, and we create the missing maps with
   * `SET path = if_not_exists(path, {})` — a no-op when a concurrent caller got there first,
   * so nobody's sum is overwritten — and apply the same update again.
   */
  async addSpend(jobId: string, step: StepName, spend: Spend): Promise<void> {
    const amounts = [spend.usd, ...Object.values(spend.units)];
    if (!amounts.every(Number.isFinite)) throw new Error(`addSpend(${step}): amounts must be finite numbers`);
    const p = new Placeholders();
    const add = (path: string, amount: number) => `${path} = if_not_exists(${path}, ${p.value(0)}) + ${p.value(amount)}`;
    const sets = [add(p.path('cost', step, 'usd'), spend.usd)];
    for (const [unit, amount] of Object.entries(spend.units)) sets.push(add(p.path('cost', step, 'units', unit), amount));
    await this.withMapPath(jobId, ['cost', step, 'units'], {}, () => this.send(jobId, p, sets, `add spend of ${step} to job ${jobId}`));
  }

  /** One UpdateItem: `SET` the given assignments and `updatedAt`, only if the job exists. Returns the new item. */
  private async send(
    jobId: string,
    p: Placeholders,
    sets: string[],
    action: string,
    removes: string[] = [],
    condition?: string,
  ): Promise<Record<string, unknown>> {
    // Fixed placeholders (not p.value) so a repeated send does not leave an unused value behind.
    p.values[':updatedAt'] = this.clock.now().toISOString();
    const assignments = [...sets, `${p.path('updatedAt')} = :updatedAt`];
    try {
      const answer = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { jobId },
          UpdateExpression: `SET ${assignments.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          // Without it, UpdateItem would create a stub item for an unknown id.
          ConditionExpression: `attribute_exists(${p.path('jobId')})${condition ? ` AND ${condition}` : ''}`,
          ExpressionAttributeNames: p.names,
          ExpressionAttributeValues: p.values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return answer.Attributes ?? {};
    } catch (error) {
      if (isNamed(error, 'ConditionalCheckFailedException')) {
        if (condition && (await this.get(jobId))) throw new JobStateConflict(`Job ${jobId} has ended: ${action} was not written.`);
        throw new NotFound(`Job ${jobId} does not exist.`, { cause: error });
      }
      throw toStoreError(error, action);
    }
  }

  /**
   * Runs `write`; if it fails because a map on `path` is missing (ValidationException), creates
   * each missing map along `path` (the last one as `leaf`) and runs `write` once more.
   */
  private async withMapPath<T>(jobId: string, path: string[], leaf: Record<string, unknown>, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!isNamed(error, 'ValidationException')) throw error;
    }
    for (let depth = 1; depth <= path.length; depth++) {
      const p = new Placeholders();
      const target = p.path(...path.slice(0, depth));
      const initial = depth === path.length ? leaf : {};
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { jobId },
            UpdateExpression: `SET ${target} = if_not_exists(${target}, ${p.value(initial)})`,
            ConditionExpression: `attribute_exists(${p.path('jobId')})`,
            ExpressionAttributeNames: p.names,
            ExpressionAttributeValues: p.values,
          }),
        );
      } catch (error) {
        if (isNamed(error, 'ConditionalCheckFailedException')) throw new NotFound(`Job ${jobId} does not exist.`, { cause: error });
        throw toStoreError(error, `prepare ${path.slice(0, depth).join('.')} of job ${jobId}`);
      }
    }
    return write();
  }
}

/**
 * The UpdateExpression of a {@link JobTransition}: SET its fields and `updatedAt`, ADD its
 * counters (from 0 when missing), REMOVE its dropped fields.
 */
export function transitionUpdate(p: Placeholders, change: JobTransition, now: Date): string {
  const sets = Object.entries(change.set)
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => `${p.path(field)} = ${p.value(value)}`);
  for (const [step, fields] of Object.entries(change.stepFields ?? {})) {
    for (const [field, value] of Object.entries(fields ?? {})) {
      if (value !== undefined) sets.push(`${p.path('steps', step, field)} = ${p.value(value)}`);
    }
  }
  for (const [field, amount] of Object.entries(change.increment ?? {})) {
    sets.push(`${p.path(field)} = if_not_exists(${p.path(field)}, ${p.value(0)}) + ${p.value(amount)}`);
  }
  sets.push(`${p.path('updatedAt')} = ${p.value(now.toISOString())}`);
  const removes = (change.remove ?? []).map((field) => p.path(field));
  return `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`;
}

/** `status IN (…) AND attempt = n` (attempt 0 also matches a job that never had the field). */
export function expectedCondition(p: Placeholders, expected: { status: JobStatus | readonly JobStatus[]; attempt?: number }): string {
  const statuses = typeof expected.status === 'string' ? [expected.status] : expected.status;
  const parts = [`${p.path('status')} IN (${statuses.map((s) => p.value(s)).join(', ')})`];
  if (expected.attempt !== undefined) {
    const attempt = p.path('attempt');
    parts.push(
      expected.attempt === 0
        ? `(attribute_not_exists(${attempt}) OR ${attempt} = ${p.value(0)})`
        : `${attempt} = ${p.value(expected.attempt)}`,
    );
  }
  return parts.join(' AND ');
}
