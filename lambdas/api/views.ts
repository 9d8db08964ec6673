import type { ShortVideoProps } from '../core/video-props.js';
/** Job records and ledger entries as the API shows them (see schemas.ts). */
import type { z } from 'zod';
import { creditsFor } from '../core/credits.js';
import { jobCostUsd, jobProgress, STEP_LABELS, STEPS, type Job } from '../core/job.js';
import type { BatchRecord, LedgerEntry } from '../core/ports.js';
import type { ApiKeyRecord } from '../core/api-keys.js';
import type { ApiKeyView, BatchView, LedgerEntryView, VideoDetail, VideoSummary } from './schemas.js';
import type { StoryboardView } from './review-schemas.js';

/** Presigned URLs that go with a job's view, made by the handler (the view itself is pure). */
export interface VideoUrls {
  thumbnailUrl?: string;
  video?: { url: string; expiresAt: string };
  downloadUrl?: string;
  /** The composition's props with presigned URLs, from Start Render on. */
  preview?: ShortVideoProps;
  /** Presigned URLs of earlier versions' files, by version. */
  versionUrls?: Record<number, string>;
}

/** What a regeneration costs, for a video in REVIEW (INCLUDED_REGENERATIONS, REGENERATION_CREDITS). */
export interface RegenerationPrices {
  included: number;
  credits: number;
}

/** The storyboard of a job that has a script; scene pictures come from the preview when it shows the same scenes. */
function storyboardView(job: Job, preview: ShortVideoProps | undefined): z.infer<typeof StoryboardView> | undefined {
  if (!job.script) return undefined;
  const images = preview && preview.scenes.length === job.script.scenes.length ? preview.scenes.map((s) => s.imageUrl) : [];
  return {
    revision: job.revision ?? 0,
    title: job.script.title,
    hook: job.script.hook,
    scenes: job.script.scenes.map((scene, i) => ({
      number: i + 1,
      narration: scene.narration,
      imagePrompt: scene.imagePrompt,
      ...(scene.durationHint !== undefined ? { durationHint: scene.durationHint } : {}),
      picture: scene.imageKey ? ('uploaded' as const) : ('generated' as const),
      ...(images[i] ? { imageUrl: images[i] } : {}),
    })),
  };
}

export function videoSummary(job: Job, urls: Pick<VideoUrls, 'thumbnailUrl'> = {}): z.infer<typeof VideoSummary> {
  return {
    id: job.jobId,
    status: job.status,
    prompt: job.request.prompt,
    ...(job.title ? { title: job.title } : {}),
    seconds: job.request.seconds,
    aspect: job.request.aspect,
    captionStyle: job.request.captionStyle,
    ...(job.request.voice ? { voice: job.request.voice } : {}),
    // Jobs stored before #14 have neither in their request.
    language: job.request.language ?? 'en',
    music: job.request.music ?? 'none',
    ...(job.request.captionPosition ? { captionPosition: job.request.captionPosition } : {}),
    ...(job.request.captionSize ? { captionSize: job.request.captionSize } : {}),
    ...(job.request.brand ? { brand: true } : {}),
    ...(job.request.voiceSpeed !== undefined ? { voiceSpeed: job.request.voiceSpeed } : {}),
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    progress: jobProgress(job),
    ...(job.currentStep && job.status !== 'SUCCEEDED' ? { currentStep: job.currentStep } : {}),
    credits: job.credits ?? creditsFor(job.request),
    ...(job.error ? { error: job.error } : {}),
    ...(urls.thumbnailUrl ? { thumbnailUrl: urls.thumbnailUrl } : {}),
  };
}

export function videoDetail(job: Job, urls: VideoUrls = {}, prices?: RegenerationPrices): z.infer<typeof VideoDetail> {
  const { video, downloadUrl, preview } = urls;
  const storyboard = storyboardView(job, preview);
  const versions = (job.versions ?? []).flatMap((v) => {
    const url = urls.versionUrls?.[v.version];
    return url ? [{ version: v.version, url, ...(v.durationMs !== undefined ? { durationMs: v.durationMs } : {}), finishedAt: v.finishedAt }] : [];
  });
  return {
    ...videoSummary(job, urls),
    ...(job.notes && job.notes.length > 0 ? { notes: job.notes } : {}),
    steps: STEPS.map((name) => {
      const step = job.steps?.[name] ?? { status: 'pending' as const };
      return { name, label: STEP_LABELS[name], ...step };
    }),
    attempt: job.attempt ?? 0,
    refunded: job.refunded ?? false,
    ...(job.forfeited ? { forfeited: true } : {}),
    ...(job.sceneCount !== undefined ? { sceneCount: job.sceneCount } : {}),
    ...(job.durationMs !== undefined ? { durationMs: job.durationMs } : {}),
    ...(job.startedAt ? { startedAt: job.startedAt } : {}),
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    costUsd: jobCostUsd(job),
    ...(video ? { videoUrl: video.url, videoUrlExpiresAt: video.expiresAt, fileUrl: `/api/videos/${encodeURIComponent(job.jobId)}/file` } : {}),
    ...(downloadUrl ? { downloadUrl } : {}),
    ...(preview ? { preview } : {}),
    ...(storyboard ? { storyboard } : {}),
    ...(job.status === 'REVIEW' && job.reviewExpiresAt && prices
      ? {
          review: {
            expiresAt: job.reviewExpiresAt,
            regenerationsIncluded: prices.included,
            regenerationsUsed: job.regenerations ?? 0,
            regenerationCredits: prices.credits,
          },
        }
      : {}),
    ...(versions.length ? { versions } : {}),
  };
}

export function ledgerEntryView(entry: LedgerEntry): z.infer<typeof LedgerEntryView> {
  return {
    id: entry.entryId,
    at: entry.at,
    delta: entry.delta,
    kind: entry.kind,
    ...(entry.jobId ? { jobId: entry.jobId } : {}),
    note: entry.note,
  };
}

/**
 * A batch as the API shows it. With `videos` (GET), each accepted item carries its video as it is
 * now and the summary counts their states; without (POST), every accepted video was just queued.
 */
export function batchView(batch: BatchRecord, videos?: Map<string, Job | undefined>, replayed?: boolean): z.infer<typeof BatchView> {
  const summary = { accepted: 0, refused: 0, queued: 0, running: 0, succeeded: 0, failed: 0, deleted: 0 };
  const items = batch.items.map((item) => {
    if (!item.videoId) {
      summary.refused += 1;
      return { index: item.index, prompt: item.prompt, status: 'refused' as const, ...(item.refusal ? { error: item.refusal } : {}) };
    }
    summary.accepted += 1;
    const job = videos ? videos.get(item.videoId) : undefined;
    const status = videos ? job?.status : 'QUEUED';
    if (status === 'QUEUED') summary.queued += 1;
    else if (status === 'RUNNING') summary.running += 1;
    else if (status === 'SUCCEEDED') summary.succeeded += 1;
    else if (status === 'FAILED') summary.failed += 1;
    else summary.deleted += 1;
    return { index: item.index, prompt: item.prompt, status: 'accepted' as const, videoId: item.videoId, ...(job ? { video: videoSummary(job) } : {}) };
  });
  return { id: batch.batchId, createdAt: batch.createdAt, updatedAt: batch.updatedAt, items, summary, ...(replayed === undefined ? {} : { replayed }) };
}

/** An API key as the API shows it: never the key nor its hash. */
export function apiKeyView(record: ApiKeyRecord): z.infer<typeof ApiKeyView> {
  return {
    id: record.keyId,
    name: record.name,
    scopes: [...record.scopes],
    hint: record.hint,
    createdAt: record.createdAt,
    ...(record.lastUsedAt ? { lastUsedAt: record.lastUsedAt } : {}),
  };
}
