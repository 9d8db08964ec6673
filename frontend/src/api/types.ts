/**
 * What the dashboard reads from the HTTP API, in the shapes the screens use. The answers' own
 * types are generated from the OpenAPI document (lambdas/api/client/openapi-types.ts); client.ts
 * maps them onto these, so a renamed field fails the type check in one place.
 */
import type { JobStatus, StepName, StepState, StepStatus } from '../../../lambdas/core/job.js';
import type { Aspect, CaptionPosition, CaptionSize, CaptionStyle } from '../../../lambdas/core/model.js';
import type { ShortVideoProps } from '../../../lambdas/core/video-props.js';
import type { Schemas } from '../../../lambdas/api/client/shorts-client.js';
import type { ReviewView, StoryboardView, VersionView } from './storyboard.js';

export type { JobStatus, StepName, StepStatus };

export interface VideoRequestView {
  prompt: string;
  seconds: number;
  aspect: Aspect;
  voice?: string;
  captionStyle: CaptionStyle;
  /** BCP 47 tag (`en` for videos ordered before languages existed). */
  language: string;
  /** `none`, a mood, or an uploaded track id. */
  music: string;
  captionPosition?: CaptionPosition;
  captionSize?: CaptionSize;
  brand?: boolean;
  voiceSpeed?: number;
}

/** A step as the API reports it: the job record's step entry. */
export type StepView = StepState;

/** Why a video failed: the step, the error class (e.g. ProviderTimeout) and a sentence a person can read. */
export type VideoError = NonNullable<Schemas['VideoSummary']['error']>;

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
  /** The script as scenes (review before render): present once the script exists. */
  storyboard?: StoryboardView;
  /** While in REVIEW: when the review ends and what a change costs. */
  review?: ReviewView;
  /** Earlier renders kept after a reopen, with download links. */
  versions?: VersionView[];
  /** What the pipeline wants the user to know about what they got (e.g. an English script for another language). */
  notes?: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export type LedgerEntry = Schemas['LedgerEntry'];
export type LedgerKind = LedgerEntry['kind'];

/** An amount of credits to buy. */
export interface CreditPack {
  credits: number;
}

export interface Credits {
  balance: number;
  ledger: LedgerEntry[];
  nextCursor?: string;
}

/** The caller (GET /api/me): user id, admin role, balance and the price of a credit. */
export type Me = Schemas['Me'];

export type CreateVideoInput = Schemas['CreateVideoRequest'];

/** One line of a chart: a series of GET /api/metrics, its empty periods left out. */
export interface MetricSeries {
  /** The metric (jobs_created …): a key, and the `data-series` of its table cells. */
  id: string;
  /** The legend's words ("Succeeded", "p95"). */
  label: string;
  unit?: 'count' | 'percent' | 'ms' | 'usd';
  points: { t: string; value: number }[];
}
