/**
 * What the dashboard reads from the HTTP API (docs/api.md), in the shapes the screens use.
 * The raw answers are mapped onto these in client.ts, so a renamed field changes one place.
 */
import type { JobStatus, StepName, StepState, StepStatus } from '../../../lambdas/core/job.js';
import type { Aspect, CaptionStyle } from '../../../lambdas/core/model.js';
import type { ShortVideoProps } from '../../../lambdas/core/video-props.js';

export type { JobStatus, StepName, StepStatus };

export interface VideoRequestView {
  prompt: string;
  seconds: number;
  aspect: Aspect;
  voice?: string;
  captionStyle: CaptionStyle;
}

/** A step as the API reports it: the job record's step entry. */
export type StepView = StepState;

export interface VideoError {
  step?: StepName;
  /** The error class, e.g. ProviderTimeout. */
  name?: string;
  /** A sentence a person can read. */
  message: string;
}

/** One video as the video page shows it. */
export interface Video {
  id: string;
  status: JobStatus;
  request: VideoRequestView;
  title?: string;
  createdAt: string;
  updatedAt?: string;
  startedAt?: string;
  finishedAt?: string;
  currentStep?: StepName;
  /** 0..100 */
  progress: number;
  steps: Partial<Record<StepName, StepView>>;
  error?: VideoError;
  /** Presigned URL of the MP4, once it exists. */
  videoUrl?: string;
  /** Presigned URL that downloads the MP4 as a file (Content-Disposition: attachment). */
  downloadUrl?: string;
  /** Presigned URL of the first scene's picture, once it exists. */
  thumbnailUrl?: string;
  /** The composition's props from the stored assets, once images, voice and captions exist. */
  preview?: ShortVideoProps;
  /** Credits this video holds (or held, if refunded). */
  credits?: number;
  refunded?: boolean;
  /** The failure kept its credits (caused by the request, past the daily refunds of such failures): a retry pays again. */
  forfeited?: boolean;
  durationMs?: number;
  sceneCount?: number;
  attempt?: number;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export type LedgerKind = 'grant' | 'debit' | 'refund' | 'purchase' | 'reversal';

export interface LedgerEntry {
  id: string;
  at: string;
  delta: number;
  kind: LedgerKind | string;
  note: string;
  jobId?: string;
}

/** An amount of credits to buy. */
export interface CreditPack {
  credits: number;
}

export interface Credits {
  balance: number;
  ledger: LedgerEntry[];
  nextCursor?: string;
}

export interface Me {
  userId: string;
  admin: boolean;
  balance?: number;
  /** Price of one credit, when the server says (see docs/spa-api-needs.md). */
  creditPriceCents?: number;
  currency?: string;
}

export interface CreateVideoInput {
  prompt: string;
  seconds?: number;
  aspect?: Aspect;
  voice?: string;
  captionStyle?: CaptionStyle;
}

/** One series of numbers from GET /api/metrics. */
export interface MetricSeries {
  /** What the series counts, e.g. "succeeded", "script p95". */
  metric: string;
  unit?: string;
  /** For step-duration series: the step and the statistic (p50, p95). */
  step?: string;
  stat?: string;
  points: { t: string; value: number }[];
}
