import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ProceduralImageGenerator, headlineWords, sceneSvg } from '../../lambdas/adapters/offline/procedural-image-generator.js';
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
    expect(generator.cacheKey).toBe('procedural-v1');
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
