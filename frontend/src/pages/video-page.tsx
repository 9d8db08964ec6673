/**
 * One video: the step timeline while it is made (polled), a live preview of the composition as
 * soon as its assets exist, then the MP4 to play and download; on failure the reason and Retry.
 */
import type { PlayerRef } from '@remotion/player';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { creditsFor } from '../../../lambdas/core/credits.js';
import { STEPS, STEP_LABELS, type StepName } from '../../../lambdas/core/job.js';
import { ApiError } from '../api/client.js';
import { isFinished, useCredits, useDeleteVideo, useRetryVideo, useVideo } from '../api/hooks.js';
import type { StepView, Video } from '../api/types.js';
import { LazyCompositionPlayer } from '../components/lazy-player.js';
import { ReopenButton, Storyboard, VersionsList, type ReviewActivity } from '../components/storyboard.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Icon } from '../components/icons.js';
import { useToast } from '../components/toasts.js';
import { EmptyState, ErrorState, Skeleton, Spinner, StatusChip, errorMessage } from '../components/ui.js';
import { videoTitle } from '../components/video-card.js';
import { formatClock, formatDateTime, formatDuration, humanizeName, plural } from '../lib/format.js';
import { ASPECT_INFO, CAPTION_INFO, CAPTION_POSITION_INFO, CAPTION_SIZE_INFO, MUSIC_INFO } from '../lib/options.js';
import { languageInfo } from '../../../lambdas/core/languages.js';
import { Link, navigate } from '../lib/router.js';

/** The current time, ticking once a second while `active` (for running steps' elapsed time). */
function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [active]);
  return now;
}

export function VideoPage({ id }: { id: string }) {
  const video = useVideo(id);
  const data = video.data;

  useEffect(() => {
    if (data) document.title = `${videoTitle(data)} · ai-shorts`;
  }, [data]);

  const back = (
    <Link href="/videos" className="back-link">
      <Icon name="arrowLeft" size={16} /> Library
    </Link>
  );

  if (video.isPending) return <VideoPageSkeleton back={back} />;
  if (video.isError && !data) {
    const gone = video.error instanceof ApiError && video.error.status === 404;
    return (
      <div className="page">
        {back}
        {gone ? (
          <EmptyState icon="film" title="This video does not exist" action={<Link href="/videos" className="btn btn-secondary">Back to the library</Link>}>
            It may have been deleted, or the link is wrong.
          </EmptyState>
        ) : (
          <ErrorState title="This video could not be loaded" error={video.error} onRetry={() => void video.refetch()} />
        )}
      </div>
    );
  }
  if (!data) return null;
  return <VideoView video={data} back={back} stale={video.isError ? video.error : undefined} />;
}

function VideoView({ video, back, stale }: { video: Video; back: React.ReactNode; stale?: unknown }) {
  const toast = useToast();
  const credits = useCredits();
  const retry = useRetryVideo(video.id);
  const remove = useDeleteVideo(video.id);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const title = videoTitle(video);
  const finished = isFinished(video);
  // Review before render: the storyboard's "play this scene" drives the preview's Player.
  const playerRef = useRef<PlayerRef>(null);
  const [activity, setActivity] = useState<ReviewActivity | undefined>();
  const preparing = video.status === 'QUEUED' || video.status === 'RUNNING';
  const reviewActivity: ReviewActivity | undefined = preparing
    ? (activity ?? (video.steps.render?.status === 'running' ? 'rendering' : (video.storyboard?.revision ?? 0) > 0 ? 'editing' : undefined))
    : undefined;
  const showStoryboard = Boolean(video.storyboard) && (video.status === 'REVIEW' || video.status === 'EXPIRED' || reviewActivity !== undefined);

  const doDelete = () =>
    remove.mutate(undefined, {
      onSuccess: () => {
        setConfirmDelete(false);
        toast('Video deleted');
        navigate('/videos', { replace: true });
      },
      onError: (e) => {
        setConfirmDelete(false);
        toast(errorMessage(e), 'danger');
      },
    });

  const download = video.downloadUrl ?? video.videoUrl;
  const fileName = `${title.replace(/[^\w\- ]+/g, '').trim().replace(/\s+/g, '-').toLowerCase().slice(0, 60) || 'short'}.mp4`;

  return (
    <div className="page page-video">
      {back}
      <header className="video-header">
        <div className="video-header-text">
          <div className="video-header-chips">
            <StatusChip status={video.status} />
            {!finished ? <span className="muted small">{video.progress}% · updates live</span> : null}
          </div>
          <h1 className="page-title" data-testid="video-title">
            {title}
          </h1>
          <p className="muted video-meta">
            <span>{formatDateTime(video.createdAt)}</span>
            <span aria-hidden>·</span>
            <span>{formatClock(video.durationMs ? video.durationMs / 1000 : video.request.seconds)}</span>
            <span aria-hidden>·</span>
            <span>
              {ASPECT_INFO[video.request.aspect].label} {video.request.aspect}
            </span>
            <span aria-hidden>·</span>
            <span>{CAPTION_INFO[video.request.captionStyle]?.label ?? video.request.captionStyle} captions</span>
            {video.credits !== undefined ? (
              <>
                <span aria-hidden>·</span>
                <span>
                  {plural(video.credits, 'credit')}
                  {video.refunded ? ' (refunded)' : ''}
                </span>
              </>
            ) : null}
          </p>
        </div>
        <div className="page-actions">
          {video.status === 'SUCCEEDED' && video.storyboard ? <ReopenButton video={video} /> : null}
          {video.status === 'SUCCEEDED' && download ? (
            <a className="btn btn-primary" href={download} download={fileName} data-testid="download">
              <Icon name="download" size={18} /> Download
            </a>
          ) : null}
          {/* A video being made cannot be deleted (the API answers 409); a queued one is cancelled and refunded. */}
          {video.status !== 'RUNNING' ? (
            <button type="button" className="btn btn-ghost btn-danger-text" onClick={() => setConfirmDelete(true)}>
              <Icon name="trash" size={18} /> Delete
            </button>
          ) : null}
        </div>
      </header>

      {video.notes?.length ? (
        <div className="callout callout-info" role="note" data-testid="video-notes">
          <Icon name="info" size={16} />
          <span>{video.notes.join(' ')}</span>
        </div>
      ) : null}

      {stale ? (
        <p className="callout callout-warning" role="status">
          <Icon name="alert" size={16} /> Live updates paused: {errorMessage(stale)} Retrying…
        </p>
      ) : null}

      <div className={`video-layout ${video.preview || (video.status === 'SUCCEEDED' && video.videoUrl) ? 'has-media' : 'no-media'}`}>
        <section className="media-panel" aria-label="Video">
          <Media video={video} playerRef={playerRef} reviewActivity={reviewActivity} />
        </section>
        <div className="video-side">
          {video.status === 'FAILED' ? (
            <FailureCard
              video={video}
              balance={credits.data?.balance}
              busy={retry.isPending}
              error={retry.error}
              onRetry={() =>
                retry.mutate(undefined, {
                  onSuccess: () => toast('Trying again', 'info'),
                })
              }
            />
          ) : null}
          <Timeline video={video} />
          <section className="card prompt-card" aria-labelledby="prompt-title">
            <h2 id="prompt-title" className="card-title">
              Prompt
            </h2>
            <p className="prompt-text">{video.request.prompt}</p>
            <VideoSettings request={video.request} />
          </section>
          {video.versions?.length ? <VersionsList versions={video.versions} /> : null}
        </div>
        {/* In the grid so that on a phone it comes right under the preview, before the steps. */}
        {showStoryboard ? <Storyboard video={video} playerRef={playerRef} activity={reviewActivity} onActivity={setActivity} /> : null}
      </div>

      <ConfirmDialog
        open={confirmDelete}
        title="Delete this video?"
        confirmLabel="Delete video"
        busy={remove.isPending}
        onConfirm={doDelete}
        onCancel={() => setConfirmDelete(false)}
      >
        {video.status === 'QUEUED' && !video.storyboard
          ? `“${title}” has not started yet: it is cancelled and its ${plural(video.credits ?? 1, 'credit')} go back to your balance.`
          : video.status === 'REVIEW' || video.status === 'EXPIRED'
            ? `“${title}” and its pictures and voice will be removed. Its credits were spent making them and do not come back.`
            : `“${title}” and its files will be removed. This cannot be undone.`}
      </ConfirmDialog>
    </div>
  );
}

/** What the preview shows: the same object while the assets are the same (signatures aside), so a new take or picture remounts the Player. */
function previewIdentity(preview: NonNullable<Video['preview']>): string {
  const object = (url: string) => url.split('?')[0];
  return [object(preview.audioUrl), preview.durationInFrames, ...preview.scenes.map((s) => `${object(s.imageUrl)}@${s.startFrame}`)].join('|');
}

function Media({ video, playerRef, reviewActivity }: { video: Video; playerRef: RefObject<PlayerRef | null>; reviewActivity?: ReviewActivity }) {
  const frameClass = `media-frame frame-${video.request.aspect.replace(':', 'x')}`;
  if (video.status === 'SUCCEEDED' && video.videoUrl) {
    return (
      <figure className="media">
        <div className={frameClass}>
          <video
            className="media-video"
            data-testid="final-video"
            src={video.videoUrl}
            poster={video.thumbnailUrl}
            controls
            playsInline
            preload="metadata"
          />
        </div>
        <figcaption className="media-caption">
          <Icon name="check" size={16} className="tone-success-text" /> Final video
          {video.sceneCount ? <span className="muted"> · {plural(video.sceneCount, 'scene')}</span> : null}
        </figcaption>
      </figure>
    );
  }
  if (video.preview) {
    return (
      <figure className="media">
        <div className={frameClass} data-testid="preview-player">
          <LazyCompositionPlayer key={previewIdentity(video.preview)} ref={playerRef} props={video.preview} />
        </div>
        <figcaption className="media-caption">
          <span className="live-dot" aria-hidden /> Preview
          <span className="muted">
            {' '}
            ·{' '}
            {video.status === 'REVIEW'
              ? 'check it, change what you like below, then render'
              : video.status === 'EXPIRED'
                ? 'the review time ran out'
                : reviewActivity === 'editing'
                  ? 'updating after your changes…'
                  : video.status === 'SUCCEEDED'
                    ? 'the video file is not available'
                    : video.status === 'FAILED'
                      ? 'the render did not finish'
                      : 'the final video is still rendering'}
          </span>
        </figcaption>
      </figure>
    );
  }
  const failed = video.status === 'FAILED';
  return (
    <figure className="media">
      <div className={`${frameClass} media-pending ${failed ? 'is-failed' : ''}`} data-testid="preview-pending">
        <div className="media-pending-inner">
          {failed ? <Icon name="alert" size={30} /> : <Spinner size={28} />}
          <p className="media-pending-title">{failed ? 'No preview' : 'Preview not available yet'}</p>
          <p className="muted small">
            {failed ? 'The video stopped before its pictures, voice and captions were ready.' : 'It appears here once the scenes, voice and captions are ready.'}
          </p>
        </div>
      </div>
    </figure>
  );
}

function FailureCard({ video, balance, busy, error, onRetry }: { video: Video; balance?: number; busy: boolean; error: unknown; onRetry: () => void }) {
  const cost = video.credits ?? creditsFor({ seconds: video.request.seconds });
  // A refunded (or forfeited) video is paid for again on retry; one still holding its credits is not.
  const needs = video.refunded || video.forfeited ? cost : 0;
  const short = balance !== undefined && balance < needs;
  const reason = video.error?.message ?? 'The video could not be made, and no reason was recorded.';
  return (
    <section className="card failure-card" role="alert" aria-labelledby="failure-title" data-testid="failure">
      <div className="failure-head">
        <span className="state-icon tone-danger">
          <Icon name="alert" size={20} />
        </span>
        <div>
          <h2 id="failure-title" className="card-title">
            This video could not be made
          </h2>
          {video.error?.step ? <p className="muted small">Stopped at “{STEP_LABELS[video.error.step]}”</p> : null}
        </div>
      </div>
      <p className="failure-reason" data-testid="failure-reason">
        {reason}
      </p>
      {video.error?.name ? <p className="muted small">Error: {humanizeName(video.error.name)}</p> : null}
      {video.refunded ? (
        <p className="small tone-success-text">
          <Icon name="check" size={14} /> {plural(cost, 'credit')} went back to your balance.
        </p>
      ) : null}
      <div className="failure-actions">
        <button type="button" className="btn btn-primary" onClick={onRetry} disabled={busy || short}>
          {busy ? <Spinner /> : <Icon name="retry" size={18} />} Retry
          {needs > 0 ? <span className="btn-note">{plural(needs, 'credit')}</span> : null}
        </button>
        {short ? (
          <span className="small tone-danger-text">
            You have {plural(balance ?? 0, 'credit')}.{' '}
            <Link href="/credits" className="link">
              Buy credits
            </Link>
          </span>
        ) : null}
      </div>
      {error ? (
        <p className="small tone-danger-text" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}
    </section>
  );
}

function Timeline({ video }: { video: Video }) {
  const finished = isFinished(video);
  const now = useNow(!finished);
  const total = video.startedAt && video.finishedAt ? Date.parse(video.finishedAt) - Date.parse(video.startedAt) : undefined;
  const headline =
    video.status === 'QUEUED'
      ? 'Waiting for a free slot'
      : video.status === 'RUNNING'
        ? video.currentStep
          ? `${STEP_LABELS[video.currentStep]}…`
          : 'Starting…'
        : video.status === 'SUCCEEDED'
          ? 'Done'
          : video.status === 'REVIEW'
            ? 'Ready to review'
            : video.status === 'EXPIRED'
              ? 'Review expired'
              : 'Stopped';
  return (
    <section className="card timeline-card" aria-labelledby="timeline-title">
      <div className="timeline-head">
        <h2 id="timeline-title" className="card-title">
          Progress
        </h2>
        <span className="muted small" data-testid="progress-label">
          {headline}
          {total !== undefined && Number.isFinite(total) ? ` · ${formatDuration(total)}` : ''}
        </span>
      </div>
      <div
        className={`progress progress-lg ${video.status === 'FAILED' ? 'is-failed' : video.status === 'SUCCEEDED' ? 'is-done' : ''}`}
        role="progressbar"
        aria-label="Overall progress"
        aria-valuenow={video.progress}
        aria-valuemin={0}
        aria-valuemax={100}
        data-testid="overall-progress"
      >
        <span style={{ width: `${video.progress}%` }} />
      </div>
      <ol className="timeline" aria-label="Steps">
        {STEPS.map((name) => (
          <StepRow key={name} name={name} step={video.steps[name]} now={now} jobFailed={video.status === 'FAILED'} />
        ))}
      </ol>
    </section>
  );
}

function StepRow({ name, step, now, jobFailed }: { name: StepName; step?: StepView; now: number; jobFailed: boolean }) {
  const status = step?.status ?? 'pending';
  const started = step?.startedAt ? Date.parse(step.startedAt) : undefined;
  const duration =
    step?.durationMs ??
    (step?.endedAt && started !== undefined ? Date.parse(step.endedAt) - started : status === 'running' && started !== undefined ? Math.max(0, now - started) : undefined);
  const fraction = step?.total ? Math.min(1, (step.done ?? 0) / step.total) : undefined;
  const detail =
    status === 'running' && step?.total
      ? name === 'render'
        ? `${Math.round((fraction ?? 0) * 100)}%`
        : `${step.done ?? 0} of ${step.total}${name === 'images' ? ' scenes' : ''}`
      : status === 'succeeded' && name === 'images' && step?.total
        ? plural(step.total, 'scene')
        : undefined;
  // Invocations beyond the expected ones are retries: a Map step (images) runs once per item, and
  // Render is polled in a loop, so its count says nothing about retries.
  const retries = name === 'render' ? 0 : (step?.attempts ?? 0) - Math.max(1, name === 'images' ? (step?.total ?? 1) : 1);
  const stateLabel = status === 'pending' ? (jobFailed ? 'Not run' : 'Waiting') : status === 'running' ? 'In progress' : status === 'succeeded' ? 'Done' : 'Failed';
  return (
    <li className={`step step-${status} ${jobFailed && status === 'pending' ? 'step-skipped' : ''}`} data-step={name} data-status={status}>
      <span className="step-icon" aria-hidden>
        {status === 'succeeded' ? <Icon name="check" size={14} /> : status === 'failed' ? <Icon name="x" size={14} /> : status === 'running' ? <span className="step-pulse" /> : null}
      </span>
      <div className="step-body">
        <div className="step-line">
          <span className="step-label">{STEP_LABELS[name]}</span>
          <span className="visually-hidden">: {stateLabel}</span>
          <span className="step-time muted small">
            {detail ? <span className="step-detail">{detail}</span> : null}
            {duration !== undefined && status !== 'pending' ? formatDuration(duration) : null}
          </span>
        </div>
        {status === 'running' && fraction !== undefined ? (
          <div className="progress progress-sm" aria-hidden>
            <span style={{ width: `${Math.max(2, fraction * 100)}%` }} />
          </div>
        ) : null}
        {retries > 0 ? <span className="step-note small">{retries === 1 ? 'Retried once' : `Retried ${retries} times`}</span> : null}
        {status === 'failed' && step?.error ? <span className="step-error small">{step.error}</span> : null}
      </div>
    </li>
  );
}

function VideoPageSkeleton({ back }: { back: React.ReactNode }) {
  return (
    <div className="page page-video" aria-busy="true" aria-label="Loading video">
      {back}
      <div className="video-header">
        <div className="video-header-text stack-sm">
          <Skeleton width={70} height={22} radius={99} />
          <Skeleton width="min(520px, 80%)" height={30} />
          <Skeleton width="min(360px, 60%)" height={14} />
        </div>
      </div>
      <div className="video-layout">
        <div className="media-panel">
          <Skeleton className="media-frame frame-9x16" height="auto" radius={18} />
        </div>
        <div className="video-side">
          <div className="card stack">
            <Skeleton width={120} height={18} />
            <Skeleton height={8} radius={99} />
            {STEPS.map((s) => (
              <Skeleton key={s} width={`${50 + ((s.length * 7) % 40)}%`} height={14} />
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}

/** How the video was asked to look and sound: language, music, captions, voice, brand kit. */
function VideoSettings({ request }: { request: Video['request'] }) {
  const language = languageInfo(request.language);
  const music =
    request.music === 'none' ? 'None' : request.music in MUSIC_INFO ? MUSIC_INFO[request.music as keyof typeof MUSIC_INFO].label : 'Your track';
  const captions = [
    CAPTION_INFO[request.captionStyle]?.label ?? request.captionStyle,
    request.captionPosition ? CAPTION_POSITION_INFO[request.captionPosition].label : undefined,
    request.captionSize ? CAPTION_SIZE_INFO[request.captionSize].label : undefined,
  ].filter(Boolean);
  return (
    <dl className="video-settings" data-testid="video-settings">
      <div>
        <dt>Language</dt>
        <dd data-testid="video-language" lang={request.language}>
          {language.nativeName === language.name ? language.name : `${language.nativeName} · ${language.name}`}
          {request.language.includes('-') ? ` (${request.language})` : ''}
        </dd>
      </div>
      <div>
        <dt>Music</dt>
        <dd data-testid="video-music">{music}</dd>
      </div>
      <div>
        <dt>Captions</dt>
        <dd data-testid="video-captions">{captions.join(' · ')}</dd>
      </div>
      <div>
        <dt>Voice</dt>
        <dd>
          {request.voice ?? 'Default'}
          {request.voiceSpeed !== undefined && request.voiceSpeed !== 1 ? ` · ${request.voiceSpeed}×` : ''}
        </dd>
      </div>
      {request.brand ? (
        <div>
          <dt>Brand kit</dt>
          <dd data-testid="video-brand">Applied</dd>
        </div>
      ) : null}
    </dl>
  );
}
