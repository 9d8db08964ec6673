import type { CaptionPosition } from '../../lambdas/core/model.js';

/** Where captions and the title sit, per frame shape, so they clear each platform's UI. */
export interface FrameLayout {
  /** Base unit for text sizes: the frame's short side. */
  unit: number;
  /** Caption band, in pixels from the top. Captions are centred vertically inside it. */
  captionTop: number;
  captionHeight: number;
  /** Horizontal room for a caption line, in pixels. */
  captionMaxWidth: number;
  /** Title pill's top edge, in pixels. */
  titleTop: number;
}

export type FrameShape = 'portrait' | 'square' | 'landscape';

export function frameShape(width: number, height: number): FrameShape {
  const portrait = height / width > 1.3;
  return portrait ? 'portrait' : width / height < 1.3 ? 'square' : 'landscape';
}

/**
 * The part of the frame no platform covers with its own UI, as fractions of the height and width.
 * Portrait (TikTok, Reels, Shorts): the top ~14% holds the status and search bar, the bottom ~20%
 * the description and buttons, and the right ~14% the like/comment/share column from mid-height
 * down. Square and landscape frames play in feeds and players with no overlay at the sides.
 */
export const SAFE_ZONES: Record<FrameShape, { top: number; bottom: number; side: number; rightColumn: number }> = {
  portrait: { top: 0.14, bottom: 0.8, side: 0.08, rightColumn: 0.16 },
  square: { top: 0.06, bottom: 0.9, side: 0.08, rightColumn: 0.08 },
  landscape: { top: 0.06, bottom: 0.9, side: 0.06, rightColumn: 0.06 },
};

/**
 * The caption band per position, as fractions of the height: `top` sits between the safe zone's
 * top and the title pill (which shows for the first ~1.5 s), `middle` across the centre, `bottom`
 * above the description and buttons (portrait) or low in the frame.
 */
export const CAPTION_BANDS: Record<FrameShape, Record<CaptionPosition, readonly [number, number]>> = {
  portrait: { top: [0.15, 0.28], middle: [0.4, 0.6], bottom: [0.6, 0.74] },
  square: { top: [0.17, 0.33], middle: [0.42, 0.58], bottom: [0.66, 0.84] },
  landscape: { top: [0.18, 0.36], middle: [0.4, 0.6], bottom: [0.7, 0.88] },
};

/** The title pill's top edge, as a fraction of the height. */
const TITLE_TOP: Record<FrameShape, number> = { portrait: 0.3, square: 0.08, landscape: 0.08 };

/**
 * Portrait (9:16) keeps captions (bottom) at 60–74% of the height: under the face-heavy middle,
 * clear of the top ~14% (status/search bar) and the bottom ~20% (description, buttons).
 * Square and landscape frames have no overlay UI at the sides, so captions go lower.
 * `position` picks the caption band (CAPTION_BANDS); absent: `bottom`.
 */
export function frameLayout(width: number, height: number, position: CaptionPosition = 'bottom'): FrameLayout {
  const unit = Math.min(width, height);
  const shape = frameShape(width, height);
  const [bandTop, bandBottom] = CAPTION_BANDS[shape][position];
  const sideMargin = shape === 'landscape' ? 0.14 : 0.08;
  return {
    unit,
    captionTop: Math.round(height * bandTop),
    captionHeight: Math.round(height * (bandBottom - bandTop)),
    captionMaxWidth: Math.round(width * (1 - 2 * sideMargin)),
    // Below the band where a scene picture may carry its own headline (the offline images draw
    // one at 8–25% of the height) and well above the captions.
    titleTop: Math.round(height * TITLE_TOP[shape]),
  };
}

/** The title pill's height at most (one line of its text plus padding; two lines wrap rarely). */
export function titleHeight(unit: number): number {
  return Math.round(unit * 0.042 * (1.2 + 0.9));
}
