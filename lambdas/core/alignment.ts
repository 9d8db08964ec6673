import type { WordTiming } from './model.js';
import { spokenWords } from './speech-text.js';

export { spokenWords, type TextWord } from './speech-text.js';

/**
 * A character-level alignment as TTS engines report it (ElevenLabs' `alignment`): one entry
 * per character of the spoken text, with when it starts and ends in the audio.
 */
export interface CharacterAlignment {
  characters: readonly string[];
  startTimesSeconds: readonly number[];
  endTimesSeconds: readonly number[];
}

/**
 * Maps each UTF-16 offset of `text` to the alignment entry that speaks it, or -1.
 * Usually the alignment spells the text exactly; where it does not (a dropped space, a
 * normalised quote), characters are matched in order and the unmatched ones stay -1.
 */
function entryForOffset(text: string, characters: readonly string[]): Int32Array {
  const map = new Int32Array(text.length).fill(-1);
  // The alignment as one string, remembering which entry each UTF-16 unit came from.
  let spelled = '';
  const owner: number[] = [];
  characters.forEach((entry, index) => {
    spelled += entry;
    for (let k = 0; k < entry.length; k++) owner.push(index);
  });
  if (spelled === text) {
    for (let i = 0; i < text.length; i++) map[i] = owner[i]!;
    return map;
  }
  // Out of step: skip up to LOOKAHEAD extra alignment characters (an inserted space, a
  // normalised quote) when the next few text characters follow there; otherwise leave this
  // text character unmatched and try the next one.
  const LOOKAHEAD = 8;
  let j = 0;
  for (let i = 0; i < text.length && j < spelled.length; i++) {
    const char = text[i]!;
    if (spelled[j] === char) {
      map[i] = owner[j++]!;
      continue;
    }
    if (/\s/u.test(char)) continue;
    const probe = text.slice(i, i + 3);
    const ahead = spelled.slice(j + 1, j + 1 + LOOKAHEAD + probe.length).indexOf(probe);
    if (ahead >= 0) {
      j += ahead + 1;
      map[i] = owner[j++]!;
    }
  }
  return map;
}

/**
 * Turns a character alignment into word timings: each word of `text` in `language` (see {@link spokenWords})
 * runs from the start of its first aligned character to the end of its last. A word the
 * alignment does not cover gets the gap between its neighbours. Times are whole milliseconds,
 * in order and never overlapping backwards.
 */
export function wordsFromAlignment(text: string, alignment: CharacterAlignment, language?: string): WordTiming[] {
  const { characters, startTimesSeconds, endTimesSeconds } = alignment;
  if (startTimesSeconds.length !== characters.length || endTimesSeconds.length !== characters.length) {
    throw new RangeError(
      `The alignment is inconsistent: ${characters.length} characters, ${startTimesSeconds.length} start times, ${endTimesSeconds.length} end times.`,
    );
  }
  const map = entryForOffset(text, characters);
  const spans = spokenWords(text, language).map((word) => {
    let start = Number.POSITIVE_INFINITY;
    let end = Number.NEGATIVE_INFINITY;
    for (let i = word.charStart; i < word.charEnd; i++) {
      const entry = map[i]!;
      if (entry < 0) continue;
      start = Math.min(start, startTimesSeconds[entry]!);
      end = Math.max(end, endTimesSeconds[entry]!);
    }
    return { word, start: Number.isFinite(start) ? start * 1000 : undefined, end: Number.isFinite(end) ? end * 1000 : undefined };
  });

  const lastEnd = endTimesSeconds.length ? Math.max(...endTimesSeconds) * 1000 : 0;
  const words: WordTiming[] = [];
  let previousEnd = 0;
  spans.forEach((span, i) => {
    const nextKnown = spans.slice(i + 1).find((s) => s.start !== undefined)?.start ?? lastEnd;
    const startMs = Math.max(previousEnd, Math.round(span.start ?? previousEnd));
    const endMs = Math.max(startMs, Math.round(span.end ?? Math.max(startMs, nextKnown)));
    words.push({ text: span.word.text, startMs, endMs, charStart: span.word.charStart });
    previousEnd = endMs;
  });
  return words;
}
