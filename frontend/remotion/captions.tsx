import { Fragment, type CSSProperties } from 'react';
import { AbsoluteFill, interpolate, useCurrentFrame, useVideoConfig } from 'remotion';
import type { CaptionPosition, CaptionSize, CaptionStyle } from '../../lambdas/core/model.js';
import type { BrandProps, CaptionPage, ShortVideoProps } from '../../lambdas/core/video-props.js';
import { captionLook, type CaptionLook } from './caption-presets.js';
import { captionStateAt } from './caption-timing.js';
import { BRAND_FONT_FACES, fontStackFor, loadFontsFor } from './fonts.js';
import { useFrameSize } from './frame-size.js';
import { frameLayout } from './layout.js';
import { hasCase, textAttributes, textBlockStyle, tokenSeparator } from './text-direction.js';

export interface CaptionsProps {
  pages: readonly CaptionPage[];
  captionStyle: CaptionStyle;
  /** BCP 47 tag of the words: picks the font, direction, case and line breaking (text-direction.ts). */
  language?: string;
  /** Absent: the style's own place (caption-presets.ts). */
  captionPosition?: CaptionPosition;
  captionSize?: CaptionSize;
  /** The brand kit's colours and font, over the preset's. */
  brand?: BrandProps;
}

/**
 * What a video's props say about its captions, as {@link Captions} takes them: the one mapping
 * both the full composition (ShortVideo) and the layered render's strips (OverlayBand) use, so
 * the two cannot draw different captions.
 */
export function captionsOf(props: Pick<ShortVideoProps, 'captions' | 'captionStyle' | 'language' | 'captionPosition' | 'captionSize' | 'brand'>): CaptionsProps {
  return {
    pages: props.captions,
    captionStyle: props.captionStyle,
    language: props.language,
    captionPosition: props.captionPosition,
    captionSize: props.captionSize,
    brand: props.brand,
  };
}

/** Word-by-word captions: the current page, its spoken word highlighted, inside the safe zone. */
export function Captions({ pages, captionStyle, language, captionPosition, captionSize, brand }: CaptionsProps) {
  void loadFontsFor(language, brand?.font);
  const frame = useCurrentFrame();
  const { fps } = useVideoConfig();
  const { width, height } = useFrameSize();
  const state = captionStateAt(pages, frame, fps);
  if (!state) return null;

  const { page, active, enter, pop } = state;
  const look = captionLook(captionStyle, { unit: Math.min(width, height), position: captionPosition, size: captionSize, brand });
  const layout = frameLayout(width, height, look.position);
  const { fontSize } = look;

  // Block layout with real spaces, so text-wrap: balance evens the lines ("AND BLUE / BLOOD, AND",
  // not "AND BLUE BLOOD, / AND").
  // Uppercase and letter spacing only where the script has case (`lang` makes Turkish i İ).
  const cased = hasCase(language);
  const line: CSSProperties = {
    maxWidth: layout.captionMaxWidth,
    textWrap: 'balance',
    wordSpacing: `${look.wordSpacing}em`,
    fontFamily: fontStackFor(language, look.brandFont),
    // Bebas Neue and Anton come in one (heavy) weight: no synthetic bold on top.
    fontWeight: look.brandFont ? Number(BRAND_FONT_FACES[look.brandFont].weight) : look.weight,
    fontSize,
    ...textBlockStyle(language, 1.15),
    textAlign: 'center',
    textTransform: look.uppercase && cased ? 'uppercase' : 'none',
    letterSpacing: look.uppercase && cased ? '0.01em' : '0',
    opacity: enter,
    transform: `translateY(${((1 - enter) * fontSize * 0.25).toFixed(2)}px) scale(${(0.94 + 0.06 * enter).toFixed(4)})`,
    ...(look.bar
      ? {
          backgroundColor: look.bar,
          borderRadius: fontSize * (look.word === 'underline' ? 0.2 : 0.4),
          padding: `${0.35 * fontSize}px ${0.6 * fontSize}px`,
        }
      : {}),
  };

  return (
    <AbsoluteFill
      style={{
        top: layout.captionTop,
        height: layout.captionHeight,
        justifyContent: 'center',
        alignItems: 'center',
      }}
    >
      {/* Tokens in spoken order; dir="rtl" lays them right to left, so the highlight moves that way. */}
      <div style={line} {...textAttributes(language)}>
        {page.tokens.map((token, i) => (
          <Fragment key={i}>
            {i > 0 ? tokenSeparator(language) : null}
            <Word
            text={token.text.trim()}
            state={i < active ? 'spoken' : i === active ? 'active' : 'upcoming'}
            pop={i === active ? pop : 0}
            look={look}
            />
          </Fragment>
        ))}
      </div>
    </AbsoluteFill>
  );
}

type WordState = 'spoken' | 'active' | 'upcoming';

function Word({
  text,
  state,
  pop,
  look,
}: {
  text: string;
  state: WordState;
  /** 0→1 as the word starts being spoken. */
  pop: number;
  look: CaptionLook;
}) {
  const { fontSize } = look;
  const scale = state === 'active' ? interpolate(pop, [0, 1], [1, look.pop]) : 1;
  const base: CSSProperties = {
    display: 'inline-block',
    whiteSpace: 'pre',
    // Each word is its own bidi run: a stray direction mark in one word cannot reorder the others.
    unicodeBidi: 'isolate',
    transform: `scale(${scale.toFixed(4)})`,
    color: look.text,
  };
  // Outline drawn under the fill (paint-order) keeps letters full-width, plus a soft drop
  // shadow: readable on light and dark pictures alike.
  const outlined: CSSProperties = {
    WebkitTextStroke: `${(fontSize * 0.13).toFixed(1)}px rgba(0,0,0,0.92)`,
    paintOrder: 'stroke fill',
    textShadow: `0 ${(fontSize * 0.06).toFixed(1)}px ${(fontSize * 0.16).toFixed(1)}px rgba(0,0,0,0.55)`,
  };

  switch (look.word) {
    case 'box': {
      const boxed = state === 'active';
      return (
        <span
          style={{
            ...base,
            ...(boxed ? { color: look.onHighlight } : outlined),
            backgroundColor: boxed ? look.highlight : 'transparent',
            borderRadius: fontSize * 0.18,
            padding: `${0.02 * fontSize}px ${0.16 * fontSize}px`,
            margin: `0 ${-0.16 * fontSize}px`,
            boxShadow: boxed ? `0 ${(fontSize * 0.06).toFixed(1)}px ${(fontSize * 0.2).toFixed(1)}px rgba(0,0,0,0.45)` : 'none',
          }}
        >
          {text}
        </span>
      );
    }
    case 'fill':
      return <span style={{ ...base, ...outlined, color: state === 'upcoming' ? look.text : look.highlight }}>{text}</span>;
    case 'hollow': {
      // Hollow letters (the text colour's outline) with a dark glow behind; the spoken word filled.
      const filled = state === 'active';
      return (
        <span
          style={{
            ...base,
            color: filled ? look.highlight : 'transparent',
            WebkitTextStroke: filled ? `${(fontSize * 0.1).toFixed(1)}px rgba(0,0,0,0.95)` : `${(fontSize * 0.045).toFixed(1)}px ${look.text}`,
            paintOrder: 'stroke fill',
            textShadow: `0 0 ${(fontSize * 0.12).toFixed(1)}px rgba(0,0,0,0.85)`,
          }}
        >
          {text}
        </span>
      );
    }
    case 'underline':
      return (
        <span
          style={{
            ...base,
            textDecorationLine: state === 'active' ? 'underline' : 'none',
            textDecorationColor: look.highlight,
            textDecorationThickness: `${(fontSize * 0.1).toFixed(1)}px`,
            textUnderlineOffset: `${(fontSize * 0.14).toFixed(1)}px`,
          }}
        >
          {text}
        </span>
      );
    case 'tint':
      return (
        <span style={{ ...base, color: state === 'active' ? look.highlight : look.text, opacity: state === 'upcoming' ? 0.75 : 1 }}>
          {text}
        </span>
      );
  }
}
