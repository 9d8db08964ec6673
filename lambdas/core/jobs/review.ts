/**
 * Review before render (docs/api.md "Review before render"): a job in REVIEW is edited (each
 * accepted edit queues it again to remake only what changed), rendered, or — once finished —
 * reopened for another version. The requeue's shape is shared by the pipeline's and the API's
 * halves; the pure edits are in ../storyboard.ts.
 */
import { PICTURE_TYPES, pictureProblem } from '../picture-upload.js';
import { JobStateConflict, InvalidInput, NotFound } from '../errors.js';
import { pendingSteps, type Job, type JobPhase, type JobStatus } from '../job.js';
import type { Script } from '../model.js';
import { contentHash } from '../pipeline/content-key.js';
import type { BlobStore, Clock, CreditStore, JobIndex, JobQueue, JobTransition } from '../ports.js';
import { regenerationCharge, type EditOutcome } from '../storyboard.js';
import { ATTEMPT_FIELDS } from './sweep.js';
import { videoPrefix } from './videos.js';

/** A conditional change that sends a job in REVIEW back to the pipeline, and the revision it was read at. */
export interface ReviewRequeue {
  /** The job must still be in REVIEW on the attempt read (a concurrent edit or render moved it on otherwise). */
  expected: { status: 'REVIEW'; attempt: number };
  /** The storyboard revision that was read; a store that can, conditions on it too (`revision = this`). */
  revision: number;
  change: JobTransition;
}

/**
 * REVIEW → QUEUED as a new attempt of `phase`: every step pending, the old attempt's fields gone,
 * `attempt + 1` (so its execution gets a new name), the same shape as the sweeper's re-drive and a
 * retry's requeue. The pipeline then runs from the stored script and reuses every asset it can.
 */
function requeue(job: Job, phase: JobPhase, now: Date, set: JobTransition['set'] = {}): ReviewRequeue {
  return {
    expected: { status: 'REVIEW', attempt: job.attempt ?? 0 },
    revision: job.revision ?? 0,
    change: {
      set: { ...set, status: 'QUEUED', phase, steps: pendingSteps(), queuedAt: now.toISOString() },
      remove: [...ATTEMPT_FIELDS, 'reviewExpiresAt'],
      increment: { attempt: 1 },
    },
  };
}

/**
 * An accepted edit: the new storyboard (`script`) and `revision + 1`, and the job back to the
 * pipeline for review. Apply it in ONE write with whatever else the edit changes (a regeneration's
 * debit), then put the job id on the jobs queue. Only the pictures and voice segments the edit
 * changed are made again (their content keys changed); Hold for Review brings the job back to REVIEW.
 */
export function requeueForReview(job: Job, script: Script, now: Date): ReviewRequeue {
  return requeue(job, 'review', now, { script, revision: (job.revision ?? 0) + 1, title: script.title, sceneCount: script.scenes.length });
}

/** POST /render: REVIEW → QUEUED for the render attempt (nothing is made again; the video was paid for at creation). */
export function requeueForRender(job: Job, now: Date): ReviewRequeue {
  return requeue(job, 'render', now);
}

/** Renders a job may have: the first and four more after reopening. */
export const MAX_VERSIONS = 5;

const BUSY_REASONS: Record<JobStatus, string> = {
  QUEUED: 'it is being prepared (the last change is being made); wait until it is back in review',
  RUNNING: 'it is being prepared (the last change is being made); wait until it is back in review',
  REVIEW: 'it changed meanwhile (another change was accepted first); read it again',
  SUCCEEDED: 'it is finished; reopen it first (POST /api/videos/{id}/reopen)',
  FAILED: 'it failed; retry it first',
  EXPIRED: 'its review time ran out',
};

/** 409 `video_busy`: the job is not (or no longer) in REVIEW at the revision read; the message says why. */
export function notInReview(job: Pick<Job, 'status' | 'phase'>): JobStateConflict {
  const reason = job.status === 'RUNNING' && job.phase === 'render' ? 'it is rendering' : BUSY_REASONS[job.status];
  return new JobStateConflict(`The video cannot be changed now: ${reason}.`, 'video_busy');
}

/** The job, if it is in REVIEW; else 409 `video_busy`. */
export function inReview(job: Job): Job & { script: Script } {
  if (job.status !== 'REVIEW') throw notInReview(job);
  if (!job.script) throw new JobStateConflict('The video has no storyboard to change.', 'video_busy');
  return job as Job & { script: Script };
}

/** A stable digest of one change request (route, video, scene, body), for its Idempotency-Key. */
export function changeHash(action: string, jobId: string, body: unknown): string {
  return contentHash(JSON.stringify({ action, jobId, body }));
}

export interface ReviewChangeDeps {
  credits: CreditStore;
  queue: JobQueue;
  clock: Clock;
  includedRegenerations: number;
  regenerationCredits: number;
  idempotencyTtlSeconds: number;
  /** Told when the change is recorded but its queue message could not be sent (the sweeper re-sends it). */
  onEnqueueFailed?: (jobId: string, error: unknown) => void;
}

/** Records a change (one transaction) and queues the job; a replayed key queues a still-waiting job again (harmless). */
async function applyAndQueue(
  job: Job,
  change: { edit?: EditOutcome; phase: JobPhase; idempotency?: { key: string; requestHash: string } },
  deps: ReviewChangeDeps,
): Promise<{ job: Job; replayed: boolean }> {
  const added = change.edit?.regenerations ?? 0;
  const charge = regenerationCharge(job.regenerations ?? 0, added, deps.includedRegenerations, deps.regenerationCredits);
  const result = await deps.credits.applyReviewChange({
    job,
    ...(change.edit ? { script: change.edit.script } : {}),
    regenerations: added,
    phase: change.phase,
    charge,
    now: deps.clock.now(),
    ...(change.idempotency ? { idempotency: { ...change.idempotency, ttlSeconds: deps.idempotencyTtlSeconds } } : {}),
  });
  if (result.job.status === 'QUEUED') {
    try {
      await deps.queue.enqueue(result.job.jobId);
    } catch (error) {
      // Recorded (and paid for): answering 5xx would invite a second change. The sweeper re-sends it.
      deps.onEnqueueFailed?.(result.job.jobId, error);
    }
  }
  return result;
}

/**
 * An accepted storyboard edit (PATCH a scene or the storyboard, regenerate, a checked upload):
 * the new storyboard, its revision, the regenerations it counts (past the included ones, debited
 * with a ledger entry) and the job queued again to remake only what changed — one transaction.
 */
export async function editStoryboard(
  job: Job,
  edit: (script: Script) => EditOutcome,
  request: { action: string; body: unknown; idempotencyKey?: string },
  deps: ReviewChangeDeps,
): Promise<{ job: Job; replayed: boolean }> {
  const idempotency = request.idempotencyKey ? { key: request.idempotencyKey, requestHash: changeHash(request.action, job.jobId, request.body) } : undefined;
  // Not in review but keyed: the transaction (whose job condition fails) answers a replay like the first, else 409.
  if (job.status !== 'REVIEW' && idempotency) return applyAndQueue(job, { phase: 'review', idempotency }, deps);
  const reviewing = inReview(job);
  const outcome = edit(reviewing.script);
  return applyAndQueue(reviewing, { edit: outcome, phase: 'review', ...(idempotency ? { idempotency } : {}) }, deps);
}

/** POST render: REVIEW → QUEUED for the render phase. No charge: the video was paid for when it was ordered. */
export async function startRender(job: Job, request: { idempotencyKey?: string }, deps: ReviewChangeDeps): Promise<{ job: Job; replayed: boolean }> {
  const idempotency = request.idempotencyKey ? { key: request.idempotencyKey, requestHash: changeHash('render', job.jobId, {}) } : undefined;
  if (job.status !== 'REVIEW' && !idempotency) throw notInReview(job);
  return applyAndQueue(job, { phase: 'render', ...(idempotency ? { idempotency } : {}) }, deps);
}

/**
 * POST reopen: a finished video goes back to REVIEW to be edited and rendered again as a new
 * version. The current render is kept in `versions`; at most {@link MAX_VERSIONS} renders.
 */
export async function reopenVideo(job: Job, deps: { jobs: Pick<JobIndex, 'transition'>; clock: Clock; reviewTtlHours: number }): Promise<void> {
  if (job.status !== 'SUCCEEDED' || !job.outputKey) throw notInReview(job);
  if (!job.script) throw new JobStateConflict('This video was made before storyboards were kept; it cannot be reopened.', 'video_busy');
  const version = job.version ?? 1;
  if (version >= MAX_VERSIONS) {
    throw new JobStateConflict(`A video has at most ${MAX_VERSIONS} versions; this one has ${version}.`, 'too_many_versions');
  }
  const now = deps.clock.now();
  const current = { version, outputKey: job.outputKey, ...(job.durationMs !== undefined ? { durationMs: job.durationMs } : {}), finishedAt: job.finishedAt ?? now.toISOString() };
  const moved = await deps.jobs.transition(
    job.jobId,
    { status: 'SUCCEEDED', attempt: job.attempt ?? 0 },
    {
      set: {
        status: 'REVIEW',
        phase: 'review',
        version: version + 1,
        versions: [...(job.versions ?? []), current],
        reviewExpiresAt: new Date(now.getTime() + deps.reviewTtlHours * 3600_000).toISOString(),
      },
      remove: ['outputKey'],
    },
  );
  if (!moved) throw new JobStateConflict('The video changed while it was being reopened; read it again.', 'video_busy');
}

/** An uploaded scene picture's allowed types, by content type: the file extension and image-size's name. */
export const UPLOAD_TYPES = PICTURE_TYPES;
export type UploadContentType = keyof typeof UPLOAD_TYPES;

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const MIN_UPLOAD_SIDE = 256;
export const MAX_UPLOAD_SIDE = 8192;
/** How long an upload's presigned PUT works. */
export const UPLOAD_URL_SECONDS = 900;

/** Where an upload lives: under the job's own prefix, so deleting the video deletes it. */
export function uploadKey(jobId: string, uploadId: string, contentType: UploadContentType): string {
  return `${videoPrefix(jobId)}uploads/${uploadId}.${UPLOAD_TYPES[contentType].extension}`;
}

/**
 * The upload's key once its bytes are checked: one of the allowed types (by its bytes, not its
 * name), at most {@link MAX_UPLOAD_BYTES}, each side {@link MIN_UPLOAD_SIDE}..{@link MAX_UPLOAD_SIDE} px.
 * Anything else is InvalidInput naming `uploadId` and saying why.
 */
export async function checkedUpload(jobId: string, uploadId: string, blobs: BlobStore): Promise<string> {
  for (const contentType of Object.keys(UPLOAD_TYPES) as UploadContentType[]) {
    const key = uploadKey(jobId, uploadId, contentType);
    let bytes: Uint8Array;
    try {
      bytes = await blobs.get(key);
    } catch (error) {
      if (error instanceof NotFound) continue;
      throw error;
    }
    const problem = pictureProblem(bytes, contentType, { maxBytes: MAX_UPLOAD_BYTES, minSide: MIN_UPLOAD_SIDE, maxSide: MAX_UPLOAD_SIDE });
    if (problem) throw new InvalidInput(`uploadId: ${problem}`);
    return key;
  }
  throw new InvalidInput('uploadId: nothing was uploaded under this id (upload the file to its URL first; an upload URL works 15 minutes)');
}
