import { AbsoluteFill, Img, interpolate, useCurrentFrame, useVideoConfig } from 'remotion';
import { kenBurnsAt } from './ken-burns.js';

export interface KenBurnsSceneProps {
  imageUrl: string;
  index: number;
  /** Frames the scene fades in over; 0 for no fade (the first scene). */
  fadeInFrames: number;
}

/**
 * One scene's picture, full-bleed, slowly zooming (1.0→1.12, or back for every third scene)
 * and drifting. Only transform and opacity change, and both are declared with `will-change`, so
 * Chromium rasters the picture once per scene and its compositor moves, scales and fades it;
 * without that every frame re-rastered the whole page, captions included (BENCHMARKS.md).
 * Must sit inside a Sequence spanning the scene: the frame and duration are the sequence's.
 */
export function KenBurnsScene({ imageUrl, index, fadeInFrames }: KenBurnsSceneProps) {
  const frame = useCurrentFrame();
  const { durationInFrames } = useVideoConfig();
  const { scale, x, y } = kenBurnsAt(index, frame, durationInFrames);
  const opacity =
    fadeInFrames > 0 ? interpolate(frame, [0, fadeInFrames], [0, 1], { extrapolateRight: 'clamp' }) : 1;

  return (
    <AbsoluteFill style={{ opacity, overflow: 'hidden', backgroundColor: 'black', willChange: 'opacity' }}>
      <Img
        src={imageUrl}
        style={{
          width: '100%',
          height: '100%',
          objectFit: 'cover',
          willChange: 'transform',
          transform: `translate(${x.toFixed(3)}%, ${y.toFixed(3)}%) scale(${scale.toFixed(5)})`,
        }}
      />
    </AbsoluteFill>
  );
}
