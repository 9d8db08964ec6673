/** Library: every video of the user, newest first, as a grid of cards. */
import { useVideos } from '../api/hooks.js';
import { Icon } from '../components/icons.js';
import { EmptyState, ErrorState, PageHeader, Spinner } from '../components/ui.js';
import { VideoCard, VideoCardSkeleton } from '../components/video-card.js';
import { Link } from '../lib/router.js';

export function LibraryPage() {
  const videos = useVideos();
  const items = videos.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page">
      <PageHeader
        title="Library"
        subtitle={videos.isSuccess && items.length > 0 ? 'Your videos, newest first.' : undefined}
        actions={
          items.length > 0 ? (
            <Link href="/" className="btn btn-primary">
              <Icon name="plus" size={18} /> New video
            </Link>
          ) : undefined
        }
      />
      {videos.isPending ? (
        <div className="video-grid" aria-busy="true" aria-label="Loading videos">
          {Array.from({ length: 8 }, (_, i) => (
            <VideoCardSkeleton key={i} />
          ))}
        </div>
      ) : videos.isError ? (
        <ErrorState title="Your videos could not be loaded" error={videos.error} onRetry={() => void videos.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState
          icon="film"
          title="No videos yet"
          action={
            <Link href="/" className="btn btn-primary">
              <Icon name="wand" size={18} /> Make your first short
            </Link>
          }
        >
          Type a prompt and your first short is on its way in a minute or two.
        </EmptyState>
      ) : (
        <>
          <div className="video-grid">
            {items.map((v) => (
              <VideoCard key={v.id} video={v} />
            ))}
          </div>
          {videos.hasNextPage ? (
            <div className="center-row">
              <button type="button" className="btn btn-secondary" onClick={() => void videos.fetchNextPage()} disabled={videos.isFetchingNextPage}>
                {videos.isFetchingNextPage ? <Spinner /> : null} Load more
              </button>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}
