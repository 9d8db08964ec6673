/**
 * Every caption look drawn by the composition itself (renderStill, 9:16 at half size, one 16:9):
 * the captions' ink lies in the band of the position asked for, and the brand's logo is drawn in
 * its corner at its opacity, in the full frame and in the layered render's logo strip. The PNGs
 * stay under test-artifacts/caption-presets/ to be looked at.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openBrowser, renderStill, selectComposition } from '@remotion/renderer';
import { Resvg } from '@resvg/resvg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRemotionRenderer } from '../../lambdas/adapters/offline/remotion-renderer.js';
import { CAPTION_POSITIONS, CAPTION_STYLES, type CaptionPosition, type CaptionStyle, type WordTiming } from '../../lambdas/core/model.js';
import { buildCaptions } from '../../lambdas/core/pipeline/timing-steps.js';
import { CAPTION_PRESETS } from '../../frontend/remotion/caption-presets.js';
import { COMPOSITION_ID, type BrandProps, type ShortVideoProps } from '../../lambdas/core/video-props.js';
import { frameLayout } from '../../frontend/remotion/layout.js';
import { OVERLAY_BAND_COMPOSITION_ID, planOverlay, type OverlayBandProps } from '../../frontend/remotion/overlay-plan.js';
import { watermarkBox } from '../../frontend/remotion/watermark.js';
import { MemoryBlobStore } from '../support/render-blob-store.js';
import { serveFiles, toneWav } from '../support/render-fixtures.js';

const run = promisify(execFile);
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'caption-presets');
// Shared with test/integration/render.test.ts: the bundle cached there is reused.
const WORK_DIR = join(process.cwd(), 'test-artifacts', 'remotion-work');
const GREY = 128;
/** Narration of 3 s: "hearts" is spoken from 2 s. */
const WORDS: WordTiming[] = ['Octopuses', 'really', 'have', 'three', 'hearts', 'inside'].map((text, i, all) => ({
  text,
  startMs: Math.round((i * 3000) / all.length),
  endMs: Math.round(((i + 1) * 3000) / all.length) - 40,
  charStart: all.slice(0, i).join(' ').length + (i ? 1 : 0),
}));
const FPS = 30;

function solid(width: number, height: number, fill: string): Uint8Array {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="${fill}"/></svg>`;
  return new Resvg(svg, { font: { loadSystemFonts: false } }).render().asPng();
}

/** A PNG's pixels as RGB bytes (decoded by ffmpeg). */
async function pixels(png: string): Promise<Buffer> {
  const { stdout } = await run('/usr/bin/ffmpeg', ['-v', 'error', '-i', png, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 64 << 20 });
  return stdout as unknown as Buffer;
}

/** The first and last rows with text ink: pixels far from the grey background (the shade is at most ~30 levels darker). */
function inkRows(rgb: Buffer, width: number, height: number): { first: number; last: number; count: number } {
  let first = -1;
  let last = -1;
  let count = 0;
  for (let y = 0; y < height; y++) {
    let inked = 0;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      if (Math.abs(rgb[i]! - GREY) + Math.abs(rgb[i + 1]! - GREY) + Math.abs(rgb[i + 2]! - GREY) > 150) inked++;
    }
    if (inked >= 2) {
      if (first < 0) first = y;
      last = y;
      count += inked;
    }
  }
  return { first, last, count };
}

describe('caption presets, drawn', () => {
  let server: Awaited<ReturnType<typeof serveFiles>>;
  let serveUrl: string;
  let browser: Awaited<ReturnType<typeof openBrowser>>;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const files = new Map<string, { body: Uint8Array; contentType: string }>([
      ['/grey-540x960.png', { body: solid(540, 960, `rgb(${GREY},${GREY},${GREY})`), contentType: 'image/png' }],
      ['/grey-960x540.png', { body: solid(960, 540, `rgb(${GREY},${GREY},${GREY})`), contentType: 'image/png' }],
      ['/logo.png', { body: solid(200, 200, '#ff0000'), contentType: 'image/png' }],
      ['/voice.wav', { body: toneWav(3), contentType: 'audio/wav' }],
    ]);
    server = await serveFiles(files);
    serveUrl = await new LocalRemotionRenderer({ blobs: new MemoryBlobStore(), workDir: WORK_DIR }).bundle();
    browser = await openBrowser('chrome', { browserExecutable: '/usr/bin/chromium', chromiumOptions: { gl: null } });
  }, 240_000);

  afterAll(async () => {
    await browser?.close({ silent: true });
    await server?.close();
  });

  function props(width: number, height: number, style: CaptionStyle, extra: Partial<ShortVideoProps> = {}): ShortVideoProps {
    return {
      title: 'Octopus facts',
      width,
      height,
      fps: FPS,
      durationInFrames: 3 * FPS,
      crossfadeFrames: 0,
      scenes: [{ imageUrl: server.url(`/grey-${width}x${height}.png`), startFrame: 0, durationInFrames: 3 * FPS }],
      audioUrl: server.url('/voice.wav'),
      // Paged as the pipeline pages them for the style (Build Captions' limits per look).
      captions: buildCaptions(WORDS, style),
      captionStyle: style,
      ...extra,
    };
  }

  // One selectComposition per composition and size: the metadata depends only on those here.
  const compositions = new Map<string, Awaited<ReturnType<typeof selectComposition>>>();
  async function still(id: string, inputProps: ShortVideoProps | OverlayBandProps, frame: number, name: string): Promise<string> {
    const size = `${id} ${inputProps.width}x${'bandHeight' in inputProps ? inputProps.bandHeight : inputProps.height}`;
    let composition = compositions.get(size);
    if (!composition) {
      composition = await selectComposition({ serveUrl, id, inputProps, puppeteerInstance: browser, logLevel: 'error' });
      compositions.set(size, composition);
    }
    const output = join(ARTIFACTS, `${name}.png`);
    await renderStill({ serveUrl, composition: { ...composition, props: inputProps }, inputProps, frame, output, puppeteerInstance: browser, logLevel: 'error' });
    return output;
  }

  // Frame 68 (2.27 s): the title pill has faded out; "hearts" is being spoken, its page fully in.
  // Each look once (the budget of the suite), the three positions twice each: given or the look's own.
  const cases: [CaptionStyle, CaptionPosition | undefined][] = [
    ['bold', 'top'],
    ['karaoke', 'middle'],
    ['minimal', undefined],
    ['boxed', 'top'],
    ['outline', undefined],
    ['subtitle', 'bottom'],
  ];
  it('draws every look (9:16), its ink inside the band of its position', async () => {
    expect(new Set(cases.map(([style]) => style))).toEqual(new Set(CAPTION_STYLES));
    expect(new Set(cases.map(([style, position]) => position ?? CAPTION_PRESETS[style].position))).toEqual(new Set(CAPTION_POSITIONS));
    for (const [style, position] of cases) {
      const p = props(540, 960, style, position ? { captionPosition: position } : {});
      const png = await still(COMPOSITION_ID, p, 68, `9x16-${style}-${position ?? 'default'}`);
      const ink = inkRows(await pixels(png), 540, 960);
      const expected = frameLayout(540, 960, position ?? CAPTION_PRESETS[style].position);
      expect(ink.count, `${style} ${position}: no caption ink`).toBeGreaterThan(500);
      // Text, its outline and the popped word stay in the band, give or take a few pixels of shadow.
      const slack = 8;
      expect(ink.first, `${style} ${position ?? 'default'}: ink starts above the band`).toBeGreaterThanOrEqual(expected.captionTop - slack);
      expect(ink.last, `${style} ${position ?? 'default'}: ink ends below the band`).toBeLessThanOrEqual(expected.captionTop + expected.captionHeight + slack);
    }
  }, 180_000);

  it('draws a large subtitle bar at 16:9 and a brand’s colours', async () => {
    const brand: BrandProps = { logoPosition: 'top-right', logoOpacity: 1, primaryColor: '#00C853', textColor: '#FFFFFF', font: 'anton' };
    const png = await still(COMPOSITION_ID, props(960, 540, 'boxed', { captionSize: 'large', captionPosition: 'bottom', brand }), 60, '16x9-boxed-large-brand');
    const rgb = await pixels(png);
    const band = frameLayout(960, 540, 'bottom');
    // The active word's box is the brand's green.
    let green = 0;
    for (let y = band.captionTop; y < band.captionTop + band.captionHeight; y++) {
      for (let x = 0; x < 960; x++) {
        const i = (y * 960 + x) * 3;
        if (rgb[i]! < 30 && rgb[i + 1]! > 170 && rgb[i + 2]! > 60 && rgb[i + 2]! < 120) green++;
      }
    }
    expect(green).toBeGreaterThan(1000);
  }, 60_000);

  it('draws the logo in its corner at its opacity, in the frame and in the layered render’s logo strip', async () => {
    const brand: BrandProps = { logoUrl: server.url('/logo.png'), logoPosition: 'bottom-left', logoOpacity: 0.5 };
    const p = props(540, 960, 'minimal', { brand });
    const rgb = await pixels(await still(COMPOSITION_ID, p, 60, '9x16-logo-bottom-left'));
    const box = watermarkBox(540, 960, 'bottom-left');
    // The logo is square in a wider box: it hugs the box's left edge. Half red over grey.
    const cx = box.left + Math.round(box.height / 2);
    const cy = box.top + Math.round(box.height / 2);
    const at = (x: number, y: number) => [...rgb.subarray((y * 540 + x) * 3, (y * 540 + x) * 3 + 3)];
    const [r, g, b] = at(cx, cy);
    expect(Math.abs(r! - (255 + GREY) / 2)).toBeLessThan(8);
    expect(Math.abs(g! - GREY / 2)).toBeLessThan(8);
    expect(Math.abs(b! - GREY / 2)).toBeLessThan(8);
    // Nothing of it in the opposite corner.
    const other = watermarkBox(540, 960, 'top-right');
    expect(at(other.left + other.width - 4, other.top + 4)).toEqual([GREY, GREY, GREY]);

    // The layered render's strip: one frame, the logo at the same place in the strip.
    const strip = planOverlay(p).find((plan) => plan.layer === 'watermark')!;
    const bandProps: OverlayBandProps = { ...p, layer: 'watermark', bandTop: strip.top, bandHeight: strip.height };
    const stripPng = await still(OVERLAY_BAND_COMPOSITION_ID, bandProps, 0, '9x16-logo-strip');
    const { stdout } = await run('/usr/bin/ffmpeg', ['-v', 'error', '-i', stripPng, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { encoding: 'buffer', maxBuffer: 16 << 20 });
    const rgba = stdout as unknown as Buffer;
    const j = ((cy - strip.top) * 540 + cx) * 4;
    expect(rgba[j]).toBeGreaterThan(240);
    expect(Math.abs(rgba[j + 3]! - 128)).toBeLessThan(6);
  }, 60_000);
});
