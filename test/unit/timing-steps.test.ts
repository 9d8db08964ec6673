import { describe, expect, it } from 'vitest';
import type { WordTiming } from '../../lambdas/core/model.js';
import { buildCaptions, computeTimeline, CROSSFADE_FRAMES } from '../../lambdas/core/pipeline/timing-steps.js';
import { segmentStarts } from '../../lambdas/core/pipeline/asset-steps.js';

/** Word timings for a text, 300 ms a word, a 500 ms pause between segments. */
function timedWords(segments: string[]): { words: WordTiming[]; durationMs: number } {
  const words: WordTiming[] = [];
  const starts = segmentStarts(segments);
  let t = 0;
  segments.forEach((segment, s) => {
    let offset = starts[s]!;
    for (const word of segment.split(' ')) {
      words.push({ text: word, startMs: t, endMs: t + 280, charStart: offset });
      offset += word.length + 1;
      t += 300;
    }
    t += 500;
  });
  return { words, durationMs: t };
}

describe('buildCaptions', () => {
  it('keeps every word once, in order, in pages within the style budget', () => {
    // Prepare
    const { words } = timedWords(['Octopuses have three hearts and blue blood', 'Two hearts pump blood through the gills']);
    // Act
    const pages = buildCaptions(words, 'bold');
    // Assess
    expect(pages.flatMap((p) => p.tokens.map((t) => t.text))).toEqual(words.map((w) => w.text));
    for (const page of pages) {
      expect(page.tokens.length).toBeLessThanOrEqual(3);
      expect(page.tokens.map((t) => t.text).join(' ').length).toBeLessThanOrEqual(18);
      expect(page.endMs).toBeGreaterThan(page.startMs);
    }
    for (let i = 1; i < pages.length; i++) expect(pages[i]!.startMs).toBeGreaterThanOrEqual(pages[i - 1]!.endMs);
  });

  it('breaks pages at pauses and lets roomier styles hold more words', () => {
    const { words } = timedWords(['one two', 'three four']);
    const pages = buildCaptions(words, 'minimal');
    expect(pages.map((p) => p.tokens.map((t) => t.text).join(' '))).toEqual(['one two', 'three four']);
    expect(buildCaptions(timedWords(['a b c d e f g h']).words, 'minimal').length).toBeLessThan(
      buildCaptions(timedWords(['a b c d e f g h']).words, 'bold').length,
    );
  });
});

describe('computeTimeline', () => {
  const segments = ['Hook line here', 'Scene one words', 'Scene two words', 'Scene three words'];
  const { words, durationMs } = timedWords(segments);
  const voice = { words, durationMs, segmentStarts: segmentStarts(segments) };

  it('lasts exactly as long as the audio, rounded up to a frame', () => {
    const timeline = computeTimeline(voice, 3, 30);
    expect(timeline.durationInFrames).toBe(Math.ceil((durationMs * 30) / 1000));
    const last = timeline.scenes[timeline.scenes.length - 1]!;
    expect(last.startFrame + last.durationInFrames).toBe(timeline.durationInFrames);
  });

  it('cuts to each scene when its narration starts, with overlapping crossfades', () => {
    const timeline = computeTimeline(voice, 3, 30);
    // Scene 1's narration is segment 2; its first word starts at 3 words + 2 pauses.
    const scene1Ms = 2 * (3 * 300 + 500);
    expect(timeline.scenes[1]!.startFrame).toBe(Math.round((scene1Ms * 30) / 1000) - CROSSFADE_FRAMES / 2);
    expect(timeline.scenes[0]!.startFrame).toBe(0);
    for (let i = 1; i < timeline.scenes.length; i++) {
      const prev = timeline.scenes[i - 1]!;
      expect(prev.startFrame + prev.durationInFrames - timeline.scenes[i]!.startFrame).toBe(CROSSFADE_FRAMES);
    }
  });
});
