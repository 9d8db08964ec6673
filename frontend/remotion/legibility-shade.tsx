import { AbsoluteFill } from 'remotion';
import type { CaptionPosition } from '../../lambdas/core/model.js';
import { useFrameSize } from './frame-size.js';
import { frameLayout } from './layout.js';

/**
 * A soft dark band behind the caption zone so white words read on bright pictures too.
 * A static gradient: no filter, nothing recomputed per frame. Follows the captions' position.
 */
export function LegibilityShade({ position }: { position?: CaptionPosition }) {
  const { width, height } = useFrameSize();
  const { captionTop, captionHeight } = frameLayout(width, height, position);
  const top = Math.max(0, (captionTop - captionHeight * 0.6) / height);
  const mid = (captionTop + captionHeight / 2) / height;
  const bottom = Math.min(1, (captionTop + captionHeight * 1.6) / height);
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return (
    <AbsoluteFill
      style={{
        background: `linear-gradient(to bottom, rgba(0,0,0,0) ${pct(top)}, rgba(0,0,0,0.22) ${pct(mid)}, rgba(0,0,0,0) ${pct(bottom)})`,
      }}
    />
  );
}
