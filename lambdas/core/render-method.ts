/**
 * How the offline renderer draws a video on this machine:
 * - `layered` (default): the pictures' motion by ffmpeg, everything drawn over them by the
 *   composition in Chromium, only where and when it changes (layered-render.ts); for a 30 s
 *   1080×1920 short on two cores ~30% less wall time and ~35% less CPU than `full`;
 * - `full`: every frame of the composition in Chromium, as Remotion Lambda draws it.
 * Both draw the same video (test/integration/render.test.ts compares them frame by frame).
 */
export type RenderMethod = 'layered' | 'full';
export const RENDER_METHODS: readonly RenderMethod[] = ['layered', 'full'];
export const DEFAULT_RENDER_METHOD: RenderMethod = 'layered';

export function isRenderMethod(value: string): value is RenderMethod {
  return (RENDER_METHODS as readonly string[]).includes(value);
}
