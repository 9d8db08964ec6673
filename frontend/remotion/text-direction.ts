/**
 * How text in one language is laid out by the captions and the title: its `lang` and `dir`,
 * where lines may break, whether it has letter case, and how much room its marks need.
 * One place, so the captions, the title and the overlay strips cannot disagree.
 */
import type { CSSProperties } from 'react';
import { baseLanguage, languageInfo } from '../../lambdas/core/languages.js';

/**
 * A line-break opportunity that draws nothing. Put between tokens of a language written without
 * spaces (Japanese, Chinese, Thai), with `word-break: keep-all`, lines break only between words.
 */
export const BREAK_OPPORTUNITY = '\u200B';

/** The `lang` and `dir` attributes of a container of text in `language` (BCP 47). */
export function textAttributes(language: string | undefined): { lang: string; dir: 'ltr' | 'rtl' } {
  return { lang: language ?? baseLanguage(language), dir: languageInfo(language).direction };
}

/**
 * Whether `text-transform: uppercase` and letter spacing apply: only scripts with case (Latin,
 * Cyrillic). Spacing letters apart would also break Arabic's joined letters and split
 * Indic and Thai clusters visually.
 */
export function hasCase(language: string | undefined): boolean {
  const { script } = languageInfo(language);
  return script === 'Latn' || script === 'Cyrl';
}

/** What goes between two caption tokens: a space, or an invisible break opportunity where words are not spaced. */
export function tokenSeparator(language: string | undefined): string {
  return languageInfo(language).spaces ? ' ' : BREAK_OPPORTUNITY;
}

/**
 * CSS for a block of text in `language`: lines break only between words (`keep-all` where
 * words are not spaced; a word wider than the line overflows rather than being cut, so a
 * grapheme cluster is never split), and scripts with marks above and below the letters
 * (Arabic, Devanagari, Bengali, Thai) get taller lines.
 */
export function textBlockStyle(language: string | undefined, lineHeight: number): CSSProperties {
  const { script, spaces } = languageInfo(language);
  const tall = script === 'Arab' || script === 'Deva' || script === 'Beng' || script === 'Thai';
  return {
    wordBreak: spaces ? 'normal' : 'keep-all',
    overflowWrap: 'normal',
    lineBreak: 'strict',
    lineHeight: tall ? lineHeight + 0.25 : lineHeight,
  };
}

/**
 * `text` with a break opportunity between its words (Intl.Segmenter) where the language writes
 * no spaces, so a title wraps between words, never inside one; unchanged otherwise.
 */
export function breakableText(text: string, language: string | undefined): string {
  if (languageInfo(language).spaces) return text;
  const segmenter = new Intl.Segmenter(baseLanguage(language), { granularity: 'word' });
  const parts: string[] = [];
  for (const { segment, isWordLike } of segmenter.segment(text)) {
    // Punctuation stays glued to the word before it (no break before "。" or "、").
    if (parts.length > 0 && isWordLike) parts.push(BREAK_OPPORTUNITY);
    parts.push(segment);
  }
  return parts.join('');
}
