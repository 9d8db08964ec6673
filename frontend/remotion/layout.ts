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

/**
 * Portrait (9:16) keeps captions at 62–72% of the height: under the face-heavy middle,
 * clear of the top ~14% (status/search bar) and the bottom ~20% (description, buttons).
 * Square and landscape frames have no overlay UI at the sides, so captions go lower.
 */
export function frameLayout(width: number, height: number): FrameLayout {
  const unit = Math.min(width, height);
  const portrait = height / width > 1.3;
  const square = !portrait && width / height < 1.3;
  const [bandTop, bandBottom] = portrait ? [0.6, 0.74] : square ? [0.66, 0.84] : [0.7, 0.9];
  const sideMargin = portrait ? 0.08 : square ? 0.08 : 0.14;
  return {
    unit,
    captionTop: Math.round(height * bandTop),
    captionHeight: Math.round(height * (bandBottom - bandTop)),
    captionMaxWidth: Math.round(width * (1 - 2 * sideMargin)),
    // Below the band where a scene picture may carry its own headline (the offline images draw
    // one at 8–25% of the height) and well above the captions.
    titleTop: Math.round(height * (portrait ? 0.3 : 0.08)),
  };
}
