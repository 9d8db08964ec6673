import { createTikTokStyleCaptions, type Caption } from '@remotion/captions';
import { FPS, type CaptionStyle, type WordTiming } from '../model.js';
import type { CaptionPage } from '../video-props.js';
import { languageInfo } from '../languages.js';
import { graphemes } from '../speech-text.js';
import type { Timeline, VoiceAsset } from './events.js';

const VISIBLE = /[\p{L}\p{N}\p{S}\p{M}]/u;

/** How many words and characters fit on one caption page, per style. */
const PAGE_LIMITS: Record<CaptionStyle, { words: number; chars: number }> = {
  bold: { words: 3, chars: 18 },
  karaoke: { words: 5, chars: 28 },
  minimal: { words: 7, chars: 40 },
  boxed: { words: 4, chars: 22 },
  outline: { words: 2, chars: 16 },
  // A subtitle bar shows a sentence's worth, as TV subtitles do: two lines of ~42 characters.
  subtitle: { words: 12, chars: 64 },
};

/**
 * Languages written without spaces (ja, zh, th) count characters, not words: a page holds
 * about this many characters per style (a CJK character is about two Latin ones wide).
 */
const PAGE_CHARACTERS_WITHOUT_SPACES: Record<CaptionStyle, number> = { bold: 8, karaoke: 12, minimal: 16, boxed: 10, outline: 7, subtitle: 28 };

/** A pause this long starts a new page even when the page has room. */
const SILENCE_BREAK_MS = 350;

/**
 * Build Captions: groups word timings into pages of a few words (the TikTok style people
 * expect), breaking on pauses and on each page's word/character budget.
 */
export function buildCaptions(allWords: WordTiming[], style: CaptionStyle, language?: string): CaptionPage[] {
  const spaces = languageInfo(language).spaces;
  // Without spaces a page is bounded by characters only (a "word" may be one character).
  const limits = spaces ? PAGE_LIMITS[style] : { words: Number.MAX_SAFE_INTEGER, chars: PAGE_CHARACTERS_WITHOUT_SPACES[style] };
  const gap = spaces ? 1 : 0;
  // A word with nothing visible in it (an invisible character from an old script) is never drawn.
  const words = allWords.filter((w) => VISIBLE.test(w.text));
  const length = (text: string) => graphemes(text, language).length;
  const captions: Caption[] = [];
  let wordsOnPage = 0;
  let charsOnPage = 0;
  words.forEach((word, i) => {
    const next = words[i + 1];
    wordsOnPage += 1;
    charsOnPage += length(word.text) + (wordsOnPage > 1 ? gap : 0);
    const nextFits = next !== undefined && charsOnPage + gap + length(next.text) <= limits.chars;
    const pageBreakAfter = !next || wordsOnPage >= limits.words || !nextFits || next.startMs - word.endMs >= SILENCE_BREAK_MS;
    if (pageBreakAfter) {
      wordsOnPage = 0;
      charsOnPage = 0;
    }
    captions.push({
      text: i === 0 ? word.text : ` ${word.text}`,
      startMs: word.startMs,
      endMs: word.endMs,
      timestampMs: word.startMs,
      confidence: null,
      pageBreakAfter,
    });
  });
  const { pages } = createTikTokStyleCaptions({ captions, combineTokensWithinMilliseconds: Number.MAX_SAFE_INTEGER });
  return pages.map((page) => {
    const last = page.tokens[page.tokens.length - 1];
    return {
      startMs: page.startMs,
      endMs: last ? last.toMs : page.startMs,
      tokens: page.tokens.map((t) => ({ text: t.text.trim(), fromMs: t.fromMs, toMs: t.toMs })),
    };
  });
}

export const CROSSFADE_FRAMES = 12;

/**
 * Compute Duration: the video is exactly as long as the voice-over (rounded up to a frame);
 * each scene starts when its narration starts (the hook plays over the first scene) and
 * neighbours overlap by {@link CROSSFADE_FRAMES} for the crossfade.
 */
export function computeTimeline(voice: Pick<VoiceAsset, 'durationMs' | 'words' | 'segmentStarts'>, sceneCount: number, fps = FPS): Timeline {
  const durationInFrames = Math.max(1, Math.ceil((voice.durationMs * fps) / 1000));
  const toFrame = (ms: number) => Math.round((ms * fps) / 1000);
  // Scene k (k >= 1) begins with segment k + 1 (segment 0 is the hook, spoken over scene 0).
  const boundaries: number[] = [0];
  for (let scene = 1; scene < sceneCount; scene++) {
    const segmentStart = voice.segmentStarts[scene + 1];
    const firstWord = segmentStart === undefined ? undefined : voice.words.find((w) => w.charStart >= segmentStart);
    const previous = boundaries[boundaries.length - 1]!;
    // Evenly spread when timings are missing; never closer than a second to the previous cut.
    const fallback = Math.round((durationInFrames * scene) / sceneCount);
    const frame = firstWord ? toFrame(firstWord.startMs) : fallback;
    boundaries.push(Math.min(Math.max(frame, previous + fps), durationInFrames - 1));
  }
  const half = CROSSFADE_FRAMES / 2;
  const scenes = boundaries.map((start, i) => {
    const next = boundaries[i + 1];
    const from = i === 0 ? 0 : Math.max(0, start - half);
    const to = next === undefined ? durationInFrames : Math.min(durationInFrames, next + half);
    return { startFrame: from, durationInFrames: Math.max(1, to - from) };
  });
  return { fps, durationInFrames, crossfadeFrames: CROSSFADE_FRAMES, scenes };
}
