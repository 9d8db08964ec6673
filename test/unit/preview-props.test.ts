/**
 * The live preview's props (frontend/src/lib/preview-props.ts): the choices made on the Create and
 * Brand pages reach the composition, and the sample captions are cut as Build Captions cuts them.
 */
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../lambdas/core/languages.js';
import { ShortVideoPropsSchema } from '../../lambdas/core/video-props.js';
import { previewProps, SAMPLE_TEXT, sampleCaptions, sampleTokens } from '../../frontend/src/lib/preview-props.js';

describe('preview props', () => {
  it('carry the shape, caption look, place, size, language and brand kit chosen, and stay valid composition props', () => {
    const brand = { logoUrl: 'http://127.0.0.1/logo.png', logoPosition: 'bottom-left' as const, logoOpacity: 0.5, primaryColor: '#FF0066', textColor: '#FFFFFF', font: 'anton' as const };
    const props = previewProps({ aspect: '1:1', captionStyle: 'karaoke', captionPosition: 'top', captionSize: 'large', language: 'pt-BR', brand });
    expect(props).toMatchObject({ width: 1080, height: 1080, captionStyle: 'karaoke', captionPosition: 'top', captionSize: 'large', language: 'pt-BR', brand, title: SAMPLE_TEXT.pt.title });
    expect(ShortVideoPropsSchema.parse(props)).toBeTruthy();
    const plain = previewProps({ aspect: '9:16', captionStyle: 'bold', language: 'en' });
    expect(plain).not.toHaveProperty('captionPosition');
    expect(plain).not.toHaveProperty('brand');
    expect([plain.width, plain.height]).toEqual([1080, 1920]);
  });

  it('have a sample in every language whose pages hold all its words in order, timed within the video', () => {
    for (const language of LANGUAGES) {
      const pages = sampleCaptions(language, 6000);
      // Pages start on a new line: their first word has no leading space, so rejoin pages with one.
      const rejoined = pages.map((p) => p.tokens.map((t) => t.text).join('')).join(SAMPLE_TEXT[language].sentence.includes(' ') ? ' ' : '');
      expect(rejoined, language).toBe(SAMPLE_TEXT[language].sentence);
      expect(pages[0]!.startMs).toBe(0);
      expect(pages.at(-1)!.endMs).toBe(6000);
      for (const page of pages) for (const t of page.tokens) expect(t.toMs).toBeGreaterThan(t.fromMs);
    }
  });

  it('cut Japanese, Chinese and Thai into words without spaces, punctuation kept on the word before it', () => {
    for (const language of ['ja', 'zh', 'th'] as const) {
      const tokens = sampleTokens(SAMPLE_TEXT[language].sentence, language);
      expect(tokens.length, language).toBeGreaterThan(4);
      expect(tokens.join(''), language).toBe(SAMPLE_TEXT[language].sentence);
      expect(tokens.some((t) => /\s/.test(t)), language).toBe(false);
      expect(tokens.some((t) => /^[，。、]/.test(t)), language).toBe(false);
    }
    expect(sampleTokens('one two three', 'en')).toEqual(['one', ' two', ' three']);
  });
});
