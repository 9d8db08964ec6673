import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InvalidInput } from '../../core/errors.js';
import type { ImageGenerator, ImageRequest, Spend } from '../../core/ports.js';
import { mulberry32 } from './seeded-random.js';

/**
 * The offline image generator: draws a layered landscape (sky, sun or moon, parallax land,
 * particles, grain, vignette) as SVG and renders it to PNG with resvg and a bundled font.
 * Palette and motif come from a hash of prompt + style + seed, so reruns are byte-identical
 * and every scene looks different. Text stays out of the caption band (55–85 % of the height).
 */
export class ProceduralImageGenerator implements ImageGenerator {
  readonly name = 'offline';
  // v2: headlines in every script (v1 drew empty boxes for anything but Latin and Cyrillic).
  readonly cacheKey = 'procedural-v2';

  async generate(request: ImageRequest): Promise<{ bytes: Uint8Array; contentType: string; spend: Spend }> {
    const { width, height } = request;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 16 || height < 16 || width > 4096 || height > 4096) {
      throw new InvalidInput(`image size must be whole pixels between 16 and 4096, got ${width}×${height}`);
    }
    const { renderAsync } = await loadResvg();
    const rendered = await renderAsync(sceneSvg(request), {
      fitTo: { mode: 'original' },
      font: headlineFontOptions(headlineWords(request.prompt)),
      logLevel: 'off',
    });
    return { bytes: new Uint8Array(rendered.asPng()), contentType: 'image/png', spend: { units: { images: 1 }, usd: 0 } };
  }
}

let resvg: Promise<typeof import('@resvg/resvg-js')> | undefined;

/**
 * resvg's native module allocates with its own mimalloc, which by default keeps freed pages of
 * each thread for later: after five 1080×1920 scenes the process held ~90 MB it no longer used,
 * for as long as it lived (through the whole render, in `shorts generate`). Returning them at
 * once (mimalloc's purge_delay = 0) leaves ~50 MB. mimalloc reads its options when the library
 * loads, hence setting it here, before the first import; a value set by the user wins.
 */
function loadResvg(): Promise<typeof import('@resvg/resvg-js')> {
  process.env.MIMALLOC_PURGE_DELAY ??= '0';
  resvg ??= import('@resvg/resvg-js');
  return resvg;
}

/** A bundled font: its CSS family name and its file inside an @expo-google-fonts package. */
interface HeadlineFont {
  family: string;
  pkg: string;
  file: string;
}

const INTER: HeadlineFont[] = [
  { family: 'Inter', pkg: '@expo-google-fonts/inter', file: '800ExtraBold/Inter_800ExtraBold.ttf' },
  { family: 'Inter', pkg: '@expo-google-fonts/inter', file: '600SemiBold/Inter_600SemiBold.ttf' },
];

/**
 * The Noto face for each script Inter lacks (Inter draws Latin, Cyrillic and Vietnamese), and
 * the characters that call for it. Kana picks the Japanese face and Hangul the Korean one; Han
 * alone is drawn with the Simplified Chinese face.
 */
const SCRIPT_FONTS: Array<{ test: RegExp; font: HeadlineFont }> = [
  { test: /\p{Script=Arabic}/u, font: noto('arabic', 'NotoSansArabic') },
  { test: /\p{Script=Devanagari}/u, font: noto('devanagari', 'NotoSansDevanagari') },
  { test: /\p{Script=Bengali}/u, font: noto('bengali', 'NotoSansBengali') },
  { test: /\p{Script=Thai}/u, font: noto('thai', 'NotoSansThai') },
  { test: /[\p{Script=Hiragana}\p{Script=Katakana}]/u, font: noto('jp', 'NotoSansJP') },
  { test: /\p{Script=Hangul}/u, font: noto('kr', 'NotoSansKR') },
  { test: /^(?!.*[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]).*\p{Script=Han}/su, font: noto('sc', 'NotoSansSC') },
];

function noto(pkg: string, name: string): HeadlineFont {
  const family = `Noto Sans ${pkg.length === 2 ? pkg.toUpperCase() : pkg[0]!.toUpperCase() + pkg.slice(1)}`;
  return { family, pkg: `@expo-google-fonts/noto-sans-${pkg}`, file: `800ExtraBold/${name}_800ExtraBold.ttf` };
}

const requireHere = createRequire(import.meta.url);

/** The fonts a headline needs: Inter, and the Noto face of each other script in it (only those: a CJK face is 5–10 MB). */
export function headlineFonts(text: string): { families: string[]; files: string[] } {
  const fonts = [...INTER, ...SCRIPT_FONTS.filter(({ test }) => test.test(text)).map(({ font }) => font)];
  return {
    families: [...new Set(fonts.map((f) => f.family))],
    files: fonts.map((f) => join(dirname(requireHere.resolve(`${f.pkg}/package.json`)), f.file)),
  };
}

/**
 * resvg's font options for a headline: the bundled files only (no system font), Inter by
 * default; resvg falls back, character by character, to another loaded face that has it.
 */
export function headlineFontOptions(text: string): { fontFiles: string[]; loadSystemFonts: false; defaultFontFamily: string } {
  return { fontFiles: headlineFonts(text).files, loadSystemFonts: false, defaultFontFamily: 'Inter' };
}

// ---------------------------------------------------------------------------------------------
// Palette

type Mood = 'dawn' | 'day' | 'dusk' | 'night';
type Motif = 'hills' | 'peaks' | 'waves' | 'dunes' | 'city' | 'forest' | 'space' | 'aurora';

const MOTIFS: Motif[] = ['hills', 'peaks', 'waves', 'dunes', 'city', 'forest', 'space', 'aurora'];

/** Words in a prompt that suggest a motif, so a scene about the sea tends to show water. */
const MOTIF_HINTS: Array<[RegExp, Motif]> = [
  [/\b(ocean|sea|seas|wave|waves|beach|octopus\w*|fish\w*|whale\w*|shark\w*|coral|tide\w*|boat\w*|ship\w*|island\w*|lake|river|water|swim\w*)\b/i, 'waves'],
  [/\b(space|planet\w*|star|stars|galax\w*|orbit\w*|moon|mars|jupiter|saturn|rocket\w*|astronaut\w*|black holes?|universe|cosmos|nasa|light)\b/i, 'space'],
  [/\b(mountain\w*|volcano\w*|peak\w*|everest|alps|climb\w*|glacier\w*|snow)\b/i, 'peaks'],
  [/\b(desert\w*|sand|dune\w*|egypt\w*|pyramid\w*|sahara|camel\w*)\b/i, 'dunes'],
  [/\b(city|cities|street\w*|urban|tower\w*|building\w*|skyscraper\w*|traffic|rome|roman\w*|empire\w*|history|engineer\w*|robot\w*|computer\w*|tech\w*)\b/i, 'city'],
  [/\b(forest\w*|tree\w*|wood\w*|jungle\w*|bird\w*|owl\w*|wolf|wolves|bear\w*|leaf|leaves|garden\w*|plant\w*|coffee|tea)\b/i, 'forest'],
  [/\b(aurora\w*|northern lights|arctic|polar|ice|cold|winter|night)\b/i, 'aurora'],
];

interface Treatment {
  mood?: Mood;
  hue?: number;
  saturation: number;
  grain: number;
  softness: number;
}

/** Reads the shared style clause: its words steer time of day, hue, saturation and grain. */
function treatmentOf(style: string): Treatment {
  const s = style.toLowerCase();
  const has = (re: RegExp) => re.test(s);
  const t: Treatment = { saturation: 0.62, grain: 0.05, softness: 0 };
  if (has(/night|moon|neon|synthwave|deep|biolumin|noir|midnight|dark/)) t.mood = 'night';
  else if (has(/dusk|sunset|golden|evening|twilight/)) t.mood = 'dusk';
  else if (has(/morning|dawn|sunrise|haze/)) t.mood = 'dawn';
  else if (has(/spring|fresh|bright|day|noon|summer/)) t.mood = 'day';
  if (has(/neon|synthwave|cyber/)) t.hue = 290;
  else if (has(/teal|ocean|biolumin/)) t.hue = 185;
  else if (has(/cool|blue|moonlit|ice|winter/)) t.hue = 215;
  else if (has(/autumn|earthy|terracotta/)) t.hue = 28;
  else if (has(/warm|sunset|golden|dusk|sun-faded|retro/)) t.hue = 18;
  else if (has(/spring|fresh|green|forest/)) t.hue = 120;
  if (has(/pastel|watercolor|soft|misty|haze|faded/)) {
    t.saturation = 0.42;
    t.softness = 1;
  }
  if (has(/neon|vivid|bold|biolumin/)) t.saturation = 0.85;
  if (has(/grain|film|retro|paper|poster/)) t.grain = 0.09;
  return t;
}

interface Palette {
  skyTop: string;
  skyMid: string;
  horizon: string;
  sun: string;
  glow: string;
  accent: string;
  /** Land colours from far (hazy, near the horizon colour) to near (dark). */
  land: (depth: number) => string;
  stars: boolean;
  mood: Mood;
}

const MOOD_LIGHT: Record<Mood, { top: number; mid: number; horizon: number; far: number; near: number; sun: number }> = {
  dawn: { top: 0.5, mid: 0.72, horizon: 0.86, far: 0.62, near: 0.24, sun: 0.95 },
  day: { top: 0.52, mid: 0.7, horizon: 0.88, far: 0.6, near: 0.22, sun: 0.97 },
  dusk: { top: 0.2, mid: 0.42, horizon: 0.7, far: 0.38, near: 0.1, sun: 0.88 },
  night: { top: 0.06, mid: 0.13, horizon: 0.3, far: 0.2, near: 0.05, sun: 0.9 },
};

/** Plausible sky and glow hues per time of day; the style and the seed move them from there. */
const MOOD_HUES: Record<Mood, { sky: Array<[number, number]>; glow: Array<[number, number]> }> = {
  dawn: { sky: [[195, 230], [270, 330]], glow: [[15, 50], [330, 360]] },
  day: { sky: [[190, 222]], glow: [[40, 60], [170, 200]] },
  dusk: { sky: [[215, 300]], glow: [[0, 45], [320, 350]] },
  night: { sky: [[210, 285]], glow: [[180, 230], [260, 320], [30, 50]] },
};

/**
 * Neighbouring scenes (consecutive seeds) step through hue ranges by the golden ratio, so they
 * never share a palette even when the style pins the time of day.
 */
function paletteOf(t: Treatment, step: number, random: () => number): Palette {
  // The style sets the time of day for most scenes; a few drift to a neighbouring one for variety.
  const drift: Record<Mood, Mood> = { dawn: 'day', day: 'dawn', dusk: 'night', night: 'dusk' };
  const styled = t.mood && random() < 0.25 ? drift[t.mood] : t.mood;
  const mood = styled ?? pick<Mood>(['dawn', 'day', 'dusk', 'night', 'dusk'], random);
  const hues = MOOD_HUES[mood];
  const [skyLo, skyHi] = hues.sky[step % hues.sky.length]!;
  const [glowLo, glowHi] = hues.glow[(step + 1) % hues.glow.length]!;
  let hSky = lerp(skyLo, skyHi, golden(step));
  let hGlow = lerp(glowLo, glowHi, golden(step + 7)) + range(random, -8, 8);
  if (t.hue !== undefined) {
    hSky = mixHue(hSky, t.hue, 0.25);
    hGlow = mixHue(hGlow, t.hue, 0.2);
  }
  // Silhouettes take the sky's hue at dusk, night and dawn; by day the land has its own colour.
  const landBase =
    mood === 'day'
      ? (t.hue ?? pick([range(random, 95, 170), range(random, 190, 230), range(random, 25, 40)], random))
      : mixHue(hSky, t.hue ?? hSky, 0.3);
  const hLand = landBase + (golden(step + 3) - 0.5) * 90 + range(random, -10, 10);
  const s = t.saturation * range(random, 0.85, 1.15);
  const l = { ...MOOD_LIGHT[mood] };
  // Some scenes have brighter land, some darker, so silhouettes differ between neighbours too.
  const lift = (golden(step + 5) - 0.5) * 0.12;
  l.far += lift;
  l.near += lift * 0.6;
  const soft = t.softness * 0.06;
  return {
    mood,
    skyTop: hsl(hSky, s * 0.75, l.top + soft),
    skyMid: hsl(mixHue(hSky, hGlow, 0.4), s * 0.8, l.mid + soft),
    horizon: hsl(hGlow, s, l.horizon),
    sun: hsl(hGlow + 8, Math.min(1, s + 0.25), l.sun),
    glow: hsl(hGlow + 4, Math.min(1, s + 0.15), Math.min(0.92, l.horizon + 0.08)),
    accent: hsl(hLand + 150, Math.min(1, s + 0.2), mood === 'night' ? 0.65 : 0.58),
    land: (depth) =>
      hsl(
        mixHue(hGlow, hLand, Math.min(1, 0.45 + depth * 0.55)),
        s * lerp(0.35, 0.75, depth),
        lerp(l.far + soft, l.near + soft * 0.5, depth),
      ),
    stars: mood === 'night' || (mood === 'dusk' && random() < 0.5),
  };
}

/** Blends two hues the short way round the colour wheel. */
function mixHue(a: number, b: number, t: number): number {
  const d = ((((b - a) % 360) + 540) % 360) - 180;
  return a + d * t;
}

// ---------------------------------------------------------------------------------------------
// Drawing

/**
 * The SVG for one scene image. Pure and deterministic; exported so tests and tools can inspect
 * what is drawn.
 */
export function sceneSvg(request: ImageRequest): string {
  const { width: W, height: H, prompt, style, seed } = request;
  const random = mulberry32(hashOf(`${prompt}\u0000${style}\u0000${seed}`));
  const treatment = treatmentOf(style);
  const step = Math.abs(seed + hashOf(style)) % 1_000_003;
  const palette = paletteOf(treatment, step, random);
  // Consecutive scene seeds walk through the motifs, so neighbouring scenes never share one;
  // now and then the prompt's own subject (sea, space, city…) picks it instead.
  const hinted = MOTIF_HINTS.find(([re]) => re.test(prompt))?.[1];
  const walk = MOTIFS[step % MOTIFS.length] ?? 'hills';
  const motif = hinted && random() < 0.3 ? hinted : walk;
  const min = Math.min(W, H);
  // The horizon sits just below the centre, so the land fills the caption band behind the captions.
  const horizon = H * lerp(0.5, 0.58, golden(step + 11));
  const title = headline(prompt, W, H);
  const sun = {
    // Left of centre on even steps, right on odd ones.
    x: W * (step % 2 === 0 ? range(random, 0.3, 0.45) : range(random, 0.55, 0.7)),
    y: motif === 'space' ? H * range(random, 0.36, 0.46) : horizon - min * range(random, 0.05, 0.2),
    r: min * range(random, 0.07, 0.13),
  };
  // Keep the sun (and its ring, in space) below the headline.
  sun.y = Math.max(sun.y, title.bottom + sun.r * (motif === 'space' ? 2.2 : 1.3));

  const defs: string[] = [];
  const body: string[] = [];

  defs.push(
    linear(
      'sky',
      motif === 'space'
        ? // No horizon in space: the glow sits where the planet's curved surface meets the sky.
          [
            [0, palette.skyTop],
            [0.5, palette.skyMid],
            [0.76, palette.horizon],
            [1, palette.horizon],
          ]
        : [
            [0, palette.skyTop],
            [0.55, palette.skyMid],
            [horizon / H, palette.horizon],
            [1, palette.land(0.2)],
          ],
    ),
    radial('sunGlow', [
      [0, palette.glow, 0.75],
      [0.35, palette.glow, 0.28],
      [1, palette.glow, 0],
    ]),
    radial('bokehA', [
      [0, palette.sun, 0.9],
      [0.6, palette.sun, 0.35],
      [1, palette.sun, 0],
    ]),
    radial('bokehB', [
      [0, palette.accent, 0.8],
      [0.6, palette.accent, 0.25],
      [1, palette.accent, 0],
    ]),
    `<radialGradient id="vignette" cx="50%" cy="46%" r="75%"><stop offset="0.55" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.55"/></radialGradient>`,
    `<linearGradient id="scrim" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#000" stop-opacity="${palette.mood === 'night' ? 0.25 : 0.38}"/><stop offset="1" stop-color="#000" stop-opacity="0"/></linearGradient>`,
    grainPattern(random, treatment.grain),
  );

  body.push(`<rect width="${W}" height="${H}" fill="url(#sky)"/>`);
  if (palette.stars || motif === 'space' || motif === 'aurora') body.push(stars(W, horizon, min, random));

  // Sun or moon with a wide glow.
  body.push(`<circle cx="${f(sun.x)}" cy="${f(sun.y)}" r="${f(sun.r * 4.5)}" fill="url(#sunGlow)"/>`);
  if (motif !== 'space') {
    if (palette.mood === 'night') {
      // A crescent moon: the disc with a second, offset disc masked out of it.
      const box = `x="${f(sun.x - sun.r * 1.1)}" y="${f(sun.y - sun.r * 1.1)}" width="${f(sun.r * 2.2)}" height="${f(sun.r * 2.2)}"`;
      defs.push(
        `<mask id="crescent" maskUnits="userSpaceOnUse" ${box}><circle cx="${f(sun.x)}" cy="${f(sun.y)}" r="${f(sun.r)}" fill="#fff"/>` +
          `<circle cx="${f(sun.x + sun.r * 0.45)}" cy="${f(sun.y - sun.r * 0.2)}" r="${f(sun.r * 0.88)}" fill="#000"/></mask>`,
      );
      body.push(`<circle cx="${f(sun.x)}" cy="${f(sun.y)}" r="${f(sun.r)}" fill="${palette.sun}" mask="url(#crescent)"/>`);
    } else {
      body.push(`<circle cx="${f(sun.x)}" cy="${f(sun.y)}" r="${f(sun.r)}" fill="${palette.sun}"/>`);
    }
  }
  body.push(clouds(W, horizon, min, palette, random));

  switch (motif) {
    case 'hills':
      body.push(ridges(W, H, horizon, palette, random, { layers: 4, amplitude: 0.05, frequency: 1.6, jagged: false }));
      break;
    case 'peaks':
      body.push(ridges(W, H, horizon, palette, random, { layers: 4, amplitude: 0.12, frequency: 3, jagged: true }));
      break;
    case 'dunes':
      body.push(ridges(W, H, horizon, palette, random, { layers: 4, amplitude: 0.04, frequency: 0.9, jagged: false, crest: true }));
      break;
    case 'waves':
      body.push(sea(W, H, horizon, sun, palette, random));
      break;
    case 'city':
      body.push(city(W, H, horizon, palette, random));
      break;
    case 'forest':
      body.push(forest(W, H, horizon, palette, random));
      break;
    case 'space':
      body.push(space(W, H, sun, min, palette, random));
      break;
    case 'aurora':
      body.push(aurora(W, H, palette, random), ridges(W, H, horizon, palette, random, { layers: 3, amplitude: 0.06, frequency: 1.2, jagged: false }));
      break;
  }

  body.push(bokeh(W, H, min, random));
  body.push(`<rect width="${W}" height="${H * 0.42}" fill="url(#scrim)"/>`);
  body.push(title.svg.replace('ACCENT', palette.accent));
  body.push(`<rect width="${W}" height="${H}" fill="url(#vignette)"/>`);
  body.push(`<rect width="${W}" height="${H}" fill="url(#grain)"/>`);

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">` +
    `<defs>${defs.join('')}</defs>${body.join('')}</svg>`
  );
}

interface RidgeOptions {
  layers: number;
  amplitude: number;
  frequency: number;
  jagged: boolean;
  crest?: boolean;
}

/** Parallax layers of land from the horizon down, each darker and closer than the last. */
function ridges(W: number, H: number, horizon: number, palette: Palette, random: () => number, o: RidgeOptions): string {
  const out: string[] = [];
  for (let i = 0; i < o.layers; i++) {
    const depth = (i + 1) / o.layers;
    const base = horizon + (H - horizon) * (i / o.layers) * 0.75 + H * 0.015;
    const amp = H * o.amplitude * (1 - depth * 0.4);
    const points = profile(W, base, amp, o.frequency * (1 + i * 0.35), o.jagged ? 18 + i * 4 : 12, o.jagged, random);
    const d = o.jagged ? polyline(points) : smooth(points);
    const color = palette.land(depth);
    out.push(`<path d="${d} L${W},${H} L0,${H} Z" fill="${color}"/>`);
    if (o.crest) out.push(`<path d="${d}" fill="none" stroke="${palette.glow}" stroke-opacity="${f(0.35 - depth * 0.2)}" stroke-width="${f(H * 0.004)}"/>`);
    if (o.jagged && i === 0) {
      // Snow or light on the farthest peaks.
      out.push(`<path d="${d} L${W},${H} L0,${H} Z" fill="${palette.horizon}" opacity="0.35" transform="translate(0 ${f(H * 0.004)})"/>`);
    }
  }
  return out.join('');
}

function sea(W: number, H: number, horizon: number, sun: { x: number; r: number }, palette: Palette, random: () => number): string {
  const out: string[] = [`<rect y="${f(horizon)}" width="${W}" height="${f(H - horizon)}" fill="${palette.land(0.35)}"/>`];
  // The sun's path on the water.
  for (let y = horizon + H * 0.01; y < H; y += H * 0.018) {
    const t = (y - horizon) / (H - horizon);
    const half = sun.r * (0.8 + t * 2.2) * range(random, 0.6, 1.2);
    out.push(`<rect x="${f(sun.x - half)}" y="${f(y)}" width="${f(half * 2)}" height="${f(H * 0.005 * (1 + t))}" rx="${f(H * 0.003)}" fill="${palette.sun}" opacity="${f(0.55 * (1 - t) + 0.05)}"/>`);
  }
  const layers = 5;
  for (let i = 0; i < layers; i++) {
    const depth = (i + 1) / layers;
    const base = horizon + (H - horizon) * Math.pow(i / layers, 1.3) * 0.9 + H * 0.02;
    const amp = H * (0.006 + depth * 0.018);
    const points = profile(W, base, amp, 3 + i * 1.5, 24, false, random);
    out.push(`<path d="${smooth(points)} L${W},${H} L0,${H} Z" fill="${palette.land(0.35 + depth * 0.6)}" opacity="${f(0.75 + depth * 0.25)}"/>`);
  }
  return out.join('');
}

function city(W: number, H: number, horizon: number, palette: Palette, random: () => number): string {
  const out: string[] = [ridges(W, H, horizon + H * 0.06, palette, random, { layers: 2, amplitude: 0.02, frequency: 1, jagged: false })];
  const rows = 3;
  for (let row = 0; row < rows; row++) {
    const depth = (row + 1) / (rows + 1);
    const ground = horizon + H * (0.04 + row * 0.07);
    let x = -range(random, 0, W * 0.05);
    const color = palette.land(depth + 0.15);
    while (x < W) {
      const w = W * range(random, 0.05, 0.12) * (1 + row * 0.25);
      const h = H * range(random, 0.05, 0.2) * (1 - row * 0.18);
      out.push(`<rect x="${f(x)}" y="${f(ground - h)}" width="${f(w + 1)}" height="${f(H - ground + h)}" fill="${color}"/>`);
      if (random() < 0.3) out.push(`<rect x="${f(x + w * 0.45)}" y="${f(ground - h - H * 0.02)}" width="${f(w * 0.08)}" height="${f(H * 0.02)}" fill="${color}"/>`);
      if (row === rows - 1) {
        // Lit windows on the nearest row.
        for (let wy = ground - h + H * 0.015; wy < ground + H * 0.1; wy += H * 0.018) {
          for (let wx = x + w * 0.15; wx < x + w * 0.85; wx += w * 0.22) {
            if (random() < 0.32) out.push(`<rect x="${f(wx)}" y="${f(wy)}" width="${f(w * 0.1)}" height="${f(H * 0.007)}" fill="${palette.sun}" opacity="${f(range(random, 0.4, 0.9))}"/>`);
          }
        }
      }
      x += w + W * range(random, 0, 0.015);
    }
  }
  const street = horizon + H * 0.2;
  out.push(`<rect y="${f(street)}" width="${W}" height="${f(H)}" fill="${palette.land(1)}"/>`);
  out.push(`<rect y="${f(street)}" width="${W}" height="${f(Math.max(2, H * 0.003))}" fill="${palette.glow}" opacity="0.3"/>`);
  return out.join('');
}

function forest(W: number, H: number, horizon: number, palette: Palette, random: () => number): string {
  const out: string[] = [];
  const layers = 4;
  for (let i = 0; i < layers; i++) {
    const depth = (i + 1) / layers;
    const base = horizon + (H - horizon) * (i / layers) * 0.7 + H * 0.02;
    const color = palette.land(depth);
    const points = profile(W, base, H * 0.015, 1.2, 10, false, random);
    const trees: string[] = [];
    const size = H * (0.035 + depth * 0.06);
    for (let x = -size; x < W + size; x += size * range(random, 0.25, 0.6)) {
      const ground = heightAt(points, x) + size * 0.1;
      const h = size * range(random, 0.75, 1.5);
      const w = h * range(random, 0.26, 0.36);
      trees.push(`M${f(x)},${f(ground - h)} L${f(x + w)},${f(ground)} L${f(x - w)},${f(ground)} Z`);
    }
    out.push(`<path d="${trees.join(' ')} ${smooth(points)} L${W},${H} L0,${H} Z" fill="${color}"/>`);
  }
  return out.join('');
}

/** The y of a sampled line at x, by linear interpolation. */
function heightAt(points: Point[], x: number): number {
  for (let i = 0; i < points.length - 1; i++) {
    const [x0, y0] = points[i]!;
    const [x1, y1] = points[i + 1]!;
    if (x >= x0 && x <= x1) return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0 || 1);
  }
  return (x < (points[0]?.[0] ?? 0) ? points[0]?.[1] : points.at(-1)?.[1]) ?? 0;
}

function space(W: number, H: number, sun: { x: number; y: number; r: number }, min: number, palette: Palette, random: () => number): string {
  const r = sun.r * range(random, 1.6, 2.3);
  const tilt = range(random, -25, 25);
  const out: string[] = [
    `<defs>${radial('planet', [
      [0, palette.sun, 1],
      [0.55, palette.horizon, 1],
      [1, palette.land(0.8), 1],
    ], { cx: 0.35, cy: 0.3, r: 0.85 })}</defs>`,
    `<g transform="rotate(${f(tilt)} ${f(sun.x)} ${f(sun.y)})">`,
    `<ellipse cx="${f(sun.x)}" cy="${f(sun.y)}" rx="${f(r * 2.1)}" ry="${f(r * 0.42)}" fill="none" stroke="${palette.accent}" stroke-opacity="0.35" stroke-width="${f(r * 0.1)}"/>`,
    `<circle cx="${f(sun.x)}" cy="${f(sun.y)}" r="${f(r)}" fill="url(#planet)"/>`,
    // The front half of the ring passes in front of the planet.
    `<path d="M${f(sun.x - r * 2.1)},${f(sun.y)} A${f(r * 2.1)},${f(r * 0.42)} 0 0 0 ${f(sun.x + r * 2.1)},${f(sun.y)}" fill="none" stroke="${palette.accent}" stroke-opacity="0.7" stroke-width="${f(r * 0.06)}"/>`,
    `</g>`,
  ];
  for (let i = 0; i < 3; i++) {
    const orbit = r * (2.8 + i * 0.9);
    const angle = random() * Math.PI * 2;
    out.push(`<circle cx="${f(sun.x)}" cy="${f(sun.y)}" r="${f(orbit)}" fill="none" stroke="${palette.glow}" stroke-opacity="0.12" stroke-width="${f(min * 0.002)}"/>`);
    out.push(`<circle cx="${f(sun.x + Math.cos(angle) * orbit)}" cy="${f(sun.y + Math.sin(angle) * orbit)}" r="${f(r * range(random, 0.08, 0.18))}" fill="${palette.glow}"/>`);
  }
  // A curved planet surface at the bottom, under the captions.
  const R = W * 2.2;
  out.push(`<circle cx="${f(W * range(random, 0.3, 0.7))}" cy="${f(H * 0.74 + R)}" r="${f(R)}" fill="${palette.land(0.9)}"/>`);
  out.push(`<circle cx="${f(W / 2)}" cy="${f(H * 0.74 + R)}" r="${f(R)}" fill="none" stroke="${palette.glow}" stroke-opacity="0.35" stroke-width="${f(min * 0.006)}"/>`);
  return out.join('');
}

function aurora(W: number, H: number, palette: Palette, random: () => number): string {
  const out: string[] = [
    `<defs><linearGradient id="ribbon" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${palette.accent}" stop-opacity="0"/><stop offset="0.7" stop-color="${palette.accent}" stop-opacity="0.45"/><stop offset="1" stop-color="${palette.glow}" stop-opacity="0"/></linearGradient></defs>`,
  ];
  for (let i = 0; i < 3; i++) {
    const top = H * range(random, 0.22, 0.34);
    const height = H * range(random, 0.12, 0.22);
    const points = profile(W, top, H * 0.05, range(random, 0.8, 1.8), 10, false, random);
    const lower = points.map(([x, y]) => [x, y + height] as [number, number]).reverse();
    out.push(`<path d="${smooth(points)} L${f(lower[0]![0])},${f(lower[0]![1])} ${smooth(lower).replace(/^M/, 'L')} Z" fill="url(#ribbon)" opacity="${f(range(random, 0.5, 0.9))}"/>`);
  }
  return out.join('');
}

function stars(W: number, horizon: number, min: number, random: () => number): string {
  const out: string[] = [];
  const count = 90 + Math.floor(random() * 80);
  for (let i = 0; i < count; i++) {
    const r = min * (random() < 0.92 ? range(random, 0.0008, 0.0022) : range(random, 0.003, 0.005));
    out.push(`<circle cx="${f(random() * W)}" cy="${f(Math.pow(random(), 1.4) * horizon * 0.95)}" r="${f(r)}" fill="#fff" opacity="${f(range(random, 0.25, 0.9))}"/>`);
  }
  return out.join('');
}

function clouds(W: number, horizon: number, min: number, palette: Palette, random: () => number): string {
  const out: string[] = [];
  const count = 2 + Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const y = horizon * range(random, 0.45, 0.92);
    const x = W * range(random, -0.1, 1.1);
    const w = W * range(random, 0.35, 0.8);
    const h = min * range(random, 0.012, 0.03);
    out.push(`<ellipse cx="${f(x)}" cy="${f(y)}" rx="${f(w / 2)}" ry="${f(h)}" fill="${palette.glow}" opacity="${f(range(random, 0.12, 0.3))}"/>`);
  }
  return out.join('');
}

function bokeh(W: number, H: number, min: number, random: () => number): string {
  const out: string[] = [];
  const count = 10 + Math.floor(random() * 14);
  for (let i = 0; i < count; i++) {
    const r = min * (random() < 0.75 ? range(random, 0.006, 0.02) : range(random, 0.03, 0.07));
    const fill = random() < 0.6 ? 'bokehA' : 'bokehB';
    out.push(`<circle cx="${f(random() * W)}" cy="${f(random() * H)}" r="${f(r)}" fill="url(#${fill})" opacity="${f(range(random, 0.2, 0.55))}"/>`);
  }
  return out.join('');
}

/** A tile of faint light and dark specks, repeated over the picture. */
function grainPattern(random: () => number, strength: number): string {
  const size = 96;
  const specks: string[] = [];
  for (let i = 0; i < 260; i++) {
    const light = random() < 0.5;
    specks.push(`<rect x="${Math.floor(random() * size)}" y="${Math.floor(random() * size)}" width="${random() < 0.8 ? 1 : 2}" height="1" fill="${light ? '#fff' : '#000'}" opacity="${f(range(random, 0.3, 1))}"/>`);
  }
  return `<pattern id="grain" width="${size}" height="${size}" patternUnits="userSpaceOnUse"><g opacity="${f(strength * 2.4)}">${specks.join('')}</g></pattern>`;
}

// ---------------------------------------------------------------------------------------------
// The headline: one or two words from the prompt, high in the frame, clear of the captions.

/** Words that describe a picture rather than its subject; never chosen as the headline. */
const VISUAL_WORDS = new Set(
  ('a an the of in on at to for with from by and or but as into over under above below near its it this that these those ' +
    'is are was were be been being has have had do does did no not very more most some any each every one two ' +
    'image picture photo photograph illustration painting drawing render rendering artwork art scene shot view close-up closeup ' +
    'wide cinematic establishing bold calm quiet clean simple dramatic vibrant vivid soft beautiful stunning detailed highly ' +
    'realistic photorealistic style styled lighting light lit background foreground composition frame centre center centred ' +
    'centered subject showing shows show depicting depicts featuring features with glowing bright dark minimal abstract ' +
    'colorful colourful colors colours color colour tones tone mood atmosphere 4k 8k hd uhd text lettering video short ' +
    'middle-distance middle distance extreme magnified cutaway sequence panorama familiar everyday moment sweeping symbolic ' +
    'uncluttered memorable hopeful inviting open vast small large big tiny huge great version versions side contrasting unexpected angle ' +
    'seen looking top vertical portrait landscape format aspect ratio')
    .split(/\s+/),
);

/** The headline: the first run of at most two subject words in the prompt ("three hearts"). */
export function headlineWords(prompt: string): string {
  const tokens = prompt.split(/\s+/);
  const run: string[] = [];
  for (const raw of tokens) {
    // Japanese, Chinese and Thai write no spaces: the headline is the first few words by Intl.Segmenter.
    if (run.length === 0 && UNSPACED.test(raw)) return unspacedHeadline(raw);
    // Marks (\p{M}) are part of a word: Devanagari and Bengali vowel signs end many words.
    const word = raw.replace(/^[^\p{L}\p{M}\p{N}]+|[^\p{L}\p{M}\p{N}]+$/gu, '');
    const usable = word.length >= 2 && !VISUAL_WORDS.has(word.toLowerCase()) && /\p{L}/u.test(word);
    if (usable && !(run.length === 1 && /(ing|ed)$/i.test(word))) run.push(word);
    else if (run.length > 0) break;
    if (run.length === 2 || (run.length > 0 && /[,.;:!?)]$/.test(raw))) break;
  }
  return run.join(' ');
}

/**
 * Scripts this resvg (resvg-js 2.6) cannot lay out: it misplaces the second glyph of a cluster
 * (linebender/resvg#1043, fixed upstream after 2.6), which garbles Devanagari and Bengali
 * words and drops the space after them. Their pictures carry no headline; the video's title,
 * drawn by Chromium, shows the words.
 */
const MISSHAPEN = /[\p{Script=Devanagari}\p{Script=Bengali}]/u;

const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/** The first words of a run of text without spaces, up to eight letters (marks aside), stopping at punctuation. */
function unspacedHeadline(text: string): string {
  const letters = (t: string) => [...t.replace(/\p{M}/gu, '')].length;
  let out = '';
  for (const { segment, isWordLike } of new Intl.Segmenter(undefined, { granularity: 'word' }).segment(text)) {
    if (!isWordLike) {
      if (out) break;
      continue;
    }
    if (out && letters(out + segment) > 8) break;
    out += segment;
  }
  return out;
}

/** True when the text has letters of a script without case; letter spacing would pull their joined or stacked letters apart. */
function uncased(text: string): boolean {
  return /[^\p{Script=Latin}\p{Script=Cyrillic}\P{L}]/u.test(text);
}

/** The headline's SVG (its bar coloured later) and how far down the frame it reaches. */
function headline(prompt: string, W: number, H: number): { svg: string; bottom: number } {
  const text = headlineWords(prompt).toUpperCase();
  if (!text || MISSHAPEN.test(text)) return { svg: '', bottom: 0 };
  const min = Math.min(W, H);
  const maxWidth = W * 0.84;
  // Landscape frames have less height above the captions: smaller, higher text.
  const maxSize = W > H ? H * 0.12 : min * 0.16;
  let lines = [text];
  let size = Math.min(maxSize, maxWidth / textWidthEm(text));
  const words = text.split(' ');
  if (words.length === 2 && size < maxSize * 0.62) {
    lines = words;
    size = Math.min(maxSize, ...lines.map((l) => maxWidth / textWidthEm(l)));
  }
  const lineHeight = size * 1.02;
  const top = H * (W > H ? 0.08 : 0.12);
  const spacing = uncased(text) ? 0 : -size * 0.02;
  const families = headlineFonts(text).families.map((family) => `'${family}'`).join(', ');
  const out: string[] = [];
  lines.forEach((line, i) => {
    const y = top + size * 0.78 + i * lineHeight;
    const attrs = `x="${f(W / 2)}" y="${f(y)}" font-family="${families}" font-weight="800" font-size="${f(size)}" letter-spacing="${f(spacing)}" text-anchor="middle"`;
    out.push(`<text ${attrs} fill="#000" fill-opacity="0.28" transform="translate(0 ${f(size * 0.045)})">${escapeXml(line)}</text>`);
    out.push(`<text ${attrs} fill="#fff">${escapeXml(line)}</text>`);
  });
  const barY = top + size * 0.78 + (lines.length - 1) * lineHeight + size * 0.3;
  const barH = Math.max(3, size * 0.06);
  const barW = Math.min(maxWidth, size * 1.6);
  out.push(`<rect x="${f(W / 2 - barW / 2)}" y="${f(barY)}" width="${f(barW)}" height="${f(barH)}" rx="${f(barH / 2)}" fill="ACCENT"/>`);
  return { svg: out.join(''), bottom: barY + barH };
}

/** Approximate advance widths of Inter ExtraBold capitals (and of the Noto faces' letters), in em. */
function textWidthEm(text: string): number {
  let em = 0;
  for (const ch of text) {
    if (ch === ' ') em += 0.26;
    // Marks stack on the letter before them; ideographs, kana and Hangul are square.
    else if (/\p{M}/u.test(ch)) em += 0;
    else if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(ch)) em += 1;
    else if (/[\p{Script=Arabic}\p{Script=Thai}]/u.test(ch)) em += 0.6;
    else if (/[\p{Script=Devanagari}\p{Script=Bengali}]/u.test(ch)) em += 0.7;
    else if ('IJ1'.includes(ch)) em += 0.36;
    else if ('MW'.includes(ch)) em += 0.92;
    else if ('.,:;!\'-'.includes(ch)) em += 0.3;
    else em += 0.72;
  }
  return Math.max(em, 1);
}

// ---------------------------------------------------------------------------------------------
// Geometry and colour helpers

type Point = [number, number];

/** A horizon line: a sum of two sines plus noise, sampled at `steps` points. */
function profile(W: number, base: number, amp: number, frequency: number, steps: number, jagged: boolean, random: () => number): Point[] {
  const p1 = random() * Math.PI * 2;
  const p2 = random() * Math.PI * 2;
  const points: Point[] = [];
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const noise = jagged ? (random() - 0.5) * 1.4 : (random() - 0.5) * 0.3;
    const y = base - amp * (Math.sin(t * Math.PI * frequency + p1) * 0.7 + Math.sin(t * Math.PI * frequency * 2.3 + p2) * 0.3 + noise);
    points.push([W * (t * 1.1 - 0.05), y]);
  }
  return points;
}

function polyline(points: Point[]): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${f(x)},${f(y)}`).join(' ');
}

/** A smooth curve through the points (Catmull-Rom as cubic Béziers). */
function smooth(points: Point[]): string {
  const first = points[0];
  if (!first) return '';
  let d = `M${f(first[0])},${f(first[1])}`;
  for (let i = 0; i < points.length - 1; i++) {
    const p0 = points[i - 1] ?? points[i]!;
    const p1 = points[i]!;
    const p2 = points[i + 1]!;
    const p3 = points[i + 2] ?? p2;
    const c1: Point = [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6];
    const c2: Point = [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6];
    d += ` C${f(c1[0])},${f(c1[1])} ${f(c2[0])},${f(c2[1])} ${f(p2[0])},${f(p2[1])}`;
  }
  return d;
}

function linear(id: string, stops: Array<[number, string]>): string {
  const s = stops.map(([o, c]) => `<stop offset="${f(Math.min(1, Math.max(0, o)), 3)}" stop-color="${c}"/>`).join('');
  return `<linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1">${s}</linearGradient>`;
}

function radial(id: string, stops: Array<[number, string, number]>, at: { cx: number; cy: number; r: number } = { cx: 0.5, cy: 0.5, r: 0.5 }): string {
  const s = stops.map(([o, c, a]) => `<stop offset="${f(o, 3)}" stop-color="${c}" stop-opacity="${f(a, 3)}"/>`).join('');
  return `<radialGradient id="${id}" cx="${at.cx}" cy="${at.cy}" r="${at.r}">${s}</radialGradient>`;
}

function hsl(h: number, s: number, l: number): string {
  const hue = (((h % 360) + 360) % 360) / 360;
  const sat = Math.min(1, Math.max(0, s));
  const lig = Math.min(1, Math.max(0, l));
  const q = lig < 0.5 ? lig * (1 + sat) : lig + sat - lig * sat;
  const p = 2 * lig - q;
  const channel = (t: number) => {
    const u = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
    const v = u < 1 / 6 ? p + (q - p) * 6 * u : u < 1 / 2 ? q : u < 2 / 3 ? p + (q - p) * (2 / 3 - u) * 6 : p;
    return Math.round(v * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(hue + 1 / 3)}${channel(hue)}${channel(hue - 1 / 3)}`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Fixed-precision numbers keep the SVG short and its bytes stable. */
function f(n: number, digits = 1): string {
  return Number.isFinite(n) ? String(Number(n.toFixed(digits))) : '0';
}

/** The fractional part of k·φ: well spread for consecutive k. */
function golden(k: number): number {
  return (k * 0.6180339887498949) % 1;
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

function range(random: () => number, min: number, max: number): number {
  return min + random() * (max - min);
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

function hashOf(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

