import type { Scene, Script, VideoRequest, WordTiming } from '../model.js';
import type { CaptionPage } from '../video-props.js';

/**
 * The payloads the state machine passes to each step (see state-machines/video-pipeline.asl.json,
 * whose `Parameters` build them). Kept small: big data lives in S3, keys travel.
 */
export interface ExecutionInput {
  jobId: string;
  request: VideoRequest;
  /** `review`: stop at Hold for Review after Compute Duration; `render` (or absent): render. Set by the dispatcher from the job. */
  phase?: 'review' | 'render';
  /** Which render of the job this is (1 for the first); names the output file. */
  version?: number;
}

export interface Draft {
  raw: string;
  /** The job's own stored script (an earlier attempt's, or the storyboard edited in review), not a model's draft. */
  kept?: boolean;
}

export interface GenerateScriptEvent extends ExecutionInput {}
export interface ParseScriptEvent extends ExecutionInput {
  draft: Draft;
}

export interface GenerateImageEvent {
  jobId: string;
  index: number;
  scene: Scene;
  style: string;
  aspect: VideoRequest['aspect'];
}
export interface ImageAsset {
  key: string;
  /** True when the image already existed under its content address and was not paid for again. */
  reused: boolean;
}

export interface GenerateVoiceEvent extends ExecutionInput {
  script: Script;
}
export interface VoiceAsset {
  audioKey: string;
  durationMs: number;
  words: WordTiming[];
  /** Character offset where each narration segment (hook, scene 1, …) starts in the spoken text. */
  segmentStarts: number[];
  reused: boolean;
}

/** The music bed made by Generate Music (null when the request asks for none). */
export interface MusicAsset {
  key: string;
  durationMs: number;
  /** True when the bed already existed under its content address and was not paid for again. */
  reused: boolean;
}
export interface GenerateMusicEvent extends ExecutionInput {
  script: Script;
}

export interface BuildCaptionsEvent {
  jobId: string;
  words: WordTiming[];
  captionStyle: VideoRequest['captionStyle'];
  /** The request's BCP 47 language (word breaking without spaces for ja, zh, th); absent: en. */
  language?: string;
  /**
   * The whole request, as the state machine passes it (`"request.$": "$.request"`): a job stored
   * before #14 has no `request.language`, and a JSONPath to a missing field would fail the state.
   */
  request?: Partial<Pick<VideoRequest, 'language'>>;
}

export interface ComputeDurationEvent {
  jobId: string;
  script: Script;
  voice: VoiceAsset;
}
export interface Timeline {
  fps: number;
  durationInFrames: number;
  crossfadeFrames: number;
  scenes: { startFrame: number; durationInFrames: number }[];
}

export interface StartRenderEvent extends ExecutionInput {
  title: string;
  images: ImageAsset[];
  audioKey: string;
  /** Absent in executions started before music existed; null: no music. */
  music?: MusicAsset | null;
  captions: CaptionPage[];
  timeline: Timeline;
}
export interface RenderTicket {
  renderId: string;
  outputKey: string;
  startedAt: string;
  timeoutSeconds: number;
}

/** Hold for Review gets what Start Render gets (it writes the same preview plan), and the execution's name (its attempt). */
export interface HoldForReviewEvent extends StartRenderEvent {
  execution?: string;
}
/** `held`: the job is in REVIEW until `expiresAt`; false when it had moved on (it is left as it is). */
export interface ReviewHold {
  held: boolean;
  expiresAt?: string;
}

export interface CheckRenderEvent {
  jobId: string;
  renderId: string;
  startedAt: string;
  timeoutSeconds: number;
}
export interface RenderStatus {
  done: boolean;
  timedOut: boolean;
  progress: number;
  outputKey?: string;
  framesPerSecond?: number;
}

export interface FinalizeJobEvent {
  jobId: string;
  /**
   * The execution's name (`$$.Execution.Name`): it names the attempt this run is for, so Finalize
   * can finish only that attempt. Absent in executions started before the state machine passed it.
   */
  execution?: string;
  render: RenderTicket;
  renderStatus: RenderStatus;
  timeline: Timeline;
}

/** What a Catch puts at `$.error`. In AWS, `Cause` is a JSON string from the Lambda runtime. */
export interface CaughtError {
  Error: string;
  Cause?: string;
}
export interface FailJobEvent {
  jobId: string;
  error: CaughtError;
}
