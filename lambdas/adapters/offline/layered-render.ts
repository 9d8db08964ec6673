/**
 * The layered local render: the same video as the ShortVideo composition, drawn in two parts.
 *
 * - The pictures (Ken Burns zoom and pan, crossfades) are drawn by ffmpeg, following the
 *   composition's own motion (frontend/remotion/ken-burns.ts): `perspective` maps each frame's
 *   window of the picture onto the frame with bilinear sampling, as Chromium's compositor
 *   scales the picture layer. The even and the odd scenes make two streams (a crossfade mixes
 *   one of each), mixed frame by frame as the composition fades each scene in.
 * - Everything drawn over the pictures (shade, logo, title, captions) is drawn by the composition
 *   itself in Chromium, as transparent strips of the frame (overlay-band.tsx), and only on
 *   frames where it changes (overlay-plan.ts): about half the frames of a 30 s short, each a
 *   third of the frame's height.
 *
 * Why: a full 1080×1920 frame costs Chromium ~60–70 ms of CPU to composite, read back, encode
 * and hand over however little changes on it — twice what ffmpeg needs to draw and encode a
 * whole frame (BENCHMARKS.md). Strips on changed frames cost a fraction of that; what remains
 * is ffmpeg's own work (x264, and ~14 ms a frame for the subpixel-exact Ken Burns).
 * Remotion Lambda renders every frame of the composition in the cloud; this module is the
 * offline renderer's way of getting the same pictures on one machine's two cores.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { renderFrames, selectComposition, type CancelSignal, type ChromiumOptions, type LogLevel, type BrowserLog } from '@remotion/renderer';
import { MAX_ZOOM, PAN_REACH, panDirection, zoomsOut } from '../../../frontend/remotion/ken-burns.js';
import {
  OVERLAY_BAND_COMPOSITION_ID,
  planOverlay,
  type OverlayBandPlan,
  type OverlayBandProps,
} from '../../../frontend/remotion/overlay-plan.js';
import { decodeAudio, encodeWav16 } from '../../core/pcm.js';
import type { ShortVideoProps } from '../../core/video-props.js';
import { mixSoundtrack } from './soundtrack.js';

type Browser = NonNullable<Parameters<typeof renderFrames>[0]['puppeteerInstance']>;

export interface LayeredRenderOptions {
  props: ShortVideoProps;
  /** The composition's bundle. */
  serveUrl: string;
  /** An open browser for the overlay strips. */
  browser: Browser;
  browserExecutable: string;
  chromiumOptions: ChromiumOptions;
  logLevel: LogLevel;
  onBrowserLog: (log: BrowserLog) => void;
  /** An ffmpeg with the perspective, blend, sendcmd and overlay filters and libx264 (Debian's). */
  ffmpeg: string;
  /** A scratch directory for the downloaded pictures and voice-over. */
  dir: string;
  outputLocation: string;
  x264Preset: string;
  cancelSignal: CancelSignal;
  /** Cancels the strips' drawing when ffmpeg fails. */
  cancel: () => void;
  /** Video frames encoded so far. */
  onFrames: (frames: number) => void;
}

export interface LayeredRenderResult {
  /** Strip frames drawn in Chromium, per layer. */
  drawn: Record<string, number>;
}

/** Renders `props` to `outputLocation` (H.264 + AAC MP4). */
export async function renderLayered(options: LayeredRenderOptions): Promise<LayeredRenderResult> {
  const { props } = options;
  const downloaded = await downloadInputs(props, options.dir);
  const files = { ...downloaded, audio: await writeSoundtrack(props, downloaded, options.dir) };
  const plans = planOverlay(props);
  const scripts = { graph: join(options.dir, 'graph.txt'), commands: join(options.dir, 'crossfades.cmd') };
  const command = ffmpegCommand(props, plans, { ...files, ...scripts }, { output: options.outputLocation, x264Preset: options.x264Preset });
  await writeFile(scripts.graph, command.graph);
  await writeFile(scripts.commands, command.commands);
  const args = command.args;
  // stdin carries the last strip; each other strip gets its own pipe (fd 3, 4, …).
  const stdio: ('pipe' | 'ignore')[] = ['pipe', 'pipe', 'pipe', ...plans.slice(0, -1).map(() => 'pipe' as const)];
  const ffmpeg = spawn(options.ffmpeg, args, { stdio });
  // A process that exits mid-render (Ctrl-C on `shorts dev`) takes its ffmpeg with it: left
  // alone, ffmpeg would go on encoding the pictures into the data directory.
  const killOnExit = () => ffmpeg.kill('SIGKILL');
  process.once('exit', killOnExit);
  ffmpeg.once('exit', () => process.removeListener('exit', killOnExit));
  const exited = new Promise<void>((resolve, reject) => {
    let stderr = '';
    ffmpeg.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    ffmpeg.on('error', (error) =>
      reject(new Error(`could not run ffmpeg at ${options.ffmpeg} (${error.message}); install it (apt-get install ffmpeg) or set SHORTS_FFMPEG`)),
    );
    ffmpeg.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(-1500)}`)),
    );
  });
  // `-progress pipe:1` reports "frame=N" lines as it encodes.
  let pending = '';
  ffmpeg.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^frame=(\d+)/.exec(line);
      if (match) options.onFrames(Number(match[1]));
    }
  });
  const streams = plans.map((_, i) => (i === plans.length - 1 ? ffmpeg.stdin! : (ffmpeg.stdio[3 + i] as Writable)));
  // A pipe ffmpeg closed early (it failed) must not crash the process: the exit reports why.
  for (const stream of streams) stream.on('error', () => {});

  const drawn: Record<string, number> = {};
  // The browser and bundle every strip is drawn with.
  const page = {
    serveUrl: options.serveUrl,
    puppeteerInstance: options.browser,
    browserExecutable: options.browserExecutable,
    chromiumOptions: options.chromiumOptions,
    chromeMode: 'chrome-for-testing' as const,
    logLevel: options.logLevel,
    onBrowserLog: options.onBrowserLog,
  };
  const drawing = (async () => {
    const composition = async (plan: OverlayBandPlan) => {
      const inputProps: OverlayBandProps = { ...props, layer: plan.layer, bandTop: plan.top, bandHeight: plan.height };
      const selected = await selectComposition({ ...page, id: OVERLAY_BAND_COMPOSITION_ID, inputProps });
      return { selected, inputProps };
    };
    const draw = async (plan: OverlayBandPlan, onFrame: (buffer: Buffer, index: number) => Promise<void> | void) => {
      const { selected, inputProps } = await composition(plan);
      const indexOf = new Map(plan.frames.map((frame, i) => [frame, i]));
      await renderFrames({
        ...page,
        composition: selected,
        inputProps,
        frames: plan.frames,
        imageFormat: 'png',
        outputDir: null,
        concurrency: 1,
        cancelSignal: options.cancelSignal,
        muted: true,
        onStart: () => {},
        onFrameUpdate: () => {},
        onFrameBuffer: (buffer, frame) => onFrame(buffer, indexOf.get(frame)!),
      });
      drawn[plan.layer] = plan.frames.length;
    };
    // Every strip but the last is drawn first and handed over whole (they are short: the shade
    // and the logo are one drawing each, the title its first 1.6 s); the last is streamed while
    // ffmpeg encodes, so drawing and encoding overlap.
    for (const [i, plan] of plans.entries()) {
      const stream = streams[i]!;
      if (i < plans.length - 1) {
        const frames: Buffer[] = [];
        await draw(plan, (buffer, index) => void (frames[index] = buffer));
        for (const buffer of frames) stream.write(buffer);
        stream.end();
      } else {
        await streamInOrder(plan, stream, (onFrame) => draw(plan, onFrame));
      }
    }
  })();
  drawing.catch(() => {
    if (ffmpeg.exitCode === null) ffmpeg.kill('SIGKILL');
  });
  exited.catch(() => options.cancel());
  // Both must finish; whichever fails first names the cause.
  await Promise.all([drawing, exited]);
  return { drawn };
}

/**
 * Up to this many bytes of drawn strips wait in memory for ffmpeg. Drawing and encoding go at
 * different paces (a page change or a word's pop is a burst of drawings; a crossfade is a burst
 * of ffmpeg work), and a browser held back to the pipe's 64 KB — about one strip — leaves a core
 * idle whenever the other side is in a burst. A caption strip is ~10–50 KB: a 30 s short's
 * strips all fit, a long video's stay bounded.
 */
const STRIP_BUFFER_BYTES = 32 * 1024 * 1024;

/**
 * Writes a strip's frames to `stream` in video order, each once (ffmpeg places it at its
 * frame, see {@link stripTimestamps}), holding back the browser only once
 * {@link STRIP_BUFFER_BYTES} wait for ffmpeg.
 */
async function streamInOrder(
  plan: OverlayBandPlan,
  stream: Writable,
  draw: (onFrame: (buffer: Buffer, index: number) => Promise<void>) => Promise<void>,
): Promise<void> {
  const early = new Map<number, Buffer>();
  let next = 0;
  const write = async (buffer: Buffer) => {
    stream.write(buffer);
    if (stream.writableLength <= STRIP_BUFFER_BYTES) return;
    // Until ffmpeg takes more — or goes away (its exit reports why, and cancels the drawing).
    await new Promise<void>((resolve) => {
      stream.once('drain', resolve);
      stream.once('close', resolve);
    });
  };
  await draw(async (buffer, index) => {
    early.set(index, buffer);
    while (early.has(next)) {
      const ready = early.get(next)!;
      early.delete(next);
      await write(ready);
      next++;
    }
  });
  if (next !== plan.frames.length) throw new Error(`the ${plan.layer} strip stopped at frame ${next} of ${plan.frames.length}`);
  stream.end();
}

interface InputFiles {
  /** One file per scene, in scene order. */
  images: string[];
  audio: string;
  /** The music bed, when the props have one. */
  music?: string;
}

/**
 * The soundtrack ffmpeg encodes: the voice and the music mixed in Node with the composition's own
 * per-frame volume curve (soundtrack.ts), so this render sounds as Remotion's does. Without music
 * the voice goes to ffmpeg as it is.
 */
async function writeSoundtrack(props: ShortVideoProps, files: InputFiles, dir: string): Promise<string> {
  if (!files.music) return files.audio;
  const [voice, music] = await Promise.all([readFile(files.audio), readFile(files.music)]);
  const mixed = mixSoundtrack(props, await decodeAudio(new Uint8Array(voice)), await decodeAudio(new Uint8Array(music)));
  const path = join(dir, 'soundtrack.wav');
  await writeFile(path, encodeWav16(mixed));
  return path;
}

/** Downloads the pictures and the voice-over (presigned URLs) into `dir`; each URL once. */
async function downloadInputs(props: ShortVideoProps, dir: string): Promise<InputFiles> {
  const byUrl = new Map<string, Promise<string>>();
  const fetchTo = (url: string, name: string, what: string) => {
    let file = byUrl.get(url);
    if (!file) {
      file = (async () => {
        // Without the query: a presigned URL's signature is noise in an error message.
        const shown = url.split('?')[0];
        const response = await fetch(url).catch((error: unknown) => {
          throw new Error(`could not load ${what} (${shown}): ${error instanceof Error ? error.message : String(error)}`);
        });
        if (!response.ok) throw new Error(`could not load ${what} (${shown}): HTTP ${response.status}`);
        const path = join(dir, name);
        await writeFile(path, new Uint8Array(await response.arrayBuffer()));
        return path;
      })();
      byUrl.set(url, file);
    }
    return file;
  };
  const [audio, music, ...images] = await Promise.all([
    fetchTo(props.audioUrl, 'voice', 'the voice-over'),
    props.music ? fetchTo(props.music.url, 'music', 'the music') : Promise.resolve(undefined),
    ...props.scenes.map((scene, i) => fetchTo(scene.imageUrl, `scene-${i}`, `the picture of scene ${i + 1}`)),
  ]);
  return { audio: audio!, images: images as string[], ...(music ? { music } : {}) };
}

/**
 * The ffmpeg perspective window for scene `index`: the part of the (frame-sized) picture that
 * fills the frame at the scene's own frame `local` (an ffmpeg expression; by default `in-1`:
 * perspective counts its input frames from 1), as KenBurnsScene's CSS transform shows it.
 * CSS `translate(T) scale(s)` about the centre c shows picture point p at c + T + s·(p − c), so
 * the frame's corners show p = c − (c + T)/s and c + (c − T)/s.
 */
export function kenBurnsWindow(index: number, frames: number, local = 'in-1'): { x0: string; y0: string; x1: string; y1: string } {
  const t = `((1-cos(PI*min(max((${local})/${Math.max(1, frames - 1)},0),1)))/2)`;
  const zoom = (MAX_ZOOM - 1).toFixed(6);
  const s = zoomsOut(index) ? `(${MAX_ZOOM}-${zoom}*${t})` : `(1+${zoom}*${t})`;
  const [ux, uy] = panDirection(index);
  const tx = `(${ux.toFixed(6)}*(${s}-1)/2*${PAN_REACH}*W)`;
  const ty = `(${uy.toFixed(6)}*(${s}-1)/2*${PAN_REACH}*H)`;
  const x0 = `(W/2-(W/2+${tx})/${s})`;
  const y0 = `(H/2-(H/2+${ty})/${s})`;
  return { x0, y0, x1: `(${x0}+W/${s})`, y1: `(${y0}+H/${s})` };
}

/** One of the two picture streams: the even scenes' pictures, or the odd scenes'. */
export interface PictureStream {
  /** Each scene of the stream from `from` up to (not including) `to`: until the stream's next scene starts. */
  segments: { scene: number; from: number; to: number }[];
}

/**
 * The pictures as two streams, even scenes and odd scenes. A crossfade always mixes a scene with
 * the one before it, so one of each; and each stream needs a single `perspective` (whose lookup
 * table alone is W×H×8 bytes, 16.6 MB at 1080×1920) however many scenes the video has — a chain
 * per scene held ~50 MB a scene in ffmpeg (BENCHMARKS.md).
 */
export function pictureStreams(props: Pick<ShortVideoProps, 'scenes' | 'durationInFrames'>): PictureStream[] {
  const streams: PictureStream[] = [];
  for (const parity of [0, 1]) {
    const indexes = props.scenes.map((_, i) => i).filter((i) => i % 2 === parity);
    if (indexes.length === 0) continue;
    streams.push({
      segments: indexes.map((scene, j) => ({
        scene,
        from: j === 0 ? 0 : props.scenes[scene]!.startFrame,
        to: j + 1 < indexes.length ? props.scenes[indexes[j + 1]!]!.startFrame : props.durationInFrames,
      })),
    });
  }
  return streams;
}

/**
 * The even stream's share of each frame, as the composition mixes it: the latest scene that has
 * started fades in over the one before (opacity 0→1 over its fade), and the two are always one
 * even and one odd scene.
 */
export function evenWeights(props: Pick<ShortVideoProps, 'scenes' | 'durationInFrames' | 'crossfadeFrames'>): number[] {
  const weights: number[] = [];
  let top = 0;
  for (let frame = 0; frame < props.durationInFrames; frame++) {
    while (top + 1 < props.scenes.length && props.scenes[top + 1]!.startFrame <= frame) top++;
    const scene = props.scenes[top]!;
    const fade = top === 0 ? 0 : Math.min(props.crossfadeFrames, scene.durationInFrames);
    const opacity = fade > 0 ? Math.min(1, (frame - scene.startFrame) / fade) : 1;
    weights.push(top % 2 === 0 ? opacity : 1 - opacity);
  }
  return weights;
}

/** A perspective expression that follows the stream's scene at input frame `in`: a balanced if() tree over its segments. */
function streamCorner(props: ShortVideoProps, stream: PictureStream, corner: 'x0' | 'y0' | 'x1' | 'y1'): string {
  const node = (lo: number, hi: number): string => {
    if (lo === hi) {
      const { scene } = stream.segments[lo]!;
      const { startFrame, durationInFrames } = props.scenes[scene]!;
      return kenBurnsWindow(scene, durationInFrames, `in-1-${startFrame}`)[corner];
    }
    const mid = (lo + hi + 1) >> 1;
    return `if(lt(in-1,${stream.segments[mid]!.from}),${node(lo, mid - 1)},${node(mid, hi)})`;
  };
  return node(0, stream.segments.length - 1);
}

/**
 * A strip's frames arrive one per drawing, numbered N = 0, 1, 2…; each belongs at the video
 * frame its run starts on, `plan.frames[N]`. As an ffmpeg expression (in frames; the strip's
 * time base is 1/fps): a binary search over N written as nested if()s — ffmpeg's expression
 * parser refuses deeply nested input (a flat sum of 400 steps fails with ENOMEM), and a
 * balanced tree nests only log2(drawings) deep.
 */
export function stripTimestamps(plan: Pick<OverlayBandPlan, 'frames'>): string {
  const node = (lo: number, hi: number): string => {
    if (lo === hi) return String(plan.frames[lo]!);
    const mid = (lo + hi + 1) >> 1;
    return `if(lt(N,${mid}),${node(lo, mid - 1)},${node(mid, hi)})`;
  };
  return plan.frames.length ? node(0, plan.frames.length - 1) : '0';
}

/** Converts to limited-range BT.709 4:2:0, as the composition's renders are encoded. */
const TO_BT709 = 'scale=out_color_matrix=bt709:out_range=tv';

/** The ffmpeg command: pictures → Ken Burns → crossfades → strips on top → H.264, plus the soundtrack (voice, or voice and music premixed) as AAC. */
export interface FfmpegCommand {
  args: string[];
  /** The filter graph, for `-filter_complex_script` (it outgrows a command-line argument on long videos). */
  graph: string;
  /** `sendcmd` commands: the crossfades' mix, frame by frame. */
  commands: string;
}

/**
 * Each picture and strip input is decoded by one thread: ffmpeg's default gives every PNG
 * decoder a frame thread per core plus one, each with frame buffers of its own. A picture is
 * decoded once and a strip is small, so the threads bought no time (29.6 vs 29.5 s for the
 * whole encode, identical output) and cost ~14 MB (BENCHMARKS.md, issue #17).
 */
const ONE_DECODER_THREAD = ['-threads', '1'] as const;

export function ffmpegCommand(
  props: ShortVideoProps,
  plans: OverlayBandPlan[],
  files: InputFiles & { graph: string; commands: string },
  output: { output: string; x264Preset: string },
): FfmpegCommand {
  const { width: w, height: h, fps, scenes } = props;
  const seconds = (props.durationInFrames / fps).toFixed(6);
  const inputs: string[] = [];
  const graph: string[] = [];
  const streams = pictureStreams(props);
  const segmentOf = new Map(streams.flatMap((stream) => stream.segments.map((segment) => [segment.scene, segment] as const)));
  scenes.forEach((_, i) => {
    inputs.push(...ONE_DECODER_THREAD, '-framerate', String(fps), '-i', files.images[i]!);
    const segment = segmentOf.get(i)!;
    graph.push(
      [
        `[${i}:v]scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h}`,
        TO_BT709,
        'format=yuv420p',
        // The picture is decoded once and repeated until the stream's next scene.
        `loop=loop=${segment.to - segment.from - 1}:size=1`,
        `setpts=N[p${i}]`,
      ].join(','),
    );
  });
  // Each stream: its scenes' pictures one after another, moved by one perspective that follows
  // the scene of the moment; it works only while the stream is seen (enable: a hidden frame
  // passes as the still picture).
  streams.forEach((stream, k) => {
    const shown = stream.segments
      .map(({ scene }) => {
        const { startFrame, durationInFrames } = scenes[scene]!;
        return `between(t,${((startFrame - 0.5) / fps).toFixed(6)},${((startFrame + durationInFrames - 0.5) / fps).toFixed(6)})`;
      })
      .join('+');
    const corner = (c: 'x0' | 'y0' | 'x1' | 'y1') => streamCorner(props, stream, c);
    const [x0, y0, x1, y1] = [corner('x0'), corner('y0'), corner('x1'), corner('y1')];
    const joined =
      stream.segments.length > 1
        ? `${stream.segments.map(({ scene }) => `[p${scene}]`).join('')}concat=n=${stream.segments.length}:v=1:a=0,`
        : `[p${stream.segments[0]!.scene}]`;
    // concat hands frames on in its own time base: back to one tick per frame.
    graph.push(
      `${joined}settb=1/${fps},setpts=N,perspective=x0='${x0}':y0='${y0}':x1='${x1}':y1='${y0}':x2='${x0}':y2='${y1}':x3='${x1}':y3='${y1}':eval=frame:enable='${shown}',setsar=1[k${k}]`,
    );
  });
  // The crossfades: the even stream's share of each frame (1 outside fades) set by sendcmd
  // half a frame before the frame it is for. Per plane (c0–c2): blend applies all_opacity only
  // below 1, so once lowered it could never go back to 1.
  let last = 'k0';
  const commands: string[] = [];
  if (streams.length > 1) {
    const weights = evenWeights(props);
    weights.forEach((weight, frame) => {
      if (frame > 0 && weight === weights[frame - 1]) return;
      const at = Math.max(0, (frame - 0.5) / fps).toFixed(6);
      const value = weight.toFixed(6);
      commands.push(`${at} blend@mix c0_opacity ${value}, blend@mix c1_opacity ${value}, blend@mix c2_opacity ${value};`);
    });
    const first = weights[0]!.toFixed(6);
    graph.push(`[k0]sendcmd=f='${escapePath(files.commands)}'[k0c]`);
    graph.push(`[k0c][k1]blend@mix=all_mode=normal:c0_opacity=${first}:c1_opacity=${first}:c2_opacity=${first}[bg]`);
    last = 'bg';
  }
  // The strips, as drawn by the composition: title first, captions (with the shade) on top.
  plans.forEach((plan, i) => {
    const input = scenes.length + i;
    const pipe = i === plans.length - 1 ? 'pipe:0' : `pipe:${3 + i}`;
    inputs.push(...ONE_DECODER_THREAD, '-f', 'image2pipe', '-framerate', String(fps), '-c:v', 'png', '-i', pipe);
    graph.push(`[${input}:v]setpts='${stripTimestamps(plan)}',${TO_BT709},format=yuva420p[b${i}]`);
    // A strip frame stays on screen until the next one (overlay repeats the last frame it has);
    // after its last visible frame (the title's first 1.6 s) the frames pass untouched.
    const enable = plan.visibleUntil < props.durationInFrames ? `:enable='lt(n,${plan.visibleUntil})'` : '';
    graph.push(`[${last}][b${i}]overlay=x=0:y=${plan.top}:format=yuv420${enable}[o${i}]`);
    last = `o${i}`;
  });
  graph.push(`[${last}]format=yuv420p[v]`);
  const audioInput = scenes.length + plans.length;
  inputs.push('-i', files.audio);
  // The voice-over, padded with silence or cut to the video's length, at 48 kHz stereo.
  graph.push(`[${audioInput}:a]aresample=48000,apad=whole_dur=${seconds},atrim=end=${seconds}[a]`);
  const args = [
    '-hide_banner', '-nostats', '-nostdin', '-loglevel', 'error', '-y',
    ...inputs,
    '-filter_complex_script', files.graph,
    '-map', '[v]', '-map', '[a]',
    '-frames:v', String(props.durationInFrames),
    '-c:v', 'libx264', '-preset', output.x264Preset, '-crf', '18', '-pix_fmt', 'yuv420p',
    // No lookahead thread of its own: ~30 MB less at 1080×1920 for +2 % of x264's CPU and the
    // same decisions within 0.02 % of the file's size (BENCHMARKS.md, issue #17).
    '-x264-params', 'sync-lookahead=0',
    '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv',
    '-c:a', 'aac', '-b:a', '320k', '-ac', '2',
    '-movflags', '+faststart',
    '-progress', 'pipe:1',
    output.output,
  ];
  return { args, graph: `${graph.join(';\n')}\n`, commands: `${commands.join('\n')}\n` };
}

/** A path inside a filter graph option: backslashes, colons and quotes escaped. */
function escapePath(path: string): string {
  return path.replaceAll('\\', '\\\\').replaceAll(':', '\\:').replaceAll("'", "\\'");
}
