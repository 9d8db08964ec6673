import { baseLanguage, LANGUAGE_INFO, type Language } from './languages.js';

/**
 * Text as it is spoken and drawn, in every language of {@link LANGUAGE_INFO}: which characters
 * may enter a script, what a word is, and how long a text takes to say.
 */

/**
 * Characters that are never spoken or drawn: format characters (bidi controls such as U+202E,
 * zero-width space, word joiner, BOM, soft hyphen, tag characters), controls (C0 but the line
 * break, C1) and lone surrogates. ZWJ (U+200D) and ZWNJ (U+200C) stay: Indic, Arabic and Persian
 * spellings and emoji sequences need them inside words.
 */
const INVISIBLE = /(?![\u200c\u200d])[\p{Cf}]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\p{Cs}/gu;

/**
 * Removes invisible and control characters (see {@link INVISIBLE}) where text enters: the
 * request's prompt and a script's fields. Tabs and carriage returns become spaces, line and
 * paragraph separators become line breaks.
 */
export function stripInvisible(text: string): string {
  return text
    .replace(/[\t\r]/g, ' ')
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(INVISIBLE, '');
}

/** A word of a text: its characters without edge punctuation, and where they are. */
export interface TextWord {
  text: string;
  /** Offset of the word's first character (UTF-16 units, as `String#slice` counts). */
  charStart: number;
  /** Offset just past the word's last character. */
  charEnd: number;
}

const EDGE_PUNCTUATION = /^(\p{P}*)(.*?)\p{P}*$/su;
/** Something a voice can say or a caption can draw: a letter, digit, symbol or mark. */
const VISIBLE = /[\p{L}\p{N}\p{S}\p{M}]/u;

const segmenters = new Map<string, Intl.Segmenter>();
function segmenter(language: Language, granularity: 'word' | 'grapheme'): Intl.Segmenter {
  const key = `${language}/${granularity}`;
  let found = segmenters.get(key);
  if (!found) {
    found = new Intl.Segmenter(language, { granularity });
    segmenters.set(key, found);
  }
  return found;
}

/**
 * The words a voice speaks and the captions draw. Where the language separates words with
 * spaces: whitespace-separated tokens with punctuation stripped at both edges ("don't" stays
 * whole, "—" alone is no word). Japanese, Chinese and Thai: the word-like segments of
 * `Intl.Segmenter` (word boundaries never fall inside a grapheme cluster). A token with nothing
 * visible in it (an invisible character that slipped through) is never a word.
 */
export function spokenWords(text: string, language?: string): TextWord[] {
  const lang = baseLanguage(language);
  const words: TextWord[] = [];
  if (!LANGUAGE_INFO[lang].spaces) {
    for (const segment of segmenter(lang, 'word').segment(text)) {
      if (!segment.isWordLike || !VISIBLE.test(segment.segment)) continue;
      words.push({ text: segment.segment, charStart: segment.index, charEnd: segment.index + segment.segment.length });
    }
    return words;
  }
  for (const token of text.matchAll(/\S+/gu)) {
    const [, leading = '', core = ''] = EDGE_PUNCTUATION.exec(token[0]) ?? [];
    if (core === '' || !VISIBLE.test(core)) continue;
    const charStart = token.index + leading.length;
    words.push({ text: core, charStart, charEnd: charStart + core.length });
  }
  return words;
}

/** The grapheme clusters of a text (what a reader sees as one character). */
export function graphemes(text: string, language?: string): string[] {
  return [...segmenter(baseLanguage(language), 'grapheme').segment(text)].map((s) => s.segment);
}

/**
 * How fast a narrator speaks each language, in the unit that language's text is measured in:
 * words (whitespace-separated) where words are separated by spaces, else characters (grapheme
 * clusters that are letters or digits). Measured on eSpeak NG at its default rate over the
 * offline writer's narration, pauses between sentences and segments included (see
 * test/unit/language-length.test.ts), and within about 15 % of natural narration, so an LLM
 * sized by it and a natural voice land near the asked length too. Korean words are long (a
 * noun with its particle), Arabic words carry their articles and pronouns: fewer a second.
 * `letters`: grapheme clusters (letters, digits) a second eSpeak NG says, the finer measure the
 * offline writer sizes its script by (a Devanagari or Bengali cluster is about a syllable).
 */
export const SPEAKING_RATES: Record<Language, { unit: 'words' | 'characters'; perSecond: number; letters: number }> = {
  en: { unit: 'words', perSecond: 2.6, letters: 14.0 },
  es: { unit: 'words', perSecond: 2.8, letters: 12.76 },
  pt: { unit: 'words', perSecond: 2.6, letters: 12.08 },
  fr: { unit: 'words', perSecond: 3.15, letters: 15.76 },
  de: { unit: 'words', perSecond: 2.5, letters: 13.28 },
  it: { unit: 'words', perSecond: 2.7, letters: 12.77 },
  nl: { unit: 'words', perSecond: 2.6, letters: 12.59 },
  pl: { unit: 'words', perSecond: 2.1, letters: 11.07 },
  tr: { unit: 'words', perSecond: 1.9, letters: 10.6 },
  ru: { unit: 'words', perSecond: 2.45, letters: 14.23 },
  uk: { unit: 'words', perSecond: 1.55, letters: 8.36 },
  ar: { unit: 'words', perSecond: 1.7, letters: 7.48 },
  hi: { unit: 'words', perSecond: 2.7, letters: 6.01 },
  bn: { unit: 'words', perSecond: 1.9, letters: 5.4 },
  id: { unit: 'words', perSecond: 2.05, letters: 11.62 },
  vi: { unit: 'words', perSecond: 3.6, letters: 12.77 },
  th: { unit: 'characters', perSecond: 5.7, letters: 6.04 },
  ja: { unit: 'characters', perSecond: 6.6, letters: 6.56 },
  ko: { unit: 'words', perSecond: 1.55, letters: 4.6 },
  zh: { unit: 'characters', perSecond: 3.25, letters: 3.2 },
};

/** Letters and digits only: punctuation, spaces and symbols take (almost) no time to say. */
const SPOKEN_CHARACTER = /[\p{L}\p{N}]/u;

/** The length of a text in its language's unit of {@link SPEAKING_RATES}. */
export function spokenLength(text: string, language?: string): number {
  const lang = baseLanguage(language);
  if (SPEAKING_RATES[lang].unit === 'characters') return graphemes(text, lang).filter((g) => SPOKEN_CHARACTER.test(g)).length;
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** Letters and digits of a text, counted as grapheme clusters (what {@link SPEAKING_RATES}' `letters` counts). */
export function spokenLetters(text: string, language?: string): number {
  return graphemes(text, language).filter((g) => SPOKEN_CHARACTER.test(g)).length;
}

/** How much text (in its language's unit) a narrator says in `seconds`, at `speed` (1: the voice's own pace). */
export function spokenBudget(seconds: number, language?: string, speed = 1): number {
  return Math.round(seconds * SPEAKING_RATES[baseLanguage(language)].perSecond * speed);
}
