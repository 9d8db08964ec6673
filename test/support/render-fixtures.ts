import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { Resvg } from '@resvg/resvg-js';
import type { CaptionPage, ShortVideoProps } from '../../lambdas/core/video-props.js';

const run = promisify(execFile);

/** A scene picture with shapes and a grid, so zoom, pan and crossfades are visible in frames. */
export function sceneImage(width: number, height: number, palette: readonly [string, string, string]): Uint8Array {
  const [from, to, accent] = palette;
  const grid = Array.from({ length: 9 }, (_, i) => {
    const x = ((i + 1) * width) / 10;
    const y = ((i + 1) * height) / 10;
    return `<line x1="${x}" y1="0" x2="${x}" y2="${height}"/><line x1="0" y1="${y}" x2="${width}" y2="${y}"/>`;
  }).join('');
  const r = Math.min(width, height);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>
  <rect width="${width}" height="${height}" fill="url(#g)"/>
  <g stroke="white" stroke-opacity="0.18" stroke-width="${r / 300}">${grid}</g>
  <circle cx="${width * 0.5}" cy="${height * 0.38}" r="${r * 0.26}" fill="${accent}" fill-opacity="0.85"/>
  <rect x="${width * 0.12}" y="${height * 0.72}" width="${width * 0.3}" height="${height * 0.14}" rx="${r * 0.03}" fill="white" fill-opacity="0.35"/>
  <polygon points="${width * 0.62},${height * 0.86} ${width * 0.9},${height * 0.86} ${width * 0.76},${height * 0.66}" fill="${accent}" fill-opacity="0.6"/>
</svg>`;
  return new Resvg(svg, { font: { loadSystemFonts: false } }).render().asPng();
}

/** A mono 16-bit PCM WAV: a gentle two-tone chord, `seconds` long. */
export function toneWav(seconds: number, sampleRate = 22050): Uint8Array {
  const samples = Math.round(seconds * sampleRate);
  const bytes = new Uint8Array(44 + samples * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) => [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples * 2, true);
  ascii(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) {
    const t = i / sampleRate;
    const v = 0.25 * Math.sin(2 * Math.PI * 440 * t) + 0.15 * Math.sin(2 * Math.PI * 660 * t);
    view.setInt16(44 + i * 2, Math.round(v * 32767), true);
  }
  return bytes;
}

/**
 * Serves fixed files on 127.0.0.1 like the local S3 server does, with byte ranges and, unless
 * `cors` is false, the CORS header a bucket with a CORS rule sends.
 */
export async function serveFiles(
  files: ReadonlyMap<string, { body: Uint8Array; contentType: string }>,
  { cors = true }: { cors?: boolean } = {},
): Promise<{ url: (path: string) => string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const file = files.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (cors) res.setHeader('Access-Control-Allow-Origin', '*');
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Type', file.contentType);
    if (range) {
      const size = file.body.length;
      const start = range[1] ? Number(range[1]) : size - Number(range[2]);
      const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': end - start + 1 });
      res.end(req.method === 'HEAD' ? undefined : file.body.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { 'Content-Length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Caption pages of up to `perPage` words spread evenly over `durationMs`, like the timing step makes. */
export function evenCaptions(text: string, durationMs: number, perPage = 4): CaptionPage[] {
  const words = text.split(/\s+/).filter(Boolean);
  const step = durationMs / words.length;
  const pages: CaptionPage[] = [];
  for (let p = 0; p < words.length; p += perPage) {
    const tokens = words.slice(p, p + perPage).map((word, i) => ({
      text: (i === 0 ? '' : ' ') + word,
      fromMs: Math.round((p + i) * step),
      toMs: Math.round((p + i + 1) * step - 40),
    }));
    pages.push({ startMs: tokens[0]!.fromMs, endMs: tokens[tokens.length - 1]!.toMs, tokens });
  }
  return pages;
}

/** Scenes splitting `durationInFrames` evenly, each overlapping the next by `crossfadeFrames`. */
export function evenScenes(
  imageUrls: readonly string[],
  durationInFrames: number,
  crossfadeFrames: number,
): ShortVideoProps['scenes'] {
  const each = Math.floor(durationInFrames / imageUrls.length);
  return imageUrls.map((imageUrl, i) => {
    const startFrame = i * each;
    const end = i === imageUrls.length - 1 ? durationInFrames : Math.min(durationInFrames, startFrame + each + crossfadeFrames);
    return { imageUrl, startFrame, durationInFrames: end - startFrame };
  });
}

export interface ProbedMedia {
  durationSeconds: number;
  streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; pix_fmt?: string; color_space?: string }>;
}

/** ffprobe from the system (Debian), independent of the copy Remotion ships. */
export async function probe(file: string): Promise<ProbedMedia> {
  const { stdout } = await run('/usr/bin/ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
  const json = JSON.parse(stdout) as { format: { duration: string }; streams: ProbedMedia['streams'] };
  return { durationSeconds: Number(json.format.duration), streams: json.streams };
}

/** Writes the frame at `seconds` of a video to a PNG. */
export async function extractFrame(video: string, seconds: number, png: string): Promise<void> {
  await run('/usr/bin/ffmpeg', ['-v', 'error', '-y', '-ss', seconds.toFixed(3), '-i', video, '-frames:v', '1', png]);
}

/** Mean loudness of a file's audio in dBFS (ffmpeg volumedetect); about -91 for silence. */
export async function meanVolumeDb(file: string): Promise<number> {
  const { stderr } = await run('/usr/bin/ffmpeg', ['-hide_banner', '-i', file, '-map', '0:a:0', '-af', 'volumedetect', '-f', 'null', '-']);
  const match = /mean_volume:\s*(-?[\d.]+) dB/.exec(stderr);
  if (!match) throw new Error(`no volume in ffmpeg output: ${stderr.slice(-500)}`);
  return Number(match[1]);
}
