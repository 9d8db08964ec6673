import { describe, expect, it } from 'vitest';
import { spokenWords, wordsFromAlignment } from '../../lambdas/core/alignment.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import { buildCaptions } from '../../lambdas/core/pipeline/timing-steps.js';
import { validateScript } from '../../lambdas/core/pipeline/script-steps.js';
import { scriptInstructions, scriptPlan } from '../../lambdas/core/script-prompt.js';
import type { WordTiming } from '../../lambdas/core/model.js';

/** Words, invisible characters and sizing in every language (issue #14). */

const graphemeBoundaries = (text: string) => {
  const set = new Set<number>([text.length]);
  for (const s of new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(text)) set.add(s.index);
  return set;
};

describe('spokenWords in languages without spaces', () => {
  it.each([
    ['ja', '今日は海がなぜしょっぱいのかを見ていきます。', ['今日', '海']],
    ['zh', '今天我们来看看为什么海水是咸的。', ['今天', '我们']],
    ['th', 'วันนี้เราจะมาดูกันว่าทำไมน้ำทะเลถึงเค็ม', ['เรา', 'ทะเล']],
  ])('%s: words come from Intl.Segmenter, never split a grapheme cluster', (language, text, expected) => {
    // Act
    const words = spokenWords(text, language);
    // Assess
    expect(words.length).toBeGreaterThan(4);
    for (const word of expected) expect(words.map((w) => w.text)).toContain(word);
    const boundaries = graphemeBoundaries(text);
    for (const w of words) {
      expect(text.slice(w.charStart, w.charEnd)).toBe(w.text);
      expect(boundaries.has(w.charStart) && boundaries.has(w.charEnd)).toBe(true);
    }
    expect(words.map((w) => w.text).join('')).toBe(text.replace(/[。]/g, ''));
  });

  it('keeps the whitespace rule where words have spaces (Hindi keeps its conjuncts and ZWJ)', () => {
    const text = 'एक छोटी कहानी: चाँद पर पहला दिन';
    expect(spokenWords(text, 'hi').map((w) => w.text)).toEqual(['एक', 'छोटी', 'कहानी', 'चाँद', 'पर', 'पहला', 'दिन']);
    expect(spokenWords('क्\u200dष', 'hi').map((w) => w.text)).toEqual(['क्\u200dष']);
  });

  it('times Chinese words from a character alignment', () => {
    const text = '海水是咸的';
    const chars = [...text];
    const words = wordsFromAlignment(text, { characters: chars, startTimesSeconds: chars.map((_, i) => i * 0.2), endTimesSeconds: chars.map((_, i) => i * 0.2 + 0.2) }, 'zh');
    expect(words.length).toBeGreaterThan(1);
    expect(words.map((w) => w.text).join('')).toBe(text);
    expect(words.at(-1)!.endMs).toBe(1000);
  });
});

describe('invisible and control characters', () => {
  const RLO = '\u202e';

  it('are stripped from the prompt where the request enters (the issue\'s U+202E example)', () => {
    const request = VideoRequestSchema.parse({ prompt: `Why is the sea ${RLO} salty?\u200b\u0007` });
    expect(request.prompt).toBe('Why is the sea  salty?');
    expect(() => VideoRequestSchema.parse({ prompt: `${RLO}\u200b\u2066ab` })).toThrow(/prompt must be at least 3 characters/);
  });

  it('are stripped from a script where it enters (Parse Script), ZWNJ kept inside words', () => {
    const script = validateScript(
      JSON.stringify({
        title: `Salt ${RLO}sea`,
        hook: `Ever wondered ${RLO} why?`,
        style: 'flat',
        scenes: [1, 2, 3].map(() => ({ narration: `The sea ${RLO} is \u0085salty \ufeff. می\u200cخواهم`, imagePrompt: 'sea' })),
      }),
    );
    expect(JSON.stringify(script)).not.toMatch(/[\u202e\u0085\ufeff]/);
    expect(script.scenes[0]!.narration).toContain('می\u200cخواهم');
  });

  it('never become a spoken or drawn word', () => {
    const text = `Why is the sea ${RLO} salty \u200b ?`;
    const words = spokenWords(text);
    expect(words.map((w) => w.text)).toEqual(['Why', 'is', 'the', 'sea', 'salty']);
    const timed: WordTiming[] = [...text.matchAll(/\S+/g)].map((m, i) => ({ text: m[0], charStart: m.index, startMs: i * 300, endMs: i * 300 + 280 }));
    const drawn = buildCaptions(timed, 'bold').flatMap((p) => p.tokens.map((t) => t.text));
    expect(drawn).not.toContain(RLO);
    expect(drawn.every((t) => /[\p{L}\p{N}]/u.test(t))).toBe(true);
  });
});

describe('captions in languages without spaces', () => {
  it('pages Japanese by characters and joins tokens without spaces', () => {
    const text = '今日は海がなぜしょっぱいのかを見ていきます';
    const words: WordTiming[] = spokenWords(text, 'ja').map((w, i) => ({ text: w.text, charStart: w.charStart, startMs: i * 200, endMs: i * 200 + 190 }));
    const pages = buildCaptions(words, 'bold', 'ja');
    expect(pages.flatMap((p) => p.tokens.map((t) => t.text))).toEqual(words.map((w) => w.text));
    for (const page of pages) expect(page.tokens.map((t) => t.text).join('').length).toBeLessThanOrEqual(12);
    expect(pages.length).toBeGreaterThan(1);
  });
});

describe('the LLM script is sized and written per language', () => {
  it('asks for the language by name, and for characters in Japanese', () => {
    const ja = scriptInstructions({ seconds: 10, aspect: '9:16', language: 'ja' });
    expect(ja).toMatch(/Japanese/);
    expect(ja).toMatch(/characters/);
    expect(ja).toMatch(/imagePrompt[^\n]*English/);
    const en = scriptInstructions({ seconds: 30, aspect: '9:16', language: 'en' });
    expect(en).not.toMatch(/Japanese/);
  });

  it('gives fewer words to Arabic than to Spanish for the same seconds', () => {
    expect(scriptPlan(30, 'ar').total).toBeLessThan(scriptPlan(30, 'es').total);
    expect(scriptPlan(30, 'ja').unit).toBe('characters');
    expect(scriptPlan(30, 'es', 1.2).total).toBeGreaterThan(scriptPlan(30, 'es').total);
  });
});
