/**
 * The caption looks (CAPTION_STYLES), as data: font size and weight, case, colours, how the spoken
 * word stands out and where the captions sit unless the video says (captionPosition). Captions,
 * the legibility shade and the layered render's strip plan all read this table, so they agree.
 */
import type { BrandFont, CaptionPosition, CaptionSize, CaptionStyle } from '../../lambdas/core/model.js';
import type { BrandProps } from '../../lambdas/core/video-props.js';

/** How a page's words are drawn and how the spoken one stands out. */
export type WordLook =
  /** Outlined words; the spoken one in a box of the highlight colour. */
  | 'box'
  /** Outlined words; spoken and past words turn the highlight colour. */
  | 'fill'
  /** Plain words on a bar; the spoken one in the highlight colour, upcoming ones dimmed. */
  | 'tint'
  /** Hollow outlined words; the spoken one filled with the highlight colour and popped. */
  | 'hollow'
  /** Plain words on a bar; the spoken one underlined in the highlight colour. */
  | 'underline';

export interface CaptionPreset {
  /** Font size at `medium`, as a fraction of the frame's short side. */
  size: number;
  weight: number;
  uppercase: boolean;
  /** Where the captions sit unless the video says. */
  position: CaptionPosition;
  /** A soft dark gradient behind the band (legibility-shade.tsx). */
  shade: boolean;
  /** The page on a dark rounded bar of this colour (none: no bar). */
  bar?: string;
  word: WordLook;
  /** How much the spoken word grows as it starts. */
  pop: number;
  /** Extra room between words, in em. */
  wordSpacing: number;
  highlight: string;
  text: string;
}

export const CAPTION_PRESETS: Record<CaptionStyle, CaptionPreset> = {
  bold: { size: 0.078, weight: 800, uppercase: true, position: 'bottom', shade: true, word: 'box', pop: 1.07, wordSpacing: 0.18, highlight: '#FFD53D', text: '#FFFFFF' },
  karaoke: { size: 0.078, weight: 800, uppercase: false, position: 'bottom', shade: true, word: 'fill', pop: 1.07, wordSpacing: 0.04, highlight: '#FFD53D', text: '#FFFFFF' },
  minimal: { size: 0.054, weight: 800, uppercase: false, position: 'bottom', shade: false, bar: 'rgba(0, 0, 0, 0.55)', word: 'tint', pop: 1.04, wordSpacing: 0.04, highlight: '#FFD53D', text: '#FFFFFF' },
  boxed: { size: 0.066, weight: 800, uppercase: false, position: 'middle', shade: false, word: 'box', pop: 1.1, wordSpacing: 0.22, highlight: '#7C4DFF', text: '#FFFFFF' },
  outline: { size: 0.094, weight: 800, uppercase: true, position: 'middle', shade: false, word: 'hollow', pop: 1.16, wordSpacing: 0.12, highlight: '#3DF5A6', text: '#FFFFFF' },
  subtitle: { size: 0.044, weight: 800, uppercase: false, position: 'bottom', shade: false, bar: 'rgba(0, 0, 0, 0.72)', word: 'underline', pop: 1, wordSpacing: 0.02, highlight: '#FFD53D', text: '#FFFFFF' },
};

/** The size choice as a factor of the preset's own size. */
export const CAPTION_SIZE_FACTORS: Record<CaptionSize, number> = { small: 0.8, medium: 1, large: 1.2 };

/** What one video's captions are drawn with: its preset, with its position, size and brand applied. */
export interface CaptionLook extends CaptionPreset {
  /** Font size in pixels. */
  fontSize: number;
  /** Ink of text drawn on the highlight colour (the box): dark on a light colour, white on a dark one. */
  onHighlight: string;
  brandFont?: BrandFont;
}

/** The look of captions in a frame whose short side is `unit` px. */
export function captionLook(
  style: CaptionStyle,
  options: { unit: number; position?: CaptionPosition; size?: CaptionSize; brand?: BrandProps },
): CaptionLook {
  const preset = CAPTION_PRESETS[style];
  const highlight = options.brand?.primaryColor ?? preset.highlight;
  return {
    ...preset,
    position: options.position ?? preset.position,
    fontSize: Math.round(options.unit * preset.size * CAPTION_SIZE_FACTORS[options.size ?? 'medium']),
    highlight,
    text: options.brand?.textColor ?? preset.text,
    onHighlight: luminance(highlight) > 0.45 ? '#111111' : '#FFFFFF',
    ...(options.brand?.font ? { brandFont: options.brand.font } : {}),
  };
}

/** Relative luminance of a `#rrggbb` colour (WCAG), 0 (black) to 1 (white). */
export function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** Where a video's captions sit: its captionPosition, else its style's own place. */
export function captionPositionOf(props: { captionStyle: CaptionStyle; captionPosition?: CaptionPosition }): CaptionPosition {
  return props.captionPosition ?? CAPTION_PRESETS[props.captionStyle].position;
}
