import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import {
  ProceduralImageGenerator,
  headlineFontOptions,
  headlineFonts,
  headlineWords,
  sceneSvg,
} from '../../lambdas/adapters/offline/procedural-image-generator.js';
import { fontCodePoints, uncovered } from '../support/font-coverage.js';
import { InvalidInput } from '../../lambdas/core/errors.js';
import { ASPECTS, FRAME_SIZES, type Aspect } from '../../lambdas/core/model.js';
import type { ImageRequest } from '../../lambdas/core/ports.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk, which always comes first. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(String.fromCharCode(...bytes.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Decodes an 8-bit RGB or RGBA PNG (what resvg writes) to RGBA pixels. */
function decodePng(bytes: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { width, height } = pngSize(bytes);
  const bitDepth = bytes[24];
  const colorType = bytes[25];
  expect(bitDepth).toBe(8);
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  expect(channels).toBeGreaterThan(0);
  const idat: Uint8Array[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (type === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]!;
      const left = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const upLeft = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      let predicted = 0;
      if (filter === 1) predicted = left;
      else if (filter === 2) predicted = up;
      else if (filter === 3) predicted = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      pixels[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  if (channels === 4) return { width, height, rgba: pixels };
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([...pixels.subarray(i * 3, i * 3 + 3), 255], i * 4);
  return { width, height, rgba };
}

function request(overrides: Partial<ImageRequest> = {}): ImageRequest {
  return {
    prompt: 'Octopuses: a bold establishing shot, the subject large in the centre against an open sky',
    style: 'soft watercolor, warm dusk light',
    aspect: '9:16',
    width: 1080,
    height: 1920,
    seed: 0,
    ...overrides,
  };
}

describe('ProceduralImageGenerator', () => {
  const generator = new ProceduralImageGenerator();

  it('is the offline generator, with its own cache key, and costs nothing', async () => {
    // Prepare / Act
    const result = await generator.generate(request());

    // Assess
    expect(generator.name).toBe('offline');
    expect(generator.cacheKey).toBe('procedural-v2');
    expect(result.contentType).toBe('image/png');
    expect(result.spend).toEqual({ units: { images: 1 }, usd: 0 });
    expect([...result.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  it.each(ASPECTS)('draws a %s PNG at exactly the asked size', async (aspect: Aspect) => {
    // Prepare
    const { width, height } = FRAME_SIZES[aspect];

    // Act
    const { bytes } = await generator.generate(request({ aspect, width, height }));

    // Assess
    expect(pngSize(bytes)).toEqual({ width, height });
  });

  it('draws an odd size too', async () => {
    // Prepare / Act
    const { bytes } = await generator.generate(request({ width: 333, height: 517 }));

    // Assess
    expect(pngSize(bytes)).toEqual({ width: 333, height: 517 });
  });

  it('gives byte-identical PNGs for the same request', async () => {
    // Prepare
    const input = request({ seed: 7 });

    // Act
    const first = await generator.generate(input);
    const second = await generator.generate({ ...input });

    // Assess
    expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes))).toBe(true);
  });

  it('draws two scenes of one video clearly differently', async () => {
    // Prepare
    const size = { width: 270, height: 480 };
    const sceneOne = request({ ...size, seed: 0 });
    const sceneTwo = request({ ...size, seed: 1, prompt: 'Three hearts: an extreme close-up revealing one surprising detail' });

    // Act
    const a = decodePng((await generator.generate(sceneOne)).bytes);
    const b = decodePng((await generator.generate(sceneTwo)).bytes);

    // Assess: most pixels differ visibly, and on average by a lot.
    let changed = 0;
    let total = 0;
    for (let i = 0; i < a.rgba.length; i += 4) {
      const d = Math.abs(a.rgba[i]! - b.rgba[i]!) + Math.abs(a.rgba[i + 1]! - b.rgba[i + 1]!) + Math.abs(a.rgba[i + 2]! - b.rgba[i + 2]!);
      total += d;
      if (d > 30) changed++;
    }
    const pixels = a.rgba.length / 4;
    expect(changed / pixels).toBeGreaterThan(0.4);
    expect(total / pixels / 3).toBeGreaterThan(12);
  });

  it('changes the picture with the seed alone, and with the prompt alone', () => {
    // Prepare / Act
    const base = sceneSvg(request());
    const otherSeed = sceneSvg(request({ seed: 1 }));
    const otherPrompt = sceneSvg(request({ prompt: 'Volcanoes: a sweeping wide view' }));

    // Assess
    expect(otherSeed).not.toBe(base);
    expect(otherPrompt).not.toBe(base);
  });

  it.each(ASPECTS)('keeps all text above the caption band in %s', (aspect: Aspect) => {
    // Prepare
    const { width, height } = FRAME_SIZES[aspect];

    for (const prompt of ['Octopuses: a close-up', 'Internationalization telecommunications: a long headline', 'Quantum computing: a cutaway']) {
      // Act
      const svg = sceneSvg(request({ prompt, aspect, width, height }));

      // Assess
      const baselines = [...svg.matchAll(/<text [^>]*\by="([\d.]+)"[^>]*font-size="([\d.]+)"/g)].map((m) => ({
        y: Number(m[1]),
        size: Number(m[2]),
      }));
      expect(baselines.length).toBeGreaterThan(0);
      for (const { y, size } of baselines) {
        expect(y + size * 0.3, prompt).toBeLessThan(height * 0.55);
        expect(y - size, prompt).toBeGreaterThan(0);
      }
    }
  });

  it('shows one or two subject words from the prompt as its headline', () => {
    // Prepare / Act / Assess
    expect(headlineWords('Octopuses: a bold establishing shot, the subject in the centre')).toBe('Octopuses');
    expect(headlineWords('Three hearts: an extreme close-up')).toBe('Three hearts');
    expect(headlineWords('A vibrant illustration of an octopus swimming in a coral reef')).toBe('octopus');
    expect(headlineWords('a cinematic wide shot')).toBe('');
  });

  it('rejects a size it cannot draw', async () => {
    // Prepare / Act / Assess
    await expect(generator.generate(request({ width: 0 }))).rejects.toBeInstanceOf(InvalidInput);
    await expect(generator.generate(request({ width: 10_000 }))).rejects.toBeInstanceOf(InvalidInput);
  });
});

/** Image prompts as a script writer in each language may write them. */
const PROMPTS: Record<string, { prompt: string; headline: string }> = {
  ar: { prompt: 'مرحبا بالعالم: لقطة واسعة للبحر', headline: 'مرحبا بالعالم' },
  hi: { prompt: 'छोटी कहानी: चाँद पर पहला दिन', headline: 'छोटी कहानी' },
  bn: { prompt: 'সমুদ্র কেন লবণাক্ত', headline: 'সমুদ্র কেন' },
  th: { prompt: 'ทะเลสีฟ้าในยามเช้า ภาพกว้าง', headline: 'ทะเลสีฟ้า' },
  ja: { prompt: '月面の最初の日、宇宙飛行士が歩く', headline: '月面の最初の日' },
  zh: { prompt: '月球上的第一天，宇航员在走路', headline: '月球上的第一天' },
  ko: { prompt: '바다는 왜 짠가요: 넓은 장면', headline: '바다는' },
  ru: { prompt: 'Почему море солёное: широкий план', headline: 'Почему море' },
};

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'scripts');

/** Renders an SVG with the fonts the generator would load for `text`. */
function draw(svg: string, text: string): ReturnType<typeof decodePng> {
  return decodePng(new Uint8Array(new Resvg(svg, { fitTo: { mode: 'original' }, font: headlineFontOptions(text), logLevel: 'off' }).render().asPng()));
}

/** Columns with ink (alpha) between rows, as runs: [first, last] column of each. */
function inkRuns(png: ReturnType<typeof decodePng>): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (let x = 0; x < png.width; x++) {
    let ink = false;
    for (let y = 0; y < png.height && !ink; y++) ink = png.rgba[(y * png.width + x) * 4 + 3]! > 60;
    if (!ink) continue;
    const last = runs.at(-1);
    if (last && last[1] === x - 1) last[1] = x;
    else runs.push([x, x]);
  }
  return runs;
}

describe('ProceduralImageGenerator headlines in every script', () => {
  const generator = new ProceduralImageGenerator();

  it.each(['hi', 'bn'])('draws no %s headline, which this resvg cannot lay out, rather than a garbled one', (language) => {
    // Prepare / Act
    const svg = sceneSvg(request({ prompt: PROMPTS[language]!.prompt }));

    // Assess
    expect(headlineWords(PROMPTS[language]!.prompt)).toBe(PROMPTS[language]!.headline);
    expect(svg).not.toContain('<text');
  });

  it.each(Object.entries(PROMPTS).filter(([language]) => language !== 'hi' && language !== 'bn'))('draws a %s headline with a font that has every letter, and ink where it stands', async (language, { prompt, headline }) => {
    // Prepare
    const words = headlineWords(prompt);
    const drawn = words.toUpperCase();
    const fonts = headlineFonts(drawn);
    const req = request({ prompt, width: 360, height: 640, seed: 3 });

    // Act
    const png = (await generator.generate(req)).bytes;
    // The same picture with each headline word's letters rotated: missing glyphs all draw the
    // same empty box, so only real glyphs make the two differ.
    const svg = sceneSvg(req);
    const rotated = drawn
      .split(' ')
      .map((w) => [...w.slice([...w][0]!.length), [...w][0]].join(''))
      .join(' ');
    const other = draw(svg.replaceAll(`>${drawn}</text>`, `>${rotated}</text>`), drawn);

    // Assess
    expect(words).toBe(headline);
    expect(uncovered(drawn, await Promise.all(fonts.files.map(fontCodePoints)))).toEqual([]);
    await mkdir(ARTIFACTS, { recursive: true });
    await writeFile(join(ARTIFACTS, `picture-${language}.png`), png);
    const picture = decodePng(png);
    // The headline: white letters in the top third.
    let white = 0;
    let changed = 0;
    for (let i = 0; i < picture.width * Math.round(picture.height / 3); i++) {
      const [r, g, b] = [picture.rgba[i * 4]!, picture.rgba[i * 4 + 1]!, picture.rgba[i * 4 + 2]!];
      if (r > 235 && g > 235 && b > 235) white++;
      if (Math.abs(r - other.rgba[i * 4]!) + Math.abs(g - other.rgba[i * 4 + 1]!) + Math.abs(b - other.rgba[i * 4 + 2]!) > 60) changed++;
    }
    expect(white).toBeGreaterThan(400);
    expect(changed).toBeGreaterThan(300);
  });

  it('joins Arabic letters and lays Arabic words right to left', () => {
    // Prepare
    const text = (content: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="200"><text x="450" y="130" font-family="Inter, 'Noto Sans Arabic'" font-weight="800" font-size="80" text-anchor="middle" fill="#000">${content}</text></svg>`;

    // Act: four beh joined; the same four kept apart by zero-width non-joiners; then a long
    // word followed by a short one.
    const joined = inkRuns(draw(text('بببب'), 'ب'));
    const apart = inkRuns(draw(text('ب\u200Cب\u200Cب\u200Cب'), 'ب'));
    const sentence = draw(text('سلامسلامسلام لا'), 'س');

    // Assess: joined letters are one stroke; apart they are four. The first (long) word of the
    // sentence is on the right, so most of the ink is right of the middle of the line.
    expect(joined).toHaveLength(1);
    expect(apart.length).toBeGreaterThanOrEqual(4);
    const runs = inkRuns(sentence);
    const [left, right] = [runs[0]![0], runs.at(-1)![1]];
    const widest = runs.reduce((a, b) => (b[1] - b[0] > a[1] - a[0] ? b : a));
    expect((widest[0] + widest[1]) / 2).toBeGreaterThan((left + right) / 2);
  });
});
