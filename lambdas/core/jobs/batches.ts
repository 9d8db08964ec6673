/**
 * Batches: many video orders in one request (POST /api/batches). Each item is ordered on its own,
 * in its own transaction, exactly as POST /api/videos orders one (voice check, debit, limits,
 * queue), so a batch can be partly accepted: the record says which items made videos and which
 * were refused and why. Sending the same batch again with the same Idempotency-Key orders only
 * the items that were refused; the accepted ones replay their videos and are never paid twice.
 */
import { createHash } from 'node:crypto';
import type { Job } from '../job.js';
import type { VideoRequest } from '../model.js';
import type { BatchItem, BatchRecord, BatchRefusal, BatchStore, JobStore } from '../ports.js';
import { createVideo, type CreateVideoDeps } from './videos.js';

/** The most items one batch may hold. */
export const MAX_BATCH_ITEMS = 50;

/** How an item's failure reads in the batch: the status, code and message the API would answer. */
export type RefusalOf = (error: unknown) => BatchRefusal;

export interface OrderBatchDeps extends CreateVideoDeps {
  batches: BatchStore;
  newBatchId: () => string;
  /** Maps an item's error to its refusal; an error it cannot map is rethrown by it. */
  refusalOf: RefusalOf;
}

/**
 * A batch's id: with an Idempotency-Key, derived from the user and the key (the same key names
 * the same batch), else new. A UUID either way, so ids in paths are checked alike.
 */
export function batchIdFor(userId: string, idempotencyKey: string | undefined, newId: () => string): string {
  if (!idempotencyKey) return newId();
  const hex = createHash('sha256').update(`batch\n${userId}\n${idempotencyKey}`).digest('hex');
  // RFC 9562 version 8 (custom) UUID: version nibble 8, variant bits 10.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The Idempotency-Key each item is ordered with: the batch and the item's place in it. */
export function itemKey(batchId: string, index: number): string {
  return `batch:${batchId}:${index}`;
}

/**
 * Orders every item not yet accepted, one after another (in order: when credits or places run
 * out, the first items get them), then saves the record. A repeated batch (same Idempotency-Key)
 * orders again only what was refused; a different body under the same key is refused per item
 * (422) by the items' own keys.
 */
export async function orderBatch(
  input: { userId: string; requests: VideoRequest[]; idempotencyKey?: string },
  deps: OrderBatchDeps,
): Promise<{ batch: BatchRecord; replayed: boolean }> {
  const batchId = batchIdFor(input.userId, input.idempotencyKey, deps.newBatchId);
  const existing = input.idempotencyKey ? await deps.batches.get(batchId) : undefined;
  if (existing && existing.userId !== input.userId) throw new Error(`Batch id ${batchId} collides with another user's batch.`);
  const accepted = new Map<number, string>();
  for (const item of existing?.items ?? []) if (item.videoId) accepted.set(item.index, item.videoId);

  const items: BatchItem[] = [];
  for (const [index, request] of input.requests.entries()) {
    const known = accepted.get(index);
    if (known) {
      items.push({ index, prompt: request.prompt, videoId: known });
      continue;
    }
    try {
      const { job } = await createVideo({ userId: input.userId, request, idempotencyKey: itemKey(batchId, index) }, deps);
      items.push({ index, prompt: request.prompt, videoId: job.jobId });
    } catch (error) {
      items.push({ index, prompt: request.prompt, refusal: deps.refusalOf(error) });
    }
  }
  const now = deps.clock.now().toISOString();
  let record: BatchRecord = {
    batchId,
    userId: input.userId,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    items,
    version: (existing?.version ?? 0) + 1,
  };
  // Two copies of one batch at once: each item's own key made its video once; merge the records.
  while (!(await deps.batches.save(record))) {
    const latest = await deps.batches.get(batchId);
    if (!latest) throw new Error(`Batch ${batchId} could not be saved and cannot be read.`);
    record = { ...mergeBatches(latest, record), version: latest.version + 1 };
  }
  return { batch: record, replayed: existing !== undefined };
}

/** An item accepted in either record stays accepted (an item's video never changes once made). */
export function mergeBatches(stored: BatchRecord, mine: BatchRecord): BatchRecord {
  const byIndex = new Map(stored.items.map((item) => [item.index, item]));
  for (const item of mine.items) {
    const other = byIndex.get(item.index);
    if (!other || (!other.videoId && item.videoId)) byIndex.set(item.index, item);
  }
  return {
    ...stored,
    updatedAt: mine.updatedAt > stored.updatedAt ? mine.updatedAt : stored.updatedAt,
    items: [...byIndex.values()].sort((a, b) => a.index - b.index),
  };
}

/** The batch with each accepted item's video as it is now (a video deleted since reads as gone). */
export async function batchWithVideos(
  batch: BatchRecord,
  jobs: Pick<JobStore, 'get'>,
): Promise<{ batch: BatchRecord; videos: Map<string, Job | undefined> }> {
  const ids = batch.items.flatMap((item) => (item.videoId ? [item.videoId] : []));
  const found = await Promise.all(ids.map(async (id) => [id, await jobs.get(id)] as const));
  // A video is shown only while it is the batch owner's (ids are never reused, but be exact).
  return { batch, videos: new Map(found.map(([id, job]) => [id, job && job.userId === batch.userId ? job : undefined])) };
}
