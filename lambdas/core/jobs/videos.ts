import { creditsFor } from '../credits.js';
import { brandSnapshot, type BrandSnapshot, type BrandStore } from '../brand.js';
import { InvalidInput, JobStateConflict, NotFound } from '../errors.js';
import { newJob, type Job } from '../job.js';
import type { VideoRequest } from '../model.js';
import { contentHash } from '../pipeline/content-key.js';
import type { BlobStore, Clock, CreditStore, JobIndex, JobQueue, JobStore } from '../ports.js';
import { checkMusicChoice } from '../music-tracks.js';
import { checkVoice, checkVoiceSpeed, type VoiceCatalog } from '../voices.js';
import type { UserLimits } from './limits.js';

/** Where a job's own files live; deleting the job deletes this prefix. Shared assets live under `assets/`. */
export function videoPrefix(jobId: string): string {
  return `videos/${jobId}/`;
}

/** A stable digest of a checked request, so a repeated Idempotency-Key can tell "same request" from "different". */
export function requestHash(request: VideoRequest): string {
  const canonical = Object.fromEntries(Object.entries(request).sort(([a], [b]) => a.localeCompare(b)));
  return contentHash(JSON.stringify(canonical));
}

export interface CreateVideoDeps {
  credits: CreditStore;
  queue: JobQueue;
  clock: Clock;
  newId: () => string;
  startingCredits: number;
  idempotencyTtlSeconds: number;
  /** The voices the configured provider offers: a request naming another is refused before it is paid for. */
  voices: VoiceCatalog;
  /** The user's limits, enforced in the transaction that debits and records the job. */
  limits: UserLimits;
  /** Where users' uploaded music tracks are: a `music` naming a track must name the caller's checked one. Absent: tracks are refused. */
  tracks?: BlobStore;
  /** Told when the job is paid for but its queue message could not be sent (the sweeper re-sends it). */
  onEnqueueFailed?: (jobId: string, error: unknown) => void;
  /** The users' brand kits, copied onto a job ordered with `brand: true`; absent: such an order is refused. */
  brands?: BrandStore;
}

/**
 * Creates a video job: the voice is checked against the provider's (InvalidInput naming `voice`),
 * then the debit, the QUEUED job, the ledger entry, the user's limit counters (LimitExceeded) and
 * the Idempotency-Key record in one transaction, then the job id onto the queue. A replayed key
 * returns the job it made, debiting and counting nothing; if that job is still waiting, its id is
 * queued again (harmless: the dispatcher starts each attempt once), which also heals a message
 * lost after the debit.
 */
export async function createVideo(
  input: { userId: string; request: VideoRequest; idempotencyKey?: string },
  deps: CreateVideoDeps,
): Promise<{ job: Job; replayed: boolean }> {
  const now = deps.clock.now();
  const voice = checkVoice(input.request.voice, deps.voices, input.request.language);
  checkVoiceSpeed(input.request.voiceSpeed, deps.voices);
  await checkMusicChoice(input.userId, input.request.music, { ...(deps.tracks ? { blobs: deps.tracks } : {}) });
  const { brandKit: _never, ...asked } = input.request;
  const request: VideoRequest = { ...asked, ...(voice ? { voice } : {}) };
  // The kit as it is now goes onto the job: later edits of the kit do not change this video.
  const brandKit = request.brand ? await orderedBrand(input.userId, deps.brands) : undefined;
  const job: Job = {
    ...newJob({ jobId: deps.newId(), userId: input.userId, request: { ...request, ...(brandKit ? { brandKit } : {}) }, now }),
    credits: creditsFor(input.request),
    refunded: false,
    attempt: 0,
    redrives: 0,
    queuedAt: now.toISOString(),
    // Review before render: the first run stops at Hold for Review (docs/api.md "Review before render").
    ...(request.review ? { phase: 'review' as const } : {}),
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
  };
  const result = await deps.credits.createJob({
    job,
    startingCredits: deps.startingCredits,
    limits: deps.limits,
    ...(input.idempotencyKey
      ? { idempotency: { key: input.idempotencyKey, requestHash: requestHash(request), ttlSeconds: deps.idempotencyTtlSeconds } }
      : {}),
  });
  if (result.job.status === 'QUEUED') {
    try {
      await deps.queue.enqueue(result.job.jobId);
    } catch (error) {
      // The job is paid for and recorded: answering 5xx would invite a second, unkeyed attempt.
      // The sweeper sends the id again once the job has waited untouched for a while.
      deps.onEnqueueFailed?.(result.job.jobId, error);
    }
  }
  return result;
}

async function orderedBrand(userId: string, brands: BrandStore | undefined): Promise<BrandSnapshot> {
  if (!brands) throw new InvalidInput('brand: brand kits cannot be used here; order the video through POST /api/videos');
  return brandSnapshot(brands, userId);
}

/** The job if it exists and belongs to the user; anyone else's job is "not found", never "forbidden". */
export async function ownedJob(jobs: JobStore, userId: string, jobId: string): Promise<Job> {
  const job = await jobs.get(jobId);
  if (!job || job.userId !== userId) throw new NotFound(`No video ${jobId}.`);
  return job;
}

/**
 * Retry: a FAILED job runs again as a new attempt (a new execution name). Its voice must still be
 * one the provider offers. The credit the failure refunded is debited again in the same
 * transaction that re-queues the job (and takes a place among the user's videos in progress,
 * counting as an order), so one video costs one net debit however many times it is retried. The
 * pipeline starts from the top, but the checked script is kept on the job and images and voice are
 * content-addressed, so the steps that had finished are not paid for again.
 */
export async function retryVideo(
  job: Job,
  deps: { credits: CreditStore; queue: JobQueue; clock: Clock; voices: VoiceCatalog; limits: UserLimits },
): Promise<Job> {
  checkVoice(job.request.voice, deps.voices, job.request.language);
  checkVoiceSpeed(job.request.voiceSpeed, deps.voices);
  const queued = await deps.credits.requeueFailed(job, { credits: creditsFor(job.request), now: deps.clock.now(), limits: deps.limits });
  await deps.queue.enqueue(queued.jobId);
  return queued;
}

/**
 * Delete: a job waiting in the queue is cancelled and refunded; a finished, failed, in-review or
 * expired one loses its files (`videos/{id}/`, earlier versions and uploads included) and then its record. A running job cannot be deleted until it ends.
 * Content-addressed assets are shared between jobs and expire by the bucket's lifecycle rule.
 */
export async function deleteVideo(
  job: Job,
  deps: { credits: CreditStore; jobs: JobIndex; blobs: BlobStore; clock: Clock },
): Promise<{ deletedFiles: number; refunded: boolean }> {
  if (job.status === 'QUEUED') {
    if (await deps.credits.cancelQueued(job, deps.clock.now())) return { deletedFiles: 0, refunded: (job.credits ?? 0) > 0 };
    throw new JobStateConflict('The video has just started; delete it when it has finished.');
  }
  if (job.status === 'RUNNING') throw new JobStateConflict('The video is being made; delete it when it has finished or failed.');
  // A failure's refund must not be lost with the record (it normally happened already).
  const refunded = job.status === 'FAILED' ? await deps.credits.refund(job.jobId, 'Refund of a failed video') : false;
  const deletedFiles = await deps.blobs.deletePrefix(videoPrefix(job.jobId));
  // REVIEW, EXPIRED: paid for and (partly) made; deleted without a refund.
  if (!(await deps.jobs.deleteIf(job.jobId, ['SUCCEEDED', 'FAILED', 'REVIEW', 'EXPIRED']))) {
    throw new JobStateConflict('The video changed while it was being deleted; try again.');
  }
  return { deletedFiles, refunded };
}
