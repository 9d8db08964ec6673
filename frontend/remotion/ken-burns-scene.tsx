import { AbsoluteFill, Img, interpolate, useCurrentFrame, useVideoConfig, Easing } from 'remotion';

/** Pan directions (unit vectors, x then y), cycled by scene index so neighbours move differently. */
const PAN_DIRECTIONS: ReadonlyArray<readonly [number, number]> = [
  [1, 0.4],
  [-1, -0.3],
  [0.3, 1],
  [-0.6, 0.8],
  [0.8, -0.6],
];

const MAX_ZOOM = 1.12;

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
  const t = interpolate(frame, [0, Math.max(1, durationInFrames - 1)], [0, 1], {
    extrapolateLeft: 'clamp',
    extrapolateRight: 'clamp',
    easing: Easing.inOut(Easing.sin),
  });
  const zoomOut = index % 3 === 2;
  const scale = zoomOut ? MAX_ZOOM - (MAX_ZOOM - 1) * t : 1 + (MAX_ZOOM - 1) * t;
  const [dx, dy] = PAN_DIRECTIONS[index % PAN_DIRECTIONS.length] ?? [1, 0];
  // The pan never exceeds the margin the zoom adds, so the image edge never shows.
  const reach = ((scale - 1) / 2) * 100 * 0.85;
  const norm = Math.hypot(dx, dy) || 1;
  const x = (dx / norm) * reach;
  const y = (dy / norm) * reach;
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
