import { createContext, useContext } from 'react';
import { useVideoConfig } from 'remotion';

/** The full frame's size, when a layer is drawn into a canvas of another size (see overlay-band.tsx). */
export const FrameSizeContext = createContext<{ width: number; height: number } | null>(null);

/**
 * The size of the video frame the layers are laid out for: the composition's own size, or the
 * full frame's when an overlay band draws a strip of it. Layout (caption band, title position,
 * font sizes) always follows the full frame, so a strip looks exactly like that part of a frame.
 */
export function useFrameSize(): { width: number; height: number } {
  const config = useVideoConfig();
  return useContext(FrameSizeContext) ?? { width: config.width, height: config.height };
}
