import { FRAME_SIZES } from '../model.js';
import { RenderFailed } from '../errors.js';
import type { BlobStore, Clock, JobStore, VideoRenderer } from '../ports.js';
import { presignPlan, previewKey, type PreviewPlan, type ShortVideoProps } from '../video-props.js';
import type { CheckRenderEvent, RenderStatus, RenderTicket, StartRenderEvent } from './events.js';

/** How long the renderer may read the presigned asset URLs. */
const ASSET_URL_SECONDS = 6 * 3600;

/** A file name people recognise in their downloads folder. */
export function videoFileName(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '-')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'short'}.mp4`;
}

/** What the composition draws for a job, with blob keys for its assets. */
export function previewPlan(event: StartRenderEvent): PreviewPlan {
  const { width, height } = FRAME_SIZES[event.request.aspect];
  if (event.images.length !== event.timeline.scenes.length) {
    throw new RenderFailed(`There are ${event.images.length} scene images for ${event.timeline.scenes.length} scenes.`);
  }
  return {
    title: event.title,
    width,
    height,
    fps: event.timeline.fps,
    durationInFrames: event.timeline.durationInFrames,
    crossfadeFrames: event.timeline.crossfadeFrames,
    scenes: event.timeline.scenes.map((scene, i) => ({ ...scene, imageKey: event.images[i]!.key })),
    audioKey: event.audioKey,
    captions: event.captions,
    captionStyle: event.request.captionStyle,
    // Executions started before languages existed carry no language: English.
    language: event.request.language ?? 'en',
    ...(event.request.captionPosition ? { captionPosition: event.request.captionPosition } : {}),
    ...(event.request.captionSize ? { captionSize: event.request.captionSize } : {}),
    // The kit copied onto the job when it was ordered (request.brandKit): later edits of the kit do not reach it.
    ...(event.request.brand && event.request.brandKit ? { brand: event.request.brandKit } : {}),
  };
}

/** Where a render of the job lands: `videos/{jobId}/{file}.mp4` for the first, `videos/{jobId}/v{n}/{file}.mp4` after a reopen (earlier files are kept). */
export function videoOutputKey(jobId: string, title: string, version = 1): string {
  return version > 1 ? `videos/${jobId}/v${version}/${videoFileName(title)}` : `videos/${jobId}/${videoFileName(title)}`;
}

/**
 * Keeps the preview plan beside the video (`videos/{jobId}/preview.json`), so the dashboard can
 * play it while it renders or waits for review. Start Render and Hold for Review both write it.
 */
export async function writePreviewPlan(event: StartRenderEvent, blobs: BlobStore): Promise<PreviewPlan> {
  const plan = previewPlan(event);
  await blobs.put(previewKey(event.jobId), new TextEncoder().encode(JSON.stringify(plan)), 'application/json');
  return plan;
}

/** The composition's props for a job: presigned asset URLs, captions and the scene timeline. */
export async function renderProps(event: StartRenderEvent, blobs: BlobStore): Promise<ShortVideoProps> {
  return presignPlan(previewPlan(event), (key) => blobs.presignGet(key, ASSET_URL_SECONDS));
}

/** Start Render: hands the composition to the renderer; the MP4 will land under the job's key. */
export async function startRender(
  event: StartRenderEvent,
  deps: { renderer: VideoRenderer; blobs: BlobStore; jobs: JobStore; clock: Clock; timeoutSeconds: number },
): Promise<RenderTicket> {
  const plan = await writePreviewPlan(event, deps.blobs);
  const props = await presignPlan(plan, (key) => deps.blobs.presignGet(key, ASSET_URL_SECONDS));
  // The execution's version, else the job's (an execution started with only jobId and request).
  const version = event.version ?? (await deps.jobs.get(event.jobId))?.version ?? 1;
  const outputKey = videoOutputKey(event.jobId, event.title, version);
  const { renderId } = await deps.renderer.start({ jobId: event.jobId, props, outputKey });
  await deps.jobs.updateStep(event.jobId, 'render', { total: 1000, done: 0 });
  // The first scene's picture stands for the video in lists, from now on.
  if (event.images[0]) await deps.jobs.update(event.jobId, { thumbnailKey: event.images[0].key });
  return { renderId, outputKey, startedAt: deps.clock.now().toISOString(), timeoutSeconds: deps.timeoutSeconds };
}

/** Check Render: reports progress; a renderer's fatal error fails the job with the renderer's words. */
export async function checkRender(
  event: CheckRenderEvent,
  deps: { renderer: VideoRenderer; jobs: JobStore; clock: Clock },
): Promise<RenderStatus> {
  const progress = await deps.renderer.progress(event.renderId);
  if (progress.fatalError) throw new RenderFailed(`The render failed: ${progress.fatalError}`);
  await deps.jobs.updateStep(event.jobId, 'render', { done: Math.round(progress.progress * 1000) });
  if (progress.done && progress.spend) await deps.jobs.addSpend(event.jobId, 'render', progress.spend);
  const elapsedSeconds = (deps.clock.now().getTime() - Date.parse(event.startedAt)) / 1000;
  return {
    done: progress.done,
    timedOut: !progress.done && elapsedSeconds > event.timeoutSeconds,
    progress: progress.progress,
    ...(progress.outputKey ? { outputKey: progress.outputKey } : {}),
    ...(progress.framesPerSecond ? { framesPerSecond: progress.framesPerSecond } : {}),
  };
}
