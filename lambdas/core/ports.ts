import type { Aspect, MusicMood, Script, VideoRequest, WordTiming } from './model.js';
import type { ShortVideoProps } from './video-props.js';
import type { ExecutionInput } from './pipeline/events.js';
import type { Job, JobPatch, JobPhase, JobStatus, StepName, StepPatch, StepState } from './job.js';
import type { UserLimits } from './jobs/limits.js';

/** Money and units a provider call used, for the job's cost line. */
export interface Spend {
  /** What was consumed, e.g. `{ tokens: 812 }`, `{ images: 1 }`, `{ characters: 640 }`. */
  units: Record<string, number>;
  /** Estimated cost in US dollars. 0 for offline providers. */
  usd: number;
}

/** Writes a script for a request. Returns the model's raw answer; the Parse Script step validates it. */
export interface ScriptWriter {
  readonly name: string;
  /** `notes`: what the user should know about the script (where it could not follow the request), shown on the job. */
  write(request: VideoRequest): Promise<{ raw: string; spend: Spend; notes?: string[] }>;
}

export interface ImageRequest {
  prompt: string;
  /** One clause shared by every scene of a video so they look like one film. */
  style: string;
  aspect: Aspect;
  width: number;
  height: number;
  /** Stable per scene, so a rerun draws the same picture. */
  seed: number;
}

/** Draws one scene image. */
export interface ImageGenerator {
  readonly name: string;
  /** Identifies provider + model, so content-addressed keys differ between them. */
  readonly cacheKey: string;
  generate(request: ImageRequest): Promise<{ bytes: Uint8Array; contentType: string; spend: Spend }>;
}

export interface Speech {
  audio: Uint8Array;
  contentType: string;
  /** File extension for the audio, without the dot (wav, mp3). */
  extension: string;
  durationMs: number;
  /** Every spoken word, in order, with offsets into the synthesized text. */
  words: WordTiming[];
  spend: Spend;
}

/** Speaks a text and reports when each word is said. */
export interface SpeechSynthesizer {
  readonly name: string;
  readonly cacheKey: string;
  /**
   * `language`: the video's BCP 47 tag (the voice speaks it; words are counted as its captions
   * count them). `speed`: 0.8–1.3, 1 (or absent) the voice's own pace; a provider that cannot
   * reach a speed refuses it naming `voiceSpeed`, never ignores it.
   */
  synthesize(input: { text: string; voice?: string; language?: string; speed?: number }): Promise<Speech>;
}

/** What a music bed is asked for: a mood, a text prompt (cloud models), a length, a seed (stable per video). */
export interface MusicRequest {
  mood: MusicMood;
  /** A short description of the music, for generators that take text (ElevenLabs). */
  prompt: string;
  lengthMs: number;
  seed: number;
}

/** Composes an instrumental music bed for a video. */
export interface MusicGenerator {
  readonly name: string;
  /** Identifies provider + model, so content-addressed keys differ between them. */
  readonly cacheKey: string;
  compose(request: MusicRequest): Promise<{ bytes: Uint8Array; spend: Spend }>;
}

export interface RenderProgress {
  done: boolean;
  /** 0..1 */
  progress: number;
  /** Set when the render failed for good; the renderer's own message. */
  fatalError?: string;
  /** Blob key of the finished MP4 (when done). */
  outputKey?: string;
  spend?: Spend;
  /** Frames rendered per second of wall time, when the renderer knows it. */
  framesPerSecond?: number;
}

/** Renders the composition to an MP4 stored under `outputKey`. Start, then poll. */
export interface VideoRenderer {
  readonly name: string;
  start(input: { jobId: string; props: ShortVideoProps; outputKey: string }): Promise<{ renderId: string }>;
  progress(renderId: string): Promise<RenderProgress>;
}

/** Object storage for assets and videos (S3). */
export interface BlobStore {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array>;
  exists(key: string): Promise<boolean>;
  /**
   * A time-limited GET URL a browser or renderer can fetch. With `downloadName`, the answer
   * asks the browser to save the file under that name (Content-Disposition: attachment).
   */
  presignGet(key: string, expiresInSeconds?: number, options?: { downloadName?: string }): Promise<string>;
  deletePrefix(prefix: string): Promise<number>;
  /** Keys under a prefix (at most `limit`, default 1000), in key order. */
  list(prefix: string, limit?: number): Promise<string[]>;
  /**
   * A time-limited PUT URL for exactly one object: its content type and length are signed, so the
   * upload must send those very headers (`headers` to send with it) or the store refuses it.
   */
  presignPut(key: string, options: { contentType: string; contentLength: number; expiresInSeconds: number }): Promise<{ url: string; headers: Record<string, string> }>;
}

/** Durable job records (DynamoDB). */
export interface JobStore {
  create(job: Job): Promise<void>;
  get(jobId: string): Promise<Job | undefined>;
  update(jobId: string, patch: JobPatch): Promise<void>;
  /**
   * Records one step's state; concurrent calls for different steps (or different fields of one
   * step) never overwrite each other. Returns the step's state after the change.
   */
  updateStep(jobId: string, step: StepName, patch: StepPatch): Promise<StepState>;
  /** Adds to the job's running cost. */
  addSpend(jobId: string, step: StepName, spend: Spend): Promise<void>;
}

/** Wall clock, injectable so tests can pin time. */
export interface Clock {
  now(): Date;
}

/** A page of a list and where the next one starts (an opaque cursor), if there is one. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Queries over the job records (the jobs table's `byUser` and `byStatus` indexes). */
export interface JobIndex {
  /** A user's jobs, newest first. */
  listByUser(userId: string, options: { limit: number; cursor?: string }): Promise<Page<Job>>;
  /** Jobs in a status whose last update lies in the given window (open ends when omitted), oldest first. */
  listByStatus(status: JobStatus, options?: { updatedAfter?: Date; updatedBefore?: Date; limit?: number }): Promise<JobRef[]>;
  countByStatus(status: JobStatus): Promise<number>;
  /**
   * Changes a job only if it is still in the `expected` status (and attempt, when given);
   * `remove` drops fields. Returns false when the job moved on meanwhile (or is gone).
   */
  transition(jobId: string, expected: { status: JobStatus | readonly JobStatus[]; attempt?: number }, change: JobTransition): Promise<boolean>;
  /** Deletes the record if it is in one of `statuses`; false when it is not (or is gone). */
  deleteIf(jobId: string, statuses: JobStatus[]): Promise<boolean>;
}

/** What the `byStatus` index holds of a job. */
export interface JobRef {
  jobId: string;
  userId: string;
  status: JobStatus;
  updatedAt: string;
  createdAt: string;
}

/** A conditional change of a job: fields to set (steps replaced whole), fields to drop, counters to add to. */
export interface JobTransition {
  set: Partial<Omit<Job, 'jobId' | 'userId' | 'updatedAt'>>;
  /**
   * Fields of single steps set in the same write, each on its own (the step's other fields
   * kept): a job that ends shows its last step ended with it, never a done video with a step
   * still running. Not together with `set.steps` (the paths would overlap).
   */
  stepFields?: Partial<Record<StepName, Partial<StepState>>>;
  remove?: (keyof Job)[];
  increment?: Partial<Record<'attempt' | 'redrives', number>>;
}

/** One credit movement. Entries are never changed; the balance is their sum. */
export interface LedgerEntry {
  userId: string;
  /** `{ISO time}#{kind}#{reference}`: sorts by time. */
  entryId: string;
  at: string;
  /** Credits added (positive) or taken (negative). */
  delta: number;
  /** `reversal`: credits of a refunded or disputed payment taken back (the balance may go below zero). */
  kind: 'grant' | 'debit' | 'refund' | 'purchase' | 'reversal' | 'regeneration';
  jobId?: string;
  attempt?: number;
  /** The Stripe checkout session of a purchase; the payment intent of a reversal. */
  reference?: string;
  note: string;
}

export interface Account {
  userId: string;
  balance: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * Credits (DynamoDB): every balance change is one transaction that also writes its ledger entry,
 * so the ledger always sums to the balance, and each change is guarded so it happens once.
 */
export interface CreditStore {
  /** The user's account, created with `startingCredits` (and a ledger entry) on first sight, exactly once. */
  account(userId: string, startingCredits: number): Promise<Account>;
  /** Ledger entries, newest first. */
  ledger(userId: string, options: { limit: number; cursor?: string }): Promise<Page<LedgerEntry>>;
  /**
   * In one transaction: debit `job.credits` (only if the balance covers it), write the job
   * (QUEUED, only if new) and a ledger entry, and with an idempotency key, record it. With
   * `limits`, the same transaction takes one of the user's places for videos in progress and
   * counts the order in its hour and day, each only while under its limit. A key seen before
   * returns the job it made (`replayed`), debits and counts nothing. Throws InsufficientCredits,
   * IdempotencyKeyReused, LimitExceeded.
   */
  createJob(input: {
    job: Job;
    startingCredits: number;
    idempotency?: { key: string; requestHash: string; ttlSeconds: number };
    limits?: UserLimits;
  }): Promise<{ job: Job; replayed: boolean }>;
  /**
   * Fails the job's current attempt and gives its held credits back, once: the job (FAILED,
   * `refunded`, and the readable `failure` when given), the balance and the ledger entry change
   * in one transaction, which also frees the job's place among the user's videos in progress. A
   * failure the request caused (credits.ts `isUserCausedFailure`) is refunded only while the
   * user's refunds of such failures today are under the cap, counted in the same transaction;
   * past it the job fails `forfeited`, its error saying why. False when nothing was refunded.
   */
  refund(jobId: string, note: string, failure?: { error: NonNullable<Job['error']> }): Promise<boolean>;
  /**
   * Queues a FAILED job again as a new attempt. If its credits were refunded (or forfeited),
   * debits them again in the same transaction (one video, one net debit); if they are still held,
   * carries them over. With `limits`, the retry takes a place and counts as an order, as
   * createJob does. Throws InsufficientCredits, JobStateConflict, LimitExceeded.
   */
  requeueFailed(job: Job, change: { credits: number; now: Date; limits?: UserLimits }): Promise<Job>;
  /**
   * A change to a job in REVIEW (docs/api.md "Review before render"), in one transaction, only
   * while the job is still REVIEW at the revision read: with `script`, the new storyboard and
   * `revision + 1`; `regenerations` more counted; the job queued again for `phase` as a new
   * attempt (steps pending, the attempt's fields removed); with `charge` > 0, that many credits
   * debited with a `regeneration` ledger entry; with an idempotency key, its record. A key seen
   * before with the same request returns the job as it is now (`replayed`), changing nothing.
   * Throws JobStateConflict (`video_busy`), InsufficientCredits, IdempotencyKeyReused.
   */
  applyReviewChange(input: {
    job: Job;
    script?: Script;
    regenerations: number;
    phase: JobPhase;
    charge: number;
    now: Date;
    idempotency?: { key: string; requestHash: string; ttlSeconds: number };
  }): Promise<{ job: Job; replayed: boolean }>;
  /** Deletes a QUEUED job and refunds its credits (and frees its place) in one transaction; false if it is no longer QUEUED. */
  cancelQueued(job: Job, now: Date): Promise<boolean>;
  /**
   * Credits a paid checkout once per `reference` (the Stripe checkout session id), and records its
   * payment so refunds and disputes can find the buyer. A refund or dispute that arrived before the
   * checkout is taken back in the same transaction. False when seen before.
   */
  purchase(input: { userId: string; credits: number; reference: string; note: string; startingCredits: number; payment: Payment }): Promise<boolean>;
  /**
   * Takes back the credits of a payment that was refunded (`refundedCents`: Stripe's cumulative
   * `amount_refunded`) or disputed (`dispute`), in proportion to the money that went back, rounded
   * up to whole credits, never more than were bought. Idempotent: the payment's record keeps what
   * was refunded, disputed and taken back, so a repeated or late event takes nothing more. The
   * balance may go below zero. A payment not credited yet is remembered, and taken back when its
   * checkout arrives.
   */
  reverse(input: { paymentId: string; refundedCents?: number; dispute?: { id: string; amountCents: number } }): Promise<Reversal>;
}

/** The payment behind a purchase (a Stripe payment intent): what was charged, in the charge's currency. */
export interface Payment {
  id: string;
  amountCents: number;
  currency: string;
}

/** What a refund or dispute took back. */
export interface Reversal {
  /** Credits taken back now (0 when nothing more was due). */
  taken: number;
  /** The buyer, when the payment was credited by this product. */
  userId?: string;
}

/** The admission queue of job ids (SQS). */
export interface JobQueue {
  /** Puts the job id on the queue; with a delay, it becomes visible that many seconds later. */
  enqueue(jobId: string, delaySeconds?: number): Promise<void>;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'NOT_FOUND';

/** Starts pipeline executions (Step Functions, or the local runner). */
export interface PipelineStarter {
  /** Starts an execution named `name`; a name already started is not an error (`already-started`). */
  start(name: string, input: ExecutionInput): Promise<'started' | 'already-started'>;
  status(name: string): Promise<ExecutionStatus>;
  /** Stops a running execution (a stuck job); a finished or unknown one is left alone. */
  stop(name: string, cause: string): Promise<void>;
}

/** One request of a batch: the video it made, or why it was refused (the API's error answer). */
export interface BatchItem {
  index: number;
  /** The prompt, for reading the batch back (the video keeps the whole request). */
  prompt: string;
  videoId?: string;
  refusal?: BatchRefusal;
}

/** Why an item was refused: the status, code and message POST /api/videos would have answered (and, over a limit, which and for how long). */
export interface BatchRefusal {
  status: number;
  code: string;
  message: string;
  limit?: string;
  retryAfterSeconds?: number;
}

/** A batch of video orders (POST /api/batches): which made videos and which were refused. */
export interface BatchRecord {
  batchId: string;
  userId: string;
  createdAt: string;
  updatedAt: string;
  items: BatchItem[];
  /** Optimistic lock: each save puts the record only if it is still the version it read. */
  version: number;
}

export interface BatchStore {
  get(batchId: string): Promise<BatchRecord | undefined>;
  /**
   * Puts the record if it is new (`version` 1) or still at `version - 1`; false when another
   * request saved it first (read it again and merge).
   */
  save(record: BatchRecord): Promise<boolean>;
}
