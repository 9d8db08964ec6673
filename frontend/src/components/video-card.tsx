import type { Video } from '../api/types.js';
import { formatClock, timeAgo } from '../lib/format.js';
import { Link } from '../lib/router.js';
import { Icon } from './icons.js';
import { Skeleton, StatusChip } from './ui.js';
import { STEP_LABELS } from '../../../lambdas/core/job.js';

/** A steady two-colour gradient per video, for cards without a picture yet. */
function placeholderHue(id: string): number {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

export function videoTitle(video: Pick<Video, 'title' | 'request'>): string {
  return video.title ?? video.request.prompt;
}

export function VideoCard({ video }: { video: Video }) {
  const title = videoTitle(video);
  const hue = placeholderHue(video.id);
  const seconds = video.durationMs ? video.durationMs / 1000 : video.request.seconds;
  const making = video.status === 'RUNNING' || video.status === 'QUEUED';
  return (
    <Link href={`/videos/${encodeURIComponent(video.id)}`} className="video-card" data-testid="video-card" data-status={video.status}>
      <div
        className={`thumb thumb-${video.request.aspect.replace(':', 'x')}`}
        style={{ ['--hue' as string]: String(hue) }}
      >
        {video.thumbnailUrl ? (
          <>
            <img className="thumb-blur" src={video.thumbnailUrl} alt="" loading="lazy" aria-hidden />
            <img className="thumb-img" src={video.thumbnailUrl} alt="" loading="lazy" />
          </>
        ) : (
          <span className="thumb-placeholder" aria-hidden>
            <Icon name={video.status === 'FAILED' ? 'alert' : 'film'} size={28} />
          </span>
        )}
        <StatusChip status={video.status} className="thumb-status" />
        <span className="thumb-duration">{formatClock(seconds)}</span>
        {making ? (
          <span className="thumb-progress" role="progressbar" aria-label="Progress" aria-valuenow={video.progress} aria-valuemin={0} aria-valuemax={100}>
            <span style={{ width: `${Math.max(3, video.progress)}%` }} />
          </span>
        ) : null}
      </div>
      <div className="video-card-body">
        <span className="video-card-title" title={title}>
          {title}
        </span>
        <span className="video-card-meta muted small">
          {making && video.currentStep ? `${STEP_LABELS[video.currentStep]} · ${video.progress}%` : timeAgo(video.createdAt)}
          <span aria-hidden> · </span>
          {video.request.aspect}
        </span>
      </div>
    </Link>
  );
}

export function VideoCardSkeleton() {
  return (
    <div className="video-card video-card-skeleton" aria-hidden>
      <Skeleton className="thumb" height="auto" radius={14} />
      <div className="video-card-body">
        <Skeleton width="85%" height={14} />
        <Skeleton width="50%" height={12} />
      </div>
    </div>
  );
}
