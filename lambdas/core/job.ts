import type { Script, VideoRequest } from './model.js';

/** The pipeline's steps as a user sees them, in order. Keys of `Job.steps`. */
export const STEPS = ['script', 'parse', 'images', 'voice', 'music', 'captions', 'duration', 'render', 'finalize'] as const;
export type StepName = (typeof STEPS)[number];

export const STEP_LABELS: Record<StepName, string> = {
  script: 'Write script',
  parse: 'Check script',
  images: 'Draw scenes',
  voice: 'Record voice',
  music: 'Make music',
  captions: 'Build captions',
  duration: 'Time scenes',
  render: 'Render video',
  finalize: 'Finish',
};

/** How much of the whole job each step is worth, for one progress figure. Sums to 100. */
const STEP_WEIGHTS: Record<StepName, number> = {
  script: 6,
  parse: 1,
  images: 17,
  voice: 9,
  music: 2,
  captions: 1,
  duration: 1,
  render: 61,
  finalize: 2,
};

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed';
/**
 * REVIEW: a `review` job's script, pictures, voice and captions exist and wait for the user's edits
 * and POST /render. EXPIRED: it waited in REVIEW longer than REVIEW_TTL_HOURS (its credits stay spent).
 */
export type JobStatus = 'QUEUED' | 'RUNNING' | 'REVIEW' | 'SUCCEEDED' | 'FAILED' | 'EXPIRED';

/** What an attempt's pipeline does once captions and timing exist: stop for review, or render. */
export type JobPhase = 'review' | 'render';

/** One rendered file of a job; a job rendered again after review keeps its earlier files. */
export interface VideoVersion {
  version: number;
  outputKey: string;
  durationMs?: number;
  finishedAt: string;
}

export interface StepState {
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  /** Invocations so far, retries included. */
  attempts?: number;
  /** Work units done / total (images drawn, render progress in per mille). */
  done?: number;
  total?: number;
  /** Work units this attempt reused instead of making again (content-addressed pictures, voice segments). */
  reused?: number;
  error?: string;
}

export interface CostLine {
  usd: number;
  units: Record<string, number>;
}

export interface Job {
  jobId: string;
  userId: string;
  status: JobStatus;
  request: VideoRequest;
  createdAt: string;
  updatedAt: string;
  steps: Record<StepName, StepState>;
  currentStep?: StepName;
  title?: string;
  /** Plain notes for the user on what they got, e.g. where the offline writer could not follow the language. */
  notes?: string[];
  sceneCount?: number;
  durationMs?: number;
  outputKey?: string;
  startedAt?: string;
  finishedAt?: string;
  error?: { step?: StepName; name: string; message: string };
  /** Spend per step; the total is derived by {@link jobCostUsd}. */
  cost: Partial<Record<StepName, CostLine>>;
  /** Render throughput, recorded by Finalize. */
  renderFps?: number;
  /**
   * Credits the current attempt holds: debited with the job (or its retry) in one transaction.
   * Absent or 0 for jobs made without credits (the CLI).
   */
  credits?: number;
  /** The held credits went back to the user; set once, in the refund's own transaction. */
  refunded?: boolean;
  /**
   * The failed attempt kept its credits: it failed because of the request, past the user's daily
   * refunds of such failures (lambdas/core/credits.ts). A retry pays again.
   */
  forfeited?: boolean;
  /** 0 for the first run, +1 per retry or re-drive; names the execution (see {@link executionName}). */
  attempt?: number;
  /** Times the sweeper sent an interrupted run back to the queue. */
  redrives?: number;
  /** When the current attempt was queued. */
  queuedAt?: string;
  /** The checked script, kept so a retry reuses it (and so every content-addressed asset) instead of paying again. */
  script?: Script;
  /** The Idempotency-Key the job was created with, if any. */
  idempotencyKey?: string;
  /** The first scene's picture: the video's thumbnail in lists (recorded when the render starts). */
  thumbnailKey?: string;
  /** What the current attempt does after captions and timing (absent: `review` if request.review and never rendered, else `render`). */
  phase?: JobPhase;
  /** The storyboard's revision: +1 per accepted edit (PATCH, regenerate, upload). */
  revision?: number;
  /** Regenerations (edits that make a picture or voice again) made so far; the first INCLUDED_REGENERATIONS are in the video's price. */
  regenerations?: number;
  /** When a job in REVIEW expires (set by Hold for Review). */
  reviewExpiresAt?: string;
  /** The render the current/next render attempt makes: 1 for the first, +1 per render after a reopen. */
  version?: number;
  /** Earlier renders kept after a reopen (the current one is `outputKey`). */
  versions?: VideoVersion[];
}

/** Fields a step may set on the job itself (not its step entry). */
export type JobPatch = Partial<
  Pick<
    Job,
    | 'status'
    | 'currentStep'
    | 'title'
    | 'notes'
    | 'sceneCount'
    | 'durationMs'
    | 'outputKey'
    | 'startedAt'
    | 'finishedAt'
    | 'error'
    | 'renderFps'
    | 'script'
    | 'queuedAt'
    | 'thumbnailKey'
    | 'reviewExpiresAt'
  >
>;

/**
 * A change to one step's entry: `undefined` leaves a field alone, `error: null` clears it,
 * `addDone` adds to `done` and `addReused` to `reused` atomically, `addAttempt` counts one more invocation.
 */
export type StepPatch = Partial<Omit<StepState, 'attempts' | 'done' | 'error'>> & {
  addDone?: number;
  /** Adds to `reused` atomically (a Map of image steps each adds its own). */
  addReused?: number;
  addAttempt?: boolean;
  done?: number;
  error?: string | null;
  /**
   * Write only while the job is QUEUED or RUNNING (else JobStateConflict): a step starting as
   * Fail Job lands must not mark itself running on a job that has ended.
   */
  whileActive?: boolean;
};

/** Every step pending: a new job, or one about to run again. */
export function pendingSteps(): Record<StepName, StepState> {
  return Object.fromEntries(STEPS.map((s) => [s, { status: 'pending' } satisfies StepState])) as Record<StepName, StepState>;
}

/**
 * The execution name of the job's current attempt: the job id for the first run, `{jobId}-r{n}`
 * after a retry or re-drive. Step Functions keeps names unique, so a duplicate start of the same
 * attempt is harmless and a new attempt can never collide with an old one.
 */
export function executionName(job: Pick<Job, 'jobId' | 'attempt'>): string {
  return job.attempt ? `${job.jobId}-r${job.attempt}` : job.jobId;
}

/**
 * The attempt an execution runs, read back from its name ({@link executionName}); undefined when
 * the name is not one of this job's (an execution started some other way).
 */
export function attemptOfExecution(name: string, jobId: string): number | undefined {
  if (name === jobId) return 0;
  const match = name.startsWith(`${jobId}-r`) ? /^[1-9]\d*$/.exec(name.slice(jobId.length + 2)) : null;
  return match ? Number(match[0]) : undefined;
}

export function newJob(input: { jobId: string; userId: string; request: VideoRequest; now: Date }): Job {
  const at = input.now.toISOString();
  const steps = pendingSteps();
  return {
    jobId: input.jobId,
    userId: input.userId,
    status: 'QUEUED',
    request: input.request,
    createdAt: at,
    updatedAt: at,
    steps,
    cost: {},
  };
}

function stepFraction(step: StepState | undefined): number {
  // Jobs stored before a step existed (music) have no entry for it.
  if (!step) return 0;
  if (step.status === 'succeeded') return 1;
  if (step.status === 'pending') return 0;
  if (step.total && step.total > 0) return Math.min(1, (step.done ?? 0) / step.total);
  return 0;
}

/** Whole-job progress, 0..100, derived from the steps. */
export function jobProgress(job: Pick<Job, 'status' | 'steps'>): number {
  if (job.status === 'SUCCEEDED') return 100;
  let sum = 0;
  for (const step of STEPS) sum += STEP_WEIGHTS[step] * stepFraction(job.steps[step]);
  return Math.round(sum);
}

/** Total estimated spend of a job in US dollars. */
export function jobCostUsd(job: Pick<Job, 'cost'>): number {
  let usd = 0;
  for (const line of Object.values(job.cost)) usd += line?.usd ?? 0;
  return Math.round(usd * 10000) / 10000;
}
