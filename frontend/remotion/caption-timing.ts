import { interpolate, spring } from 'remotion';
import type { CaptionPage } from '../../lambdas/core/video-props.js';

/** A page stays up this long after its last word, so short pauses don't blank the captions. */
const HOLD_MS = 350;

/** The page to show at `timeMs`: the latest one that has started, while it (or its hold) lasts. */
export function pageAt(pages: readonly CaptionPage[], timeMs: number): CaptionPage | undefined {
  let current: CaptionPage | undefined;
  for (const page of pages) {
    if (page.startMs <= timeMs) current = page;
    else break;
  }
  if (!current || timeMs >= current.endMs + HOLD_MS) return undefined;
  return current;
}

/** Index of the word being spoken (or the last one said, during a pause); -1 before the first. */
export function activeTokenIndex(page: CaptionPage, timeMs: number): number {
  let active = -1;
  page.tokens.forEach((token, i) => {
    if (token.fromMs <= timeMs) active = i;
  });
  return active;
}

/** Everything the captions draw at one frame depends on: equal states draw identical pixels. */
export interface CaptionFrameState {
  page: CaptionPage;
  /** The word being spoken (see {@link activeTokenIndex}). */
  active: number;
  /** 0→1 as the page comes in. */
  enter: number;
  /** 0→1 as the active word starts being spoken. */
  pop: number;
}

/** The captions' state at `frame`, or undefined when no page is up. */
export function captionStateAt(pages: readonly CaptionPage[], frame: number, fps: number): CaptionFrameState | undefined {
  const timeMs = (frame / fps) * 1000;
  const page = pageAt(pages, timeMs);
  if (!page || page.tokens.length === 0) return undefined;
  const active = activeTokenIndex(page, timeMs);
  const framesIntoPage = frame - (page.startMs / 1000) * fps;
  const enter = spring({ frame: framesIntoPage, fps, config: { damping: 200, stiffness: 300 }, durationInFrames: 6 });
  const token = page.tokens[active];
  const pop = token ? spring({ frame: frame - (token.fromMs / 1000) * fps, fps, durationInFrames: 5 }) : 0;
  return { page, active, enter, pop };
}

/** Frames the title stays up, at 30 fps about 1.5 s; scaled with the fps. */
const TITLE_SECONDS = 1.6;

/** The title's opacity at `frame`, or undefined once it is gone (or when there is no title). */
export function titleOpacityAt(title: string, frame: number, fps: number): number | undefined {
  const end = Math.round(TITLE_SECONDS * fps);
  if (!title.trim() || frame >= end) return undefined;
  const fade = Math.round(0.3 * fps);
  return interpolate(frame, [0, fade, end - fade, end], [0, 1, 1, 0], {
    extrapolateLeft: 'clamp',
    extrapolateRight: 'clamp',
  });
}
