import { describe, expect, it } from 'vitest';
import { spokenWords, wordsFromAlignment, type CharacterAlignment } from '../../lambdas/core/alignment.js';

/** An alignment that spells `text` exactly, each character `step` seconds after the last. */
function evenAlignment(text: string, step = 0.1, start = 0): CharacterAlignment {
  const characters = [...text];
  return {
    characters,
    startTimesSeconds: characters.map((_, i) => start + i * step),
    endTimesSeconds: characters.map((_, i) => start + (i + 1) * step),
  };
}

describe('spokenWords', () => {
  it('splits on whitespace, strips edge punctuation and keeps offsets into the text', () => {
    const text = '"Hello," she said — don\'t stop!\nNext: 3.5 km.';
    const words = spokenWords(text);
    expect(words.map((w) => w.text)).toEqual(['Hello', 'she', 'said', "don't", 'stop', 'Next', '3.5', 'km']);
    for (const word of words) expect(text.slice(word.charStart, word.charEnd)).toBe(word.text);
    expect(words[0]).toEqual({ text: 'Hello', charStart: 1, charEnd: 6 });
  });
});

describe('wordsFromAlignment', () => {
  it('times each word from its first to its last aligned character', () => {
    // Prepare
    const text = 'Hi, you!';
    // Act
    const words = wordsFromAlignment(text, evenAlignment(text));
    // Assess: "Hi" is characters 0-1, "you" is 4-6
    expect(words).toEqual([
      { text: 'Hi', startMs: 0, endMs: 200, charStart: 0 },
      { text: 'you', startMs: 400, endMs: 700, charStart: 4 },
    ]);
  });

  it('counts offsets in UTF-16 units when the alignment counts code points', () => {
    const text = 'Go 🚀 now';
    const words = wordsFromAlignment(text, evenAlignment(text));
    expect(words.map((w) => [w.text, w.charStart])).toEqual([
      ['Go', 0],
      ['🚀', 3],
      ['now', 6],
    ]);
    // 'now' is the 6th code point (index 5), so it starts at 0.5 s
    expect(words[2]!.startMs).toBe(500);
  });

  it('follows an alignment that spells the text slightly differently', () => {
    // Prepare: the service dropped the newline and doubled a space
    const text = 'One two\nthree';
    const spelled = 'One  twothree';
    const alignment = evenAlignment(spelled);
    // Act
    const words = wordsFromAlignment(text, alignment);
    // Assess
    expect(words.map((w) => w.text)).toEqual(['One', 'two', 'three']);
    expect(words[1]).toMatchObject({ startMs: 500, endMs: 800, charStart: 4 });
    expect(words[2]).toMatchObject({ startMs: 800, endMs: 1300, charStart: 8 });
  });

  it('gives a word the alignment misses the gap between its neighbours', () => {
    const text = 'alpha beta gamma';
    const alignment = evenAlignment(text);
    // Blank out "beta" (characters 6-9), as if the service skipped it
    const characters = alignment.characters.map((c, i) => (i >= 6 && i <= 9 ? '#' : c));
    const words = wordsFromAlignment(text, { ...alignment, characters });
    expect(words.map((w) => w.text)).toEqual(['alpha', 'beta', 'gamma']);
    expect(words[1]!.startMs).toBe(words[0]!.endMs);
    expect(words[1]!.endMs).toBe(words[2]!.startMs);
  });

  it('keeps words in order and never lets one end before it starts', () => {
    const text = 'a b c';
    const words = wordsFromAlignment(text, {
      characters: [...text],
      startTimesSeconds: [0.3, 0.35, 0.2, 0.4, 0.5],
      endTimesSeconds: [0.35, 0.4, 0.25, 0.45, 0.55],
    });
    for (let i = 0; i < words.length; i++) {
      expect(words[i]!.endMs).toBeGreaterThanOrEqual(words[i]!.startMs);
      if (i > 0) expect(words[i]!.startMs).toBeGreaterThanOrEqual(words[i - 1]!.endMs);
    }
  });

  it('rejects an alignment whose arrays disagree', () => {
    expect(() => wordsFromAlignment('ab', { characters: ['a', 'b'], startTimesSeconds: [0], endTimesSeconds: [0.1, 0.2] })).toThrow(RangeError);
  });

  it('returns no words for text without any', () => {
    expect(wordsFromAlignment(' — ', evenAlignment(' — '))).toEqual([]);
  });
});
