import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openBrowser, renderFrames } from '@remotion/renderer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROPS } from '../../frontend/remotion/default-props.js';
import { OVERLAY_BAND_COMPOSITION_ID, overlayBands, type OverlayBandProps, type OverlayLayer } from '../../frontend/remotion/overlay-plan.js';
import { LocalRemotionRenderer } from '../../lambdas/adapters/offline/remotion-renderer.js';
import { languageInfo, type Language } from '../../lambdas/core/languages.js';
import type { CaptionStyle } from '../../lambdas/core/model.js';
import { COMPOSITION_ID, type CaptionPage, type ShortVideoProps } from '../../lambdas/core/video-props.js';
import { boxOf, readPixels, type Pixels } from '../support/font-coverage.js';
import { MemoryBlobStore } from '../support/render-blob-store.js';
import { SCRIPT_SAMPLES } from '../support/script-samples.js';

/**
 * Captions and titles in each script, drawn by the overlay band composition (what the layered
 * local render lays over the pictures) in a Chromium that has NO system fonts, as on Lambda:
 * whatever is drawn was drawn with the fonts the composition loads itself.
 */
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'scripts');
// Shared with test/integration/render.test.ts: the bundle cached there is reused here.
const WORK_DIR = join(process.cwd(), 'test-artifacts', 'remotion-work');
const [WIDTH, HEIGHT, FPS] = [540, 960, 30];
const LANGUAGES_DRAWN: Language[] = ['ar', 'hi', 'bn', 'th', 'ja', 'zh', 'ko', 'ru'];
const HIGHLIGHT = (r: number, g: number, b: number, a: number) => a > 200 && r > 225 && g > 185 && b < 110;
const INK = (r: number, g: number, b: number, a: number) => a > 200 && r > 200 && g > 200 && b > 200;

/** The sample's words: split at spaces, or by Intl.Segmenter where the language has none (punctuation kept on the word before). */
function wordsOf(text: string, language: Language): string[] {
  if (languageInfo(language).spaces) return text.split(/\s+/).filter(Boolean);
  const words: string[] = [];
  for (const { segment, isWordLike } of new Intl.Segmenter(language, { granularity: 'word' }).segment(text)) {
    if (isWordLike || words.length === 0) words.push(segment);
    else words[words.length - 1] += segment;
  }
  return words;
}

/**
 * One page of the words, up from `atS` seconds, its words spoken from 1 s later, 500 ms each:
 * word i starts at frame 30·atS + 30 + 15·i, where its "pop" has not begun, so it is not scaled.
 */
function page(words: readonly string[], atS = 0): CaptionPage {
  const at = atS * 1000;
  const tokens = words.map((text, i) => ({ text, fromMs: at + 1000 + i * 500, toMs: at + 1000 + i * 500 + 480 }));
  return { startMs: at, endMs: at + 1000 + words.length * 500, tokens };
}
const wordStart = (i: number, atS = 0) => atS * FPS + 30 + 15 * i;

/**
 * Each word with its letters rotated by one place, its marks and punctuation left where they
 * are. Drawn with a font that lacks them, every letter and mark is the same empty box, so this
 * draws exactly what the original draws; drawn with real glyphs, it draws something else.
 */
function rotated(words: readonly string[]): string[] {
  return words.map((w) => {
    const chars = [...w];
    const at = chars.flatMap((c, i) => (/\p{L}/u.test(c) ? [i] : []));
    const out = [...chars];
    at.forEach((i, k) => (out[i] = chars[at[(k + 1) % at.length]!]!));
    return out.join('');
  });
}

/** A black picture: nothing under the text is white. */
const BLACK = `data:image/svg+xml;base64,${btoa('<svg xmlns="http://www.w3.org/2000/svg" width="54" height="96"><rect width="54" height="96"/></svg>')}`;

function videoProps(props: Partial<ShortVideoProps>): ShortVideoProps {
  return {
    title: '',
    width: WIDTH,
    height: HEIGHT,
    fps: FPS,
    durationInFrames: 1200,
    crossfadeFrames: 0,
    scenes: [{ imageUrl: BLACK, startFrame: 0, durationInFrames: 1200 }],
    // Six seconds of silence, as a data URL.
    audioUrl: DEFAULT_PROPS.audioUrl,
    captions: [],
    captionStyle: 'bold',
    ...props,
  };
}

describe('captions and titles in every script', () => {
  let serveUrl: string;
  let browser: Awaited<ReturnType<typeof openBrowser>>;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    serveUrl = await new LocalRemotionRenderer({ blobs: new MemoryBlobStore(), workDir: WORK_DIR }).bundle();
    // A fontconfig with no font directories: Chromium sees no system font at all.
    const conf = join(ARTIFACTS, 'no-fonts.conf');
    await writeFile(conf, `<?xml version="1.0"?>\n<fontconfig><cachedir>${join(ARTIFACTS, 'fc-cache')}</cachedir></fontconfig>\n`);
    const chromium = join(ARTIFACTS, 'chromium-no-fonts.sh');
    await writeFile(chromium, `#!/bin/sh\nFONTCONFIG_FILE='${conf}' exec /usr/bin/chromium "$@"\n`, { mode: 0o755 });
    browser = await openBrowser('chrome', { browserExecutable: chromium, chromeMode: 'chrome-for-testing', chromiumOptions: { gl: null }, logLevel: 'error' });
  });

  afterAll(async () => {
    await browser?.close({ silent: true });
  });

  /**
   * Draws one strip (title or captions, or the whole video) at each of `frames` in one page
   * load, and returns their pixels; the pictures are kept to look at.
   */
  async function drawBand(name: string, layer: OverlayLayer | 'video', frames: number[], props: Partial<ShortVideoProps>): Promise<Pixels[]> {
    const video = videoProps(props);
    const band = layer === 'video' ? { top: 0, height: HEIGHT } : overlayBands(video)[layer];
    const inputProps: ShortVideoProps | OverlayBandProps =
      layer === 'video' ? video : { ...video, layer, bandTop: band.top, bandHeight: band.height };
    const composition = {
      id: layer === 'video' ? COMPOSITION_ID : OVERLAY_BAND_COMPOSITION_ID,
      width: WIDTH,
      height: band.height,
      fps: FPS,
      durationInFrames: video.durationInFrames,
      defaultProps: {},
      props: inputProps,
      defaultCodec: null,
      defaultOutName: null,
      defaultVideoImageFormat: null,
      defaultPixelFormat: null,
      defaultProResProfile: null,
      defaultSampleRate: null,
    };
    const files = new Map<number, string>();
    await renderFrames({
      serveUrl,
      composition,
      inputProps,
      frames,
      // JPEG screenshots cost Chromium less than PNG; the colours checked here survive it.
      imageFormat: 'jpeg',
      jpegQuality: 90,
      outputDir: null,
      onStart: () => {},
      onFrameUpdate: () => {},
      onFrameBuffer: async (buffer, frame) => {
        const file = join(ARTIFACTS, `${name}-${frames.indexOf(frame)}.jpg`);
        await writeFile(file, buffer);
        files.set(frame, file);
      },
      puppeteerInstance: browser,
      concurrency: 1,
      logLevel: 'error',
    });
    return Promise.all(frames.map((frame) => readPixels(files.get(frame)!)));
  }

  /** Rows `top` … `top + height` of a picture. */
  const rows = (p: Pixels, band: { top: number; height: number }): Pixels => ({
    width: p.width,
    height: band.height,
    rgba: p.rgba.subarray(band.top * p.width * 4, (band.top + band.height) * p.width * 4),
  });

  const differing = (a: Pixels, b: Pixels) => {
    let count = 0;
    for (let i = 0; i < a.rgba.length; i++) if (Math.abs(a.rgba[i]! - b.rgba[i]!) > 40) count++;
    return count;
  };

  it.each(LANGUAGES_DRAWN)('draws %s captions and title with real glyphs, no empty boxes', async (language) => {
    // Prepare: the sample, and the same words with their letters rotated (see rotated()).
    const words = wordsOf(SCRIPT_SAMPLES[language], language);
    const other = rotated(words);
    const style: CaptionStyle = 'karaoke';

    // Act: the whole frame (one page load): the title fully up over the first page as its first
    // word starts; then the second page, as its first word starts, the title gone.
    const props = { language, title: words.join(languageInfo(language).spaces ? ' ' : ''), captions: [page(words), page(other, 20)], captionStyle: style };
    const [first, second] = await drawBand(language, 'video', [wordStart(0), wordStart(0, 20)], props);
    const bands = overlayBands(videoProps(props));

    // Assess
    const [captions, captionsOther] = [rows(first!, bands.captions), rows(second!, bands.captions)];
    expect(boxOf(captions, INK)?.count ?? 0).toBeGreaterThan(500);
    expect(differing(captions, captionsOther)).toBeGreaterThan(2000);
    expect(boxOf(rows(first!, bands.title), INK)?.count ?? 0).toBeGreaterThan(300);
    expect(boxOf(rows(second!, bands.title), INK)).toBeUndefined();
  });

  it('moves the highlighted Arabic word from right to left as the words are spoken', async () => {
    // Prepare
    const words = ['مرحبا', 'يا', 'أصدقائي،', 'البحر'];
    const props = { language: 'ar', captions: [page(words)], captionStyle: 'bold' as const };

    // Act: the highlight as words 0, 2 and 3 start.
    const drawn = await drawBand('ar-highlight', 'captions', [0, 2, 3].map((i) => wordStart(i)), props);
    const boxes = drawn.map((pixels) => boxOf(pixels, HIGHLIGHT));

    // Assess: each highlight right of (or, on the next line, below) the one after it.
    const [first, third, fourth] = boxes;
    expect(first && third && fourth).toBeTruthy();
    expect(third!.right).toBeLessThan(first!.left);
    if (Math.abs(fourth!.top - third!.top) < 5) expect(fourth!.right).toBeLessThan(third!.left);
  });

  it('lays out Japanese words with no space between them and breaks lines only between words', async () => {
    // Prepare: a page too long for one line.
    const words = wordsOf('月での最初の日、宇宙飛行士は海を歩いた。', 'ja');
    const props = { language: 'ja', captions: [page(words)], captionStyle: 'bold' as const };
    const fontSize = Math.round(Math.min(WIDTH, HEIGHT) * 0.078);

    // Act: the highlight box of each word in turn.
    // Enough words to fill the first line and start the second (each frame costs a screenshot).
    const shown = words.slice(0, 9);
    const drawn = await drawBand('ja-words', 'captions', shown.map((_, i) => wordStart(i)), props);
    const boxes = drawn.map((pixels, i) => {
      const box = boxOf(pixels, HIGHLIGHT);
      expect(box, words[i]).toBeTruthy();
      return box!;
    });

    // Assess: more than one line; every word on one line; neighbours on a line abut — the
    // boxes reach 0.16 em past each word and are pulled 0.16 em in, so with no space between
    // words they overlap by about 0.3 em, and a space would leave a gap instead.
    const lines = new Set(boxes.map((b) => Math.round(b.top / (fontSize * 0.5))));
    expect(lines.size).toBeGreaterThanOrEqual(2);
    for (const box of boxes) expect(box.bottom - box.top).toBeLessThan(fontSize * 1.6);
    let neighbours = 0;
    for (let i = 1; i < boxes.length; i++) {
      const [a, b] = [boxes[i - 1]!, boxes[i]!];
      if (Math.abs(a.top - b.top) > fontSize * 0.3) continue;
      neighbours++;
      expect(b.left - a.right, `${words[i - 1]}|${words[i]}`).toBeLessThan(-fontSize * 0.15);
    }
    expect(neighbours).toBe(shown.length - lines.size);
  });
});
