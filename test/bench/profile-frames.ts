/**
 * Profiling harness behind BENCHMARKS.md's "where a frame's time goes": renders the bench
 * fixture (or a frame range of it) with renderMedia directly, with settings given as JSON, and
 * prints the CPU time each kind of process used (Chromium renderer / GPU / browser, node,
 * ffmpeg), sampled from /proc. Not part of `npm run bench`; for trying a setting in a minute.
 *
 *   npx tsx test/bench/profile-frames.ts '{"frames":[0,299]}'
 *   npx tsx test/bench/profile-frames.ts '{"frames":[0,299],"split":2,"noBeyond":true,"out":"/tmp/a.mp4"}'
 *
 * Keys: frames [from,to] · split N (pieces in N browsers, joined like the renderer does) ·
 * concurrency · preset (x264) · q (JPEG quality) · format jpeg|png · crf · flags [Chromium
 * switches] · exe (browser binary) · noBeyond (screenshots without captureBeyondViewport) ·
 * shotParams {extra Page.captureScreenshot params} · ffmpegArgs "extra encoder args" ·
 * mp4chunks (MP4 pieces encoded while drawing) · noCaptions · tinyImage (data URL) · out.
 */
import { readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { combineChunks, openBrowser, renderMedia, selectComposition, type ChromiumOptions } from '@remotion/renderer';
import { loadFixture, serveFixture } from './fixture.js';
import { LocalRemotionRenderer } from '../../lambdas/adapters/offline/remotion-renderer.js';
import { MemoryBlobStore } from '../support/render-blob-store.js';
import { remotionWorkDir } from './render-remotion.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as {
  concurrency?: number; preset?: string; q?: number; format?: 'jpeg' | 'png'; frames?: [number, number];
  flags?: string[]; out?: string; colorSpace?: 'bt709' | 'default'; style?: string; crf?: number; gl?: string | null;
  scale?: number; ffmpegArgs?: string; exe?: string; split?: number; mp4chunks?: boolean; noCaptions?: boolean; noBeyond?: boolean; shotParams?: Record<string, unknown>; tinyImage?: string;
};
const root = join(process.cwd(), 'test-artifacts', 'bench');
const fixture = await loadFixture(root);
const work = remotionWorkDir(root);
// The current composition's bundle (built if missing), as the renderer would use it.
const serveUrl = await new LocalRemotionRenderer({ blobs: new MemoryBlobStore(), workDir: work }).bundle();
const served = await serveFixture(fixture);
const props = { ...served.props, ...(opts.style ? { captionStyle: opts.style } : {}) } as typeof served.props;
if (opts.noCaptions) { props.captions = []; props.title = ''; }
if (opts.tinyImage) props.scenes = props.scenes.map((s) => ({ ...s, imageUrl: opts.tinyImage! }));
const wrapper = '/tmp/chromium-lab.sh';
writeFileSync(wrapper, `#!/bin/sh\nexec ${opts.exe ?? '/usr/bin/chromium'} '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1' ${(opts.flags ?? []).map((f) => `'${f}'`).join(' ')} "$@"\n`);
chmodSync(wrapper, 0o755);
const chromiumOptions: ChromiumOptions = { gl: (opts.gl === undefined ? null : opts.gl) as ChromiumOptions['gl'] };

// CPU sampler over descendants
const ticks = new Map<number, { kind: string; t: number }>();
function kindOf(pid: number): string {
  const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
  if (cmd.join('') === '') return '';
  const exe = cmd[0] ?? '';
  if (exe.includes('ffmpeg')) return 'ffmpeg';
  if (exe.includes('remotion')) return 'compositor';
  if (exe.includes('chrom') || exe.includes('/proc/self/exe') || cmd.some((a) => a.startsWith('--type='))) {
    const type = cmd.find((a) => a.startsWith('--type='));
    return `chromium:${type ? type.slice(7) : 'browser'}${cmd.includes('--utility-sub-type=network.mojom.NetworkService') ? '-net' : ''}`;
  }
  return exe.split('/').pop() ?? '?';
}
function sample() {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(f[1]));
      const pid = Number(d);
      // descendant check later
      (sample as any).stats ??= new Map();
      (sample as any).stats.set(pid, Number(f[11]) + Number(f[12]));
    } catch {}
  }
  const mine = new Set<number>([process.pid]);
  let grew = true;
  while (grew) { grew = false; for (const [p, pp] of parent) if (!mine.has(p) && mine.has(pp)) { mine.add(p); grew = true; } }
  for (const pid of mine) {
    const t = (sample as any).stats.get(pid);
    if (t === undefined) continue;
    const prev = ticks.get(pid);
    try { ticks.set(pid, { kind: pid === process.pid ? 'node' : kindOf(pid) || prev?.kind || '?', t }); } catch {}
  }
}
const startTicks = new Map<number, number>();
sample(); for (const [p, v] of ticks) startTicks.set(p, v.t);
const timer = setInterval(sample, 100);

const n = opts.split ?? 1;
const range = opts.frames ?? [0, props.durationInFrames - 1];
const count = range[1] - range[0] + 1;
const per = Math.ceil(count / n);
const browsers = await Promise.all(Array.from({ length: n }, () => openBrowser('chrome', { browserExecutable: wrapper, chromiumOptions, chromeMode: 'chrome-for-testing', logLevel: 'error' })));
if (opts.noBeyond || opts.shotParams) for (const b of browsers) {
  const orig = b.newPage.bind(b);
  (b as any).newPage = async (...a: any[]) => {
    const page = await (orig as any)(...a);
    const client = page._client();
    const send = client.send.bind(client);
    client.send = (method: string, params: any) => send(method, method === 'Page.captureScreenshot' ? { ...params, ...(opts.noBeyond ? { captureBeyondViewport: false } : {}), ...(opts.shotParams ?? {}) } : params);
    return page;
  };
}
const shared = { serveUrl, inputProps: props, browserExecutable: wrapper, chromiumOptions, chromeMode: 'chrome-for-testing' as const, logLevel: 'error' as const };
const composition = await selectComposition({ ...shared, puppeteerInstance: browsers[0], id: 'ShortVideo' });
const t0 = performance.now();
let frames = 0;
const done: number[] = Array(n).fill(0);
const common = {
  ...shared, composition, concurrency: opts.concurrency ?? 1, imageFormat: opts.format ?? 'jpeg', jpegQuality: opts.q ?? 80,
  x264Preset: (opts.preset ?? 'veryfast') as 'veryfast', ...(opts.colorSpace === 'default' ? {} : { colorSpace: 'bt709' as const }),
  ...(opts.crf ? { crf: opts.crf } : {}), ...(opts.scale ? { scale: opts.scale } : {}),
  ...(opts.ffmpegArgs ? { ffmpegOverride: ({ type, args }: { type: string; args: string[] }) => (type === 'pre-stitcher' ? [...args.slice(0, -2), ...opts.ffmpegArgs!.split(' '), ...args.slice(-2)] : args) } : {}),
};
if (n === 1) {
  await renderMedia({ ...common, puppeteerInstance: browsers[0], codec: 'h264', audioCodec: 'aac', outputLocation: opts.out ?? '/tmp/lab.mp4', ...(opts.frames ? { frameRange: opts.frames } : {}), onProgress: ({ renderedFrames }) => { frames = renderedFrames; } });
} else {
  const parts = Array.from({ length: n }, (_, i) => [range[0] + i * per, Math.min(range[1], range[0] + (i + 1) * per - 1)] as [number, number]);
  await Promise.all(parts.map((fr, i) => renderMedia({ ...common, puppeteerInstance: browsers[i], codec: opts.mp4chunks ? 'h264' : 'h264-ts', audioCodec: 'aac', frameRange: fr, outputLocation: opts.mp4chunks ? `/tmp/chunk-${i}.mp4` : `/tmp/chunk-${i}.ts`, separateAudioTo: `/tmp/chunk-${i}.aac`, forSeamlessAacConcatenation: true, compositionStart: range[0], onProgress: ({ renderedFrames }) => { done[i] = renderedFrames; frames = done.reduce((a, b) => a + b, 0); } })));
  const tc = performance.now();
  if (opts.mp4chunks) {
    const { execFileSync } = await import('node:child_process');
    for (let i = 0; i < n; i++) execFileSync('/usr/bin/ffmpeg', ['-v', 'error', '-y', '-i', `/tmp/chunk-${i}.mp4`, '-c', 'copy', '-bsf:v', 'h264_mp4toannexb', '-f', 'mpegts', `/tmp/chunk-${i}.ts`]);
  }
  await combineChunks({ outputLocation: opts.out ?? '/tmp/lab.mp4', audioFiles: parts.map((_, i) => `/tmp/chunk-${i}.aac`), videoFiles: parts.map((_, i) => `/tmp/chunk-${i}.ts`), codec: 'h264', fps: props.fps, framesPerChunk: per, preferLossless: false, compositionDurationInFrames: props.durationInFrames, frameRange: range, logLevel: 'error' });
  console.log('combine ms', Math.round(performance.now() - tc));
}
const wall = (performance.now() - t0) / 1000;
sample(); clearInterval(timer);
await Promise.all(browsers.map((b) => b.close({ silent: true })));
const byKind = new Map<string, number>();
for (const [pid, { kind, t }] of ticks) byKind.set(kind, (byKind.get(kind) ?? 0) + (t - (startTicks.get(pid) ?? 0)) / 100);
const total = [...byKind.values()].reduce((a, b) => a + b, 0);
console.log(JSON.stringify(opts), `frames ${frames} wall ${wall.toFixed(1)} s  ${(frames / wall).toFixed(1)} fps  cpu ${total.toFixed(1)} s (${((total / frames) * 1000).toFixed(0)} ms/frame)`);
console.log('  ' + [...byKind].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(' | '));
await served.close();
process.exit(0);
