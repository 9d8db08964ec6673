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
