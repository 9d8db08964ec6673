/** The player and the composition, loaded on first use: they are most of the bundle's weight. */
import type { PlayerRef } from '@remotion/player';
import { Suspense, forwardRef, lazy } from 'react';
import type { ShortVideoProps } from '../../../lambdas/core/video-props.js';
import type { CompositionPlayerProps } from './composition-player.js';

const Player = lazy(async () => ({ default: (await import('./composition-player.js')).CompositionPlayer }));

/** The ref reaches the Player once it has loaded (seek and play a scene from the storyboard). */
export const LazyCompositionPlayer = forwardRef<PlayerRef, CompositionPlayerProps>(function LazyCompositionPlayer(props, ref) {
  return (
    <Suspense fallback={<span className="skeleton player-fallback" style={{ aspectRatio: `${props.props.width} / ${props.props.height}` }} aria-hidden />}>
      <Player {...props} ref={ref} />
    </Suspense>
  );
});

const Still = lazy(async () => ({ default: (await import('./composition-player.js')).CompositionThumbnail }));

/** One frame of the composition, loaded with the player's chunk. */
export function LazyCompositionThumbnail(props: { props: ShortVideoProps; frame: number; className?: string }) {
  return (
    <Suspense fallback={<span className="skeleton player-fallback" style={{ aspectRatio: `${props.props.width} / ${props.props.height}` }} aria-hidden />}>
      <Still {...props} />
    </Suspense>
  );
}
