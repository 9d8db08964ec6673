import { orderBatch } from '../../core/jobs/batches.js';
import { fromEnvironment, IDEMPOTENCY_TTL_SECONDS, systemClock } from '../../shared/dependencies.js';
import { ENV } from '../../shared/env.js';
import { errorAnswer, json, parseBody, parseHeader, userRoute } from '../http.js';
import { CreateBatchBody, IdempotencyKeySchema } from '../schemas.js';
import { checkRequestedTarget } from '../webhook-target.js';
import { batchView } from '../views.js';

const deps = fromEnvironment();
const { logger } = deps.observability();
const credits = deps.creditStore();
const batches = deps.batchStore();
const queue = deps.jobQueue();
const voices = await deps.voiceCatalog();
const limits = deps.userLimits();

/**
 * POST /api/batches: orders each item as POST /api/videos would, each in its own transaction, and
 * answers which made videos and which were refused (and why). 202 when at least one item was
 * accepted; with an Idempotency-Key a repeat orders only the refused items again.
 */
export const handler = userRoute(deps, async ({ event, caller, requestId }) => {
  const { items } = parseBody(event, CreateBatchBody);
  const idempotencyKey = parseHeader(event, 'Idempotency-Key', IdempotencyKeySchema);
  // A video's own webhook URL is checked as POST /api/videos checks it, before anything is ordered.
  for (const [index, item] of items.entries()) {
    if (item.webhookUrl) await checkRequestedTarget(item.webhookUrl, `items.${index}.webhookUrl`, deps.webhookPolicy());
  }
  const { batch, replayed } = await orderBatch(
    { userId: caller.userId, requests: items, ...(idempotencyKey ? { idempotencyKey } : {}) },
    {
      credits,
      queue,
      batches,
      clock: systemClock,
      newId: deps.newJobId,
      newBatchId: deps.newJobId,
      startingCredits: deps.config[ENV.STARTING_CREDITS],
      idempotencyTtlSeconds: IDEMPOTENCY_TTL_SECONDS,
      voices,
      limits,
      // An item's refusal reads as the answer POST /api/videos gives (unknown errors logged, not shown).
      refusalOf: (error) => {
        const { status, code, message, extra } = errorAnswer(error, requestId, logger);
        const { limit, retryAfterSeconds } = extra as { limit?: string; retryAfterSeconds?: number };
        return { status, code, message, ...(limit ? { limit } : {}), ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
      },
      onEnqueueFailed: (jobId, error) => logger.error('job recorded but not queued; the sweeper will queue it', { jobId, error: error as Error }),
    },
  );
  return json(202, batchView(batch, undefined, replayed), { location: `/api/batches/${batch.batchId}`, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) });
});
