import { AbsoluteFill, interpolate, useCurrentFrame, useVideoConfig } from 'remotion';
import { CAPTION_FONT_FAMILY } from './fonts.js';
import { frameLayout } from './layout.js';

/** Frames the title stays up, at 30 fps about 1.5 s; scaled with the fps. */
const TITLE_SECONDS = 1.6;

/** A small title pill near the top for the first ~1.5 s, fading in and out. */
export function TitleCard({ title }: { title: string }) {
  const frame = useCurrentFrame();
  const { fps, width, height } = useVideoConfig();
  const end = Math.round(TITLE_SECONDS * fps);
  if (!title.trim() || frame >= end) return null;

  const layout = frameLayout(width, height);
  const fade = Math.round(0.3 * fps);
  const opacity = interpolate(frame, [0, fade, end - fade, end], [0, 1, 1, 0], {
    extrapolateLeft: 'clamp',
    extrapolateRight: 'clamp',
  });
  const fontSize = Math.round(layout.unit * 0.042);
  return (
    <AbsoluteFill style={{ top: layout.titleTop, height: 'auto', alignItems: 'center', opacity }}>
      <div
        style={{
          maxWidth: layout.captionMaxWidth,
          padding: `${0.45 * fontSize}px ${0.9 * fontSize}px`,
          borderRadius: fontSize,
          backgroundColor: 'rgba(0, 0, 0, 0.45)',
          color: 'white',
          fontFamily: `${CAPTION_FONT_FAMILY}, sans-serif`,
          fontWeight: 800,
          fontSize,
          lineHeight: 1.2,
          textAlign: 'center',
          letterSpacing: '0.02em',
          transform: `translateY(${((1 - opacity) * -fontSize * 0.3).toFixed(2)}px)`,
        }}
      >
        {title}
      </div>
    </AbsoluteFill>
  );
}
