import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BRAND_FONT_FACES, facesFor, fontStackFor } from '../../frontend/remotion/fonts.js';
import { BREAK_OPPORTUNITY, breakableText, hasCase, textAttributes, tokenSeparator } from '../../frontend/remotion/text-direction.js';
import { LANGUAGES } from '../../lambdas/core/languages.js';
import { BRAND_FONTS } from '../../lambdas/core/model.js';
import { fontCodePoints, uncovered } from '../support/font-coverage.js';
import { SCRIPT_SAMPLES } from '../support/script-samples.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * The file behind a font URL as Vite serves it in tests: `/@fs/abs/path` for a file outside the
 * project (a worktree's linked node_modules), `/node_modules/…` for one inside it (a clone).
 */
const fileOf = (url: string) => (url.startsWith('/@fs/') ? url.slice('/@fs'.length) : join(REPO_ROOT, url));
const cmaps = new Map<string, Promise<Set<number>>>();
const cmapOf = (url: string) => {
  if (!cmaps.has(url)) cmaps.set(url, fontCodePoints(fileOf(url)));
  return cmaps.get(url)!;
};

describe('the composition fonts', () => {
  it.each(LANGUAGES)('draw every character of a %s sentence with the faces loaded for it', async (language) => {
    // Prepare
    const faces = facesFor(language);

    // Act
    const missing = uncovered(SCRIPT_SAMPLES[language], await Promise.all(faces.map((f) => cmapOf(f.url))));

    // Assess
    expect(missing).toEqual([]);
  });

  it('load only the script face of the language in use', () => {
    expect(facesFor('ja').map((f) => f.family)).toEqual(['Inter', 'Noto Sans JP']);
    expect(facesFor('ar-EG').map((f) => f.family)).toEqual(['Inter', 'Noto Sans Arabic']);
    expect(facesFor('ru').map((f) => f.family)).toEqual(['Inter']);
    expect(facesFor(undefined).map((f) => f.family)).toEqual(['Inter']);
  });

  it('name in the stack exactly the faces they load, brand font first, CJK face before Inter', () => {
    for (const language of LANGUAGES) {
      for (const brand of [undefined, ...BRAND_FONTS]) {
        const stack = fontStackFor(language, brand).split(', ').map((f) => f.replace(/"/g, ''));
        expect(stack.at(-1)).toBe('sans-serif');
        expect(new Set(stack.slice(0, -1))).toEqual(new Set(facesFor(language, brand).map((f) => f.family)));
        if (brand) expect(stack[0]).toBe(BRAND_FONT_FACES[brand].family);
      }
    }
    expect(fontStackFor('ja')).toBe('"Noto Sans JP", "Inter", sans-serif');
    expect(fontStackFor('hi', 'bebas-neue')).toBe('"Bebas Neue", "Inter", "Noto Sans Devanagari", sans-serif');
  });

  it.each(BRAND_FONTS)('with brand font %s still draw every language (the script face fills in)', async (brand) => {
    for (const language of LANGUAGES) {
      const faces = await Promise.all(facesFor(language, brand).map((f) => cmapOf(f.url)));
      expect(uncovered(SCRIPT_SAMPLES[language], faces), language).toEqual([]);
    }
  });
});

describe('text direction and breaking', () => {
  it('sets lang and dir: Arabic right to left, the rest left to right', () => {
    expect(textAttributes('ar')).toEqual({ lang: 'ar', dir: 'rtl' });
    expect(textAttributes('pt-BR')).toEqual({ lang: 'pt-BR', dir: 'ltr' });
    expect(textAttributes(undefined)).toEqual({ lang: 'en', dir: 'ltr' });
  });

  it('uppercases only scripts with case', () => {
    expect(LANGUAGES.filter(hasCase)).toEqual(['en', 'es', 'pt', 'fr', 'de', 'it', 'nl', 'pl', 'tr', 'ru', 'uk', 'id', 'vi']);
  });

  it('joins tokens without spaces in Japanese, Chinese and Thai, with a break opportunity between them', () => {
    expect(tokenSeparator('ja')).toBe(BREAK_OPPORTUNITY);
    expect(tokenSeparator('th')).toBe(BREAK_OPPORTUNITY);
    expect(tokenSeparator('zh')).toBe(BREAK_OPPORTUNITY);
    expect(tokenSeparator('ko')).toBe(' ');
    expect(tokenSeparator('ar')).toBe(' ');
  });

  it('lets a Japanese title break between words only, never before its punctuation', () => {
    const text = breakableText('なぜ海は塩辛いのか。', 'ja');
    expect(text.replaceAll(BREAK_OPPORTUNITY, '')).toBe('なぜ海は塩辛いのか。');
    const words = text.split(BREAK_OPPORTUNITY);
    expect(words.length).toBeGreaterThanOrEqual(4);
    expect(words.at(-1)).toMatch(/。$/);
    expect(words.every((w) => w !== '。')).toBe(true);
    expect(breakableText('Hello world', 'en')).toBe('Hello world');
    // An opening quote stays with the word it opens.
    expect(breakableText('第一天，“章鱼”', 'zh').split(BREAK_OPPORTUNITY).at(-1)).toBe('“章鱼”');
  });
});
