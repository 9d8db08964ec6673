/** The player and the composition, loaded on first use: they are most of the bundle's weight. */
import { Suspense, lazy } from 'react';
import type { CompositionPlayerProps } from './composition-player.js';

const Player = lazy(async () => ({ default: (await import('./composition-player.js')).CompositionPlayer }));

export function LazyCompositionPlayer(props: CompositionPlayerProps) {
  return (
    <Suspense fallback={<span className="skeleton player-fallback" style={{ aspectRatio: `${props.props.width} / ${props.props.height}` }} aria-hidden />}>
      <Player {...props} />
    </Suspense>
  );
}
