import { Easing, interpolate } from 'remotion';

/** Pan directions (unit vectors, x then y), cycled by scene index so neighbours move differently. */
export const PAN_DIRECTIONS: ReadonlyArray<readonly [number, number]> = [
  [1, 0.4],
  [-1, -0.3],
  [0.3, 1],
  [-0.6, 0.8],
  [0.8, -0.6],
];

export const MAX_ZOOM = 1.12;
/** Share of the margin the zoom adds that the pan may use, so the picture's edge never shows. */
export const PAN_REACH = 0.85;

/** Scene `index` zooms out (MAX_ZOOM → 1) instead of in: every third scene. */
export function zoomsOut(index: number): boolean {
  return index % 3 === 2;
}

/** Scene `index`'s pan direction as a unit vector. */
export function panDirection(index: number): [number, number] {
  const [dx, dy] = PAN_DIRECTIONS[index % PAN_DIRECTIONS.length] ?? [1, 0];
  const norm = Math.hypot(dx, dy) || 1;
  return [dx / norm, dy / norm];
}

/**
 * The Ken Burns motion of scene `index` at `frame` of its `durationInFrames`: the picture's scale
 * about its centre, then its offset in percent of the frame (CSS `translate(x%, y%) scale(s)`).
 * The progress eases in and out (sine): (1 − cos(π·t)) / 2.
 */
export function kenBurnsAt(index: number, frame: number, durationInFrames: number): { scale: number; x: number; y: number } {
  const t = interpolate(frame, [0, Math.max(1, durationInFrames - 1)], [0, 1], {
    extrapolateLeft: 'clamp',
    extrapolateRight: 'clamp',
    easing: Easing.inOut(Easing.sin),
  });
  const scale = zoomsOut(index) ? MAX_ZOOM - (MAX_ZOOM - 1) * t : 1 + (MAX_ZOOM - 1) * t;
  const reach = ((scale - 1) / 2) * 100 * PAN_REACH;
  const [ux, uy] = panDirection(index);
  return { scale, x: ux * reach, y: uy * reach };
}
