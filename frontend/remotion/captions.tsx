import { Fragment, type CSSProperties } from 'react';
import { AbsoluteFill, interpolate, useCurrentFrame, useVideoConfig } from 'remotion';
import type { CaptionStyle } from '../../lambdas/core/model.js';
import type { CaptionPage } from '../../lambdas/core/video-props.js';
import { captionStateAt } from './caption-timing.js';
import { fontStackFor, loadFontsFor } from './fonts.js';
import { useFrameSize } from './frame-size.js';
import { frameLayout } from './layout.js';
import { hasCase, textAttributes, textBlockStyle, tokenSeparator } from './text-direction.js';

const HIGHLIGHT = '#FFD53D';
const INK = '#111111';

export interface CaptionsProps {
  pages: readonly CaptionPage[];
  captionStyle: CaptionStyle;
  /** BCP 47 tag of the words: picks the font, direction, case and line breaking (text-direction.ts). */
  language?: string;
}

/** Word-by-word captions: the current page, its spoken word highlighted, inside the safe zone. */
export function Captions({ pages, captionStyle, language }: CaptionsProps) {
  void loadFontsFor(language);
  const frame = useCurrentFrame();
  const { fps } = useVideoConfig();
  const { width, height } = useFrameSize();
  const state = captionStateAt(pages, frame, fps);
  if (!state) return null;

  const { page, active, enter, pop } = state;
  const layout = frameLayout(width, height);
  const minimal = captionStyle === 'minimal';
  const fontSize = Math.round(layout.unit * (minimal ? 0.054 : 0.078));

  // Block layout with real spaces, so text-wrap: balance evens the lines ("AND BLUE / BLOOD, AND",
  // not "AND BLUE BLOOD, / AND").
  // Uppercase and letter spacing only where the script has case (`lang` makes Turkish i İ).
  const cased = hasCase(language);
  const line: CSSProperties = {
    maxWidth: layout.captionMaxWidth,
    textWrap: 'balance',
    wordSpacing: `${captionStyle === 'bold' ? 0.18 : 0.04}em`,
    fontFamily: fontStackFor(language),
    fontWeight: 800,
    fontSize,
    ...textBlockStyle(language, 1.15),
    textAlign: 'center',
    textTransform: captionStyle === 'bold' && cased ? 'uppercase' : 'none',
    letterSpacing: captionStyle === 'bold' && cased ? '0.01em' : '0',
    opacity: enter,
    transform: `translateY(${((1 - enter) * fontSize * 0.25).toFixed(2)}px) scale(${(0.94 + 0.06 * enter).toFixed(4)})`,
    ...(minimal
      ? {
          backgroundColor: 'rgba(0, 0, 0, 0.55)',
          borderRadius: fontSize * 0.4,
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
            captionStyle={captionStyle}
            fontSize={fontSize}
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
  captionStyle,
  fontSize,
}: {
  text: string;
  state: WordState;
  /** 0→1 as the word starts being spoken. */
  pop: number;
  captionStyle: CaptionStyle;
  fontSize: number;
}) {
  const scale = state === 'active' ? interpolate(pop, [0, 1], [1, captionStyle === 'minimal' ? 1.04 : 1.07]) : 1;
  const base: CSSProperties = {
    display: 'inline-block',
    whiteSpace: 'pre',
    // Each word is its own bidi run: a stray direction mark in one word cannot reorder the others.
    unicodeBidi: 'isolate',
    transform: `scale(${scale.toFixed(4)})`,
    color: 'white',
  };
  // Outline drawn under the fill (paint-order) keeps letters full-width, plus a soft drop
  // shadow: readable on light and dark pictures alike.
  const outlined: CSSProperties = {
    WebkitTextStroke: `${(fontSize * 0.13).toFixed(1)}px rgba(0,0,0,0.92)`,
    paintOrder: 'stroke fill',
    textShadow: `0 ${(fontSize * 0.06).toFixed(1)}px ${(fontSize * 0.16).toFixed(1)}px rgba(0,0,0,0.55)`,
  };

  if (captionStyle === 'bold') {
    const boxed = state === 'active';
    return (
      <span
        style={{
          ...base,
          ...(boxed ? { color: INK } : outlined),
          backgroundColor: boxed ? HIGHLIGHT : 'transparent',
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
  if (captionStyle === 'karaoke') {
    return <span style={{ ...base, ...outlined, color: state === 'upcoming' ? 'white' : HIGHLIGHT }}>{text}</span>;
  }
  return (
    <span
      style={{
        ...base,
        color: state === 'active' ? HIGHLIGHT : 'white',
        opacity: state === 'upcoming' ? 0.75 : 1,
      }}
    >
      {text}
    </span>
  );
}
