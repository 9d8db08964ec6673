import type { Aspect, VideoRequest, WordTiming } from './model.js';
import type { ShortVideoProps } from './video-props.js';
import type { Job, JobPatch, StepName, StepPatch, StepState } from './job.js';

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
  write(request: VideoRequest): Promise<{ raw: string; spend: Spend }>;
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
  synthesize(input: { text: string; voice?: string }): Promise<Speech>;
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
  /** A time-limited GET URL a browser or renderer can fetch. */
  presignGet(key: string, expiresInSeconds?: number): Promise<string>;
  deletePrefix(prefix: string): Promise<number>;
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
