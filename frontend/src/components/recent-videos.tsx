import { useVideos } from '../api/hooks.js';
import { Link } from '../lib/router.js';
import { Icon } from './icons.js';
import { VideoCard, VideoCardSkeleton } from './video-card.js';

/** The newest few videos under the create form, so work in progress is one click away. */
export function RecentVideos() {
  const videos = useVideos();
  const items = videos.data?.pages.flatMap((p) => p.items).slice(0, 4) ?? [];
  if (videos.isSuccess && items.length === 0) return null;
  if (videos.isError) return null;
  return (
    <section className="recent" aria-labelledby="recent-title">
      <div className="section-head">
        <h2 id="recent-title" className="section-title">
          Recent videos
        </h2>
        <Link href="/videos" className="link link-icon">
          See all <Icon name="arrowRight" size={16} />
        </Link>
      </div>
      <div className="video-grid">
        {videos.isPending ? [0, 1, 2, 3].map((i) => <VideoCardSkeleton key={i} />) : items.map((v) => <VideoCard key={v.id} video={v} />)}
      </div>
    </section>
  );
}
