/**
 * The yardstick: the same scene set made by ffmpeg alone (Debian's /usr/bin/ffmpeg) — Ken Burns
 * with zoompan (same zoom, easing and pan as the composition), xfade crossfades at the same
 * frames, the legibility shade as a static overlay, the title and word captions burned in from
 * an ASS file with karaoke highlighting, the voice-over as AAC, x264 `veryfast` like the product.
 * What a hand-written ffmpeg pipeline costs is what the composition's render is held to.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { MAX_ZOOM, PAN_REACH, panDirection, zoomsOut } from '../../frontend/remotion/ken-burns.js';
import { frameLayout } from '../../frontend/remotion/layout.js';
import type { ShortVideoProps } from '../../lambdas/core/video-props.js';

const FFMPEG = '/usr/bin/ffmpeg';
const HOLD_MS = 350;
/** libass sizes a face by its line height, CSS by its em: Inter's ascender + descender is ~1.21 em. */
const ASS_SIZE_PER_CSS_PX = 1.21;

/** The directory holding Inter ExtraBold, the composition's caption face. */
function fontsDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@expo-google-fonts/inter/package.json')), '800ExtraBold');
}

/** zoompan expressions for scene `index` over `frames` frames, matching KenBurnsScene. */
function kenBurns(index: number, frames: number, width: number, height: number): string {
  const t = `((1-cos(PI*min(on/${Math.max(1, frames - 1)},1)))/2)`;
  const zoom = zoomsOut(index) ? `${MAX_ZOOM}-${(MAX_ZOOM - 1).toFixed(2)}*${t}` : `1+${(MAX_ZOOM - 1).toFixed(2)}*${t}`;
  const [ux, uy] = panDirection(index);
  // CSS translate(t) then scale(z) about the centre shows the window centred at c - t/z.
  const x = `iw/2-(${ux.toFixed(5)}*(zoom-1)/2*${PAN_REACH}*iw)/zoom-iw/zoom/2`;
  const y = `ih/2-(${uy.toFixed(5)}*(zoom-1)/2*${PAN_REACH}*ih)/zoom-ih/zoom/2`;
  return `zoompan=z='${zoom}':x='${x}':y='${y}':d=${frames}:s=${width}x${height}:fps=30`;
}

function assTime(ms: number): string {
  const cs = Math.max(0, Math.round(ms / 10));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(cs % 100).padStart(2, '0')}`;
}

/** ASS: the title for the first 1.6 s, then one line per caption page with \k word timing. */
export function assSubtitles(props: ShortVideoProps): string {
  const layout = frameLayout(props.width, props.height);
  const captionSize = Math.round(layout.unit * 0.078 * ASS_SIZE_PER_CSS_PX);
  const titleSize = Math.round(layout.unit * 0.042 * ASS_SIZE_PER_CSS_PX);
  const centreY = layout.captionTop + layout.captionHeight / 2;
  const lines = [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${props.width}`,
    `PlayResY: ${props.height}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    // Karaoke: a word is SecondaryColour (white) until spoken, then PrimaryColour (yellow #FFD53D).
    `Style: Caption,Inter ExtraBold,${captionSize},&H003DD5FF,&H00FFFFFF,&H14000000,&H8C000000,0,0,0,0,100,100,1,0,1,${(captionSize * 0.13).toFixed(1)},${(captionSize * 0.06).toFixed(1)},5,${props.width - layout.captionMaxWidth >> 1},${props.width - layout.captionMaxWidth >> 1},0,1`,
    `Style: Title,Inter ExtraBold,${titleSize},&H00FFFFFF,&H00FFFFFF,&H73000000,&H73000000,0,0,0,0,100,100,1,0,3,${(titleSize * 0.45).toFixed(1)},0,8,0,0,${layout.titleTop},1`,
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
  ];
  if (props.title.trim()) {
    lines.push(`Dialogue: 0,${assTime(0)},${assTime(1600)},Title,,0,0,0,,{\\fad(300,300)}${props.title}`);
  }
  props.captions.forEach((page, i) => {
    const next = props.captions[i + 1];
    const end = Math.min(page.endMs + HOLD_MS, next ? next.startMs : Number.POSITIVE_INFINITY);
    const text = (t: string) => (props.captionStyle === 'bold' ? t.trim().toUpperCase() : t.trim());
    // \k is centiseconds until the next word turns: a word is highlighted from its own start on.
    const lead = (page.tokens[0]?.fromMs ?? page.startMs) - page.startMs;
    const parts = page.tokens.map((token, j) => {
      const until = page.tokens[j + 1]?.fromMs ?? end;
      return `{\\k${Math.max(1, Math.round((until - token.fromMs) / 10))}}${text(token.text)}`;
    });
    const karaoke = `${lead > 0 ? `{\\k${Math.round(lead / 10)}}` : ''}${parts.join(' ')}`;
    lines.push(`Dialogue: 1,${assTime(page.startMs)},${assTime(end)},Caption,,0,0,0,,{\\an5\\pos(${props.width / 2},${centreY})\\fad(120,0)}${karaoke}`);
  });
  return `${lines.join('\n')}\n`;
}

/** The legibility shade as a PNG (the same gradient the composition draws). */
export function shadePng(props: ShortVideoProps): Uint8Array {
  const { captionTop, captionHeight } = frameLayout(props.width, props.height);
  const top = (captionTop - captionHeight * 0.6) / props.height;
  const mid = (captionTop + captionHeight / 2) / props.height;
  const bottom = Math.min(1, (captionTop + captionHeight * 1.6) / props.height);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${props.width}" height="${props.height}"><defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="${top}" stop-opacity="0"/><stop offset="${mid}" stop-opacity="0.22"/><stop offset="${bottom}" stop-opacity="0"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`;
  return new Resvg(svg).render().asPng();
}

/**
 * Builds the ffmpeg command for the scene set: `images` and `audio` are local files in scene
 * order, `props` the composition's props (scene timing, captions, title).
 */
export async function ffmpegArgs(props: ShortVideoProps, files: { images: string[]; audio: string; workDir: string; output: string }): Promise<string[]> {
  const ass = join(files.workDir, 'captions.ass');
  const shade = join(files.workDir, 'shade.png');
  await writeFile(ass, assSubtitles(props));
  await writeFile(shade, shadePng(props));
  const { width, height, scenes } = props;
  const inputs: string[] = [];
  const graph: string[] = [];
  scenes.forEach((scene, i) => {
    inputs.push('-i', files.images[i]!);
    graph.push(`[${i}:v]format=yuv420p,${kenBurns(i, scene.durationInFrames, width, height)},setsar=1[s${i}]`);
  });
  let last = 's0';
  for (let i = 1; i < scenes.length; i++) {
    const scene = scenes[i]!;
    const fade = Math.min(props.crossfadeFrames, scene.durationInFrames);
    graph.push(`[${last}][s${i}]xfade=transition=fade:duration=${(fade / props.fps).toFixed(4)}:offset=${(scene.startFrame / props.fps).toFixed(4)}[x${i}]`);
    last = `x${i}`;
  }
  const shadeInput = scenes.length;
  const audioInput = scenes.length + 1;
  inputs.push('-i', shade, '-i', files.audio);
  const escapedAss = ass.replaceAll('\\', '\\\\').replaceAll(':', '\\:').replaceAll("'", "\\'");
  graph.push(`[${last}][${shadeInput}:v]overlay=format=yuv420[shaded]`);
  graph.push(`[shaded]ass=filename='${escapedAss}':fontsdir='${fontsDir()}',format=yuv420p[v]`);
  return [
    '-hide_banner', '-nostats', '-loglevel', 'error', '-y',
    ...inputs,
    '-filter_complex', graph.join(';'),
    '-map', '[v]', '-map', `${audioInput}:a`,
    '-frames:v', String(props.durationInFrames), '-r', String(props.fps),
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p',
    '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv',
    '-c:a', 'aac', '-b:a', '320k', '-t', (props.durationInFrames / props.fps).toFixed(3),
    '-movflags', '+faststart',
    files.output,
  ];
}

/** Runs the ffmpeg-only render; resolves with its wall time in ms. */
export async function renderWithFfmpeg(
  props: ShortVideoProps,
  files: { images: string[]; audio: string; workDir: string; output: string },
): Promise<number> {
  const args = await ffmpegArgs(props, files);
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}: ${stderr.slice(-2000)}`))));
  });
  return performance.now() - started;
}
