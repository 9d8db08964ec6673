import { AbsoluteFill, useCurrentFrame, useVideoConfig } from 'remotion';
import { titleOpacityAt } from './caption-timing.js';
import type { BrandProps } from '../../lambdas/core/video-props.js';
import { luminance } from './caption-presets.js';
import { BRAND_FONT_FACES, fontStackFor, loadFontsFor } from './fonts.js';
import { useFrameSize } from './frame-size.js';
import { frameLayout } from './layout.js';
import { breakableText, hasCase, textAttributes, textBlockStyle } from './text-direction.js';

/** A small title pill near the top for the first ~1.5 s, fading in and out. */
export function TitleCard({ title, language, brand }: { title: string; language?: string; brand?: BrandProps }) {
  void loadFontsFor(language, brand?.font);
  const frame = useCurrentFrame();
  const { fps } = useVideoConfig();
  const { width, height } = useFrameSize();
  const opacity = titleOpacityAt(title, frame, fps);
  if (opacity === undefined) return null;

  const layout = frameLayout(width, height);
  const fontSize = Math.round(layout.unit * 0.042);
  return (
    <AbsoluteFill style={{ top: layout.titleTop, height: 'auto', alignItems: 'center', opacity }}>
      <div
        {...textAttributes(language)}
        style={{
          maxWidth: layout.captionMaxWidth,
          padding: `${0.45 * fontSize}px ${0.9 * fontSize}px`,
          borderRadius: fontSize,
          // A brand's pill: its primary colour, the text dark or light to read on it.
          backgroundColor: brand?.primaryColor ? `${brand.primaryColor}E6` : 'rgba(0, 0, 0, 0.45)',
          color: brand?.primaryColor ? (luminance(brand.primaryColor) > 0.45 ? '#111111' : '#FFFFFF') : (brand?.textColor ?? 'white'),
          fontFamily: fontStackFor(language, brand?.font),
          fontWeight: brand?.font ? Number(BRAND_FONT_FACES[brand.font].weight) : 800,
          fontSize,
          ...textBlockStyle(language, 1.2),
          textAlign: 'center',
          letterSpacing: hasCase(language) ? '0.02em' : '0',
          transform: `translateY(${((1 - opacity) * -fontSize * 0.3).toFixed(2)}px)`,
        }}
      >
        {breakableText(title, language)}
      </div>
    </AbsoluteFill>
  );
}
