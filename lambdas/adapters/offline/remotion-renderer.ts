import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { chmod, mkdir, open, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import {
  combineChunks,
  makeCancelSignal,
  openBrowser,
  renderMedia,
  selectComposition,
  type BrowserLog,
  type ChromiumOptions,
  type LogLevel,
  type X264Preset,
} from '@remotion/renderer';
import { COMPOSITION_BUNDLER } from '../../../frontend/remotion/webpack-override.js';
import { renderLayered } from './layered-render.js';
import { narrowWildcardListens } from './loopback-listen.js';
import { DEFAULT_RENDER_METHOD, type RenderMethod } from '../../core/render-method.js';
import { describeError, InvalidInput, NotFound } from '../../core/errors.js';
import type { BlobStore, RenderProgress, VideoRenderer } from '../../core/ports.js';
import { COMPOSITION_ID, ShortVideoPropsSchema, type ShortVideoProps } from '../../core/video-props.js';

// Remotion's bundle server would otherwise listen on every interface while a video renders.
narrowWildcardListens();

const ENTRY_POINT = fileURLToPath(new URL('../../../frontend/remotion/index.ts', import.meta.url));
/** Everything the bundle is built from; a change to any file here means a new bundle. */
const SOURCE_DIRS = [
  fileURLToPath(new URL('../../../frontend/remotion/', import.meta.url)),
  fileURLToPath(new URL('../../core/', import.meta.url)),
];
const DEFAULT_BROWSER = '/usr/bin/chromium';
const DEFAULT_FFMPEG = '/usr/bin/ffmpeg';
// Measured on two cores (BENCHMARKS.md; FINDINGS: "Rendering with Remotion, offline"). Swangle GL
// is ~2x slower than none; PNG frames are slower than JPEG; bt709 keeps JPEG frames in limited
// range; faster x264 presets save little CPU and double the file size at the same quality.
const CHROMIUM_OPTIONS: ChromiumOptions = { gl: null };
const JPEG_QUALITY = 80;
const X264_PRESET: X264Preset = 'veryfast';
/**
 * Every piece is at least this long (2 s at 30 fps), so clips under 4 s render in one piece: a
 * second browser costs about a second to start, more than it saves on a clip that short.
 */
const MIN_FRAMES_PER_CHUNK = 60;
/**
 * x264 threads per encoder when pieces render in parallel. By default each encoder starts a
 * thread per core and a frame buffer per thread (~300 MB of RSS at 1080×1920); the pieces'
 * encoders run side by side and already keep the cores busy, and one thread each needs ~70 MB
 * less memory for the same output speed.
 */
const ENCODER_THREADS_PER_PIECE = 1;


export interface LocalRemotionRendererOptions {
  blobs: BlobStore;
  /** See {@link RenderMethod}; `layered` by default. */
  method?: RenderMethod;
  /** ffmpeg for the layered render (perspective, xfade, overlay filters, libx264); Debian's by default. */
  ffmpegExecutable?: string;
  /** Holds the Chromium wrapper and in-progress MP4s (the bundle is in {@link SHARED_BUNDLE_ROOT}). */
  workDir: string;
  /** A Chromium/Chrome binary; Debian's by default. */
  browserExecutable?: string;
  /**
   * Pieces of the video rendered at once, each by its own browser (one tab) and its own encoder,
   * then joined without re-encoding — Remotion Lambda's chunking, on one machine. One tab walks
   * its frames strictly in turn (page → compositor → screenshot → JPEG → encoder), so a single
   * piece keeps about one core busy; two pieces keep two. Default: the number of cores, at most 4.
   * (Several tabs in one browser measured slower: ~60% more CPU a frame, BENCHMARKS.md.)
   */
  parallelChunks?: number;
  onLog?: (message: string) => void;
}

interface RenderState extends RenderProgress {
  startedAt?: number;
}

// Module scope: one map and one bundle per process, whichever renderer instance asks.
const renders = new Map<string, RenderState>();
/** Bundle directory per bundle root: bundled (or found on disk) once per process. */
const bundles = new Map<string, Promise<string>>();
/** Renders run one after another: two at once on two cores are slower than in turn. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Renders the composition on this machine with @remotion/renderer and Chromium, then stores the MP4.
 * The offline twin of Remotion Lambda: `start` returns at once, `progress` is polled.
 */
export class LocalRemotionRenderer implements VideoRenderer {
  readonly name = 'local-remotion';
  readonly method: RenderMethod;
  private readonly browserExecutable: string;
  private readonly ffmpegExecutable: string;
  private readonly parallelChunks: number;
  private readonly log: (message: string) => void;
  private readonly workDir: string;

  constructor(private readonly options: LocalRemotionRendererOptions) {
    // Absolute: bundle() changes the process's working directory while webpack runs.
    this.workDir = resolve(options.workDir);
    this.browserExecutable = options.browserExecutable ?? DEFAULT_BROWSER;
    this.ffmpegExecutable = options.ffmpegExecutable ?? DEFAULT_FFMPEG;
    this.method = options.method ?? DEFAULT_RENDER_METHOD;
    this.parallelChunks = Math.max(1, Math.floor(options.parallelChunks ?? Math.min(4, availableParallelism())));
    this.log = options.onLog ?? (() => {});
  }

  async start(input: { jobId: string; props: ShortVideoProps; outputKey: string }): Promise<{ renderId: string }> {
    const parsed = ShortVideoPropsSchema.safeParse(input.props);
    if (!parsed.success) throw new InvalidInput(`video props are invalid: ${parsed.error.message}`);
    const renderId = `${input.jobId}-${randomUUID().slice(0, 8)}`;
    const state: RenderState = { done: false, progress: 0 };
    renders.set(renderId, state);
    const run = queue.then(() => this.render(renderId, state, parsed.data, input.outputKey));
    queue = run.catch(() => {});
    run.catch((error: unknown) => {
      state.fatalError = describeError(error);
      this.log(`render ${renderId} failed: ${state.fatalError}`);
    });
    return { renderId };
  }

  async progress(renderId: string): Promise<RenderProgress> {
    const state = renders.get(renderId);
    if (!state) throw new NotFound(`no render ${renderId}`);
    const { startedAt: _startedAt, ...progress } = state;
    return progress;
  }

  /** Bundles the composition, or reuses the bundle an earlier call or process left in {@link SHARED_BUNDLE_ROOT}. */
  async bundle(): Promise<string> {
    return bundleComposition(SHARED_BUNDLE_ROOT, { onBundled: (ms) => this.log(`bundled the composition in ${ms} ms`) });
  }

  private async render(renderId: string, state: RenderState, props: ShortVideoProps, outputKey: string) {
    const serveUrl = await this.bundle();
    const browserExecutable = await this.offlineChromium();
    // At 'warn' Remotion repeats a note about cgroup memory limits on every render; the page's
    // own warnings and errors (a picture that failed to load, say) still reach onLog.
    const logLevel: LogLevel = 'error';
    const dir = join(this.workDir, 'renders', renderId);
    const outputLocation = join(dir, 'video.mp4');
    // The layered render draws in one browser (its strips are small); ffmpeg uses the other core.
    const chunks = this.method === 'layered' ? [[0, props.durationInFrames - 1] as [number, number]] : chunkRanges(props.durationInFrames, this.parallelChunks);
    await mkdir(dir, { recursive: true });
    const browsers = await Promise.all(
      chunks.map(async () =>
        screenshotWithinViewport(
          await openBrowser('chrome', {
            browserExecutable,
            chromiumOptions: CHROMIUM_OPTIONS,
            // Debian's Chromium is a full browser, which only has the new headless mode.
            chromeMode: 'chrome-for-testing',
            logLevel,
          }),
          // The layered render's browser draws only transparent PNG strips.
          { transparent: this.method === 'layered' },
        ),
      ),
    );
    // A piece's browser is closed as soon as its frames are drawn: encoding needs only ffmpeg,
    // and two idle browsers would hold ~500 MB while the pieces encode.
    const closing = new Map<number, Promise<void>>();
    const closeBrowser = (i: number) => {
      if (!closing.has(i)) closing.set(i, browsers[i]!.close({ silent: true }).catch(() => {}));
      return closing.get(i)!;
    };
    const { cancelSignal, cancel } = makeCancelSignal();
    try {
      const shared = {
        serveUrl,
        inputProps: props,
        browserExecutable,
        chromiumOptions: CHROMIUM_OPTIONS,
        chromeMode: 'chrome-for-testing' as const,
        logLevel,
        onBrowserLog: (log: BrowserLog) => {
          if (log.type === 'error' || log.type === 'warning') this.log(`[chromium ${log.type}] ${log.text}`);
        },
      };
      const rendered = chunks.map(() => 0);
      const onFrames = (i: number, frames: number) => {
        rendered[i] = frames;
        const done = rendered.reduce((a, b) => a + b, 0);
        // Keep the last few percent for joining and storing, so 1 only ever means "stored".
        state.progress = Math.min(done / props.durationInFrames, 1) * 0.96;
        const seconds = (Date.now() - (state.startedAt ?? Date.now())) / 1000;
        if (seconds > 0 && done > 0) state.framesPerSecond = done / seconds;
      };
      state.startedAt = Date.now();
      if (this.method === 'layered') {
        const { drawn } = await renderLayered({
          ...shared,
          props,
          browser: browsers[0]!,
          ffmpeg: this.ffmpegExecutable,
          dir,
          outputLocation,
          x264Preset: X264_PRESET,
          cancelSignal,
          cancel,
          onFrames: (frames) => onFrames(0, frames),
        });
        await this.store(state, outputKey, outputLocation);
        const strips = Object.entries(drawn).map(([layer, n]) => `${n} ${layer}`).join(', ');
        this.log(`render ${renderId}: ${props.durationInFrames} frames, layered (strips drawn: ${strips}) at ${state.framesPerSecond?.toFixed(1)} fps`);
        return;
      }
      const composition = await selectComposition({ ...shared, puppeteerInstance: browsers[0]!, id: COMPOSITION_ID });
      const encoding = {
        ...shared,
        composition,
        cancelSignal,
        concurrency: 1,
        imageFormat: 'jpeg' as const,
        jpegQuality: JPEG_QUALITY,
        x264Preset: X264_PRESET,
        colorSpace: 'bt709' as const,
        audioCodec: 'aac' as const,
      };
      if (chunks.length === 1) {
        await renderMedia({
          ...encoding,
          puppeteerInstance: browsers[0]!,
          codec: 'h264',
          outputLocation,
          onProgress: ({ renderedFrames }) => onFrames(0, renderedFrames),
        });
      } else {
        // As Remotion Lambda does: MPEG-TS video pieces and AAC audio pieces that join seamlessly.
        const pieces = chunks.map((frameRange, i) => ({ frameRange, video: join(dir, `chunk-${i}.ts`), audio: join(dir, `chunk-${i}.aac`) }));
        await Promise.all(
          pieces.map((piece, i) =>
            renderMedia({
              ...encoding,
              puppeteerInstance: browsers[i]!,
              codec: 'h264-ts',
              frameRange: piece.frameRange,
              outputLocation: piece.video,
              separateAudioTo: piece.audio,
              forSeamlessAacConcatenation: true,
              compositionStart: 0,
              // An MPEG-TS piece is encoded after its frames are drawn (Remotion's "stitcher").
              ffmpegOverride: ({ args }) => withEncoderThreads(args, ENCODER_THREADS_PER_PIECE),
              onProgress: ({ renderedFrames, renderedDoneIn }) => {
                onFrames(i, renderedFrames);
                if (renderedDoneIn !== null) void closeBrowser(i);
              },
            }).catch((error: unknown) => {
              // One failed piece fails the render; the others stop instead of finishing for nothing.
              cancel();
              throw error;
            }),
          ),
        );
        await combineChunks({
          outputLocation,
          videoFiles: pieces.map((p) => p.video),
          audioFiles: pieces.map((p) => p.audio),
          codec: 'h264',
          audioCodec: 'aac',
          fps: composition.fps,
          framesPerChunk: chunks[0]![1] - chunks[0]![0] + 1,
          compositionDurationInFrames: composition.durationInFrames,
          preferLossless: false,
          logLevel,
          cancelSignal,
        });
      }
      await this.store(state, outputKey, outputLocation);
      this.log(
        `render ${renderId}: ${composition.durationInFrames} frames in ${chunks.length} piece(s) at ${state.framesPerSecond?.toFixed(1)} fps`,
      );
    } finally {
      await Promise.all(browsers.map((_, i) => closeBrowser(i)));
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async store(state: RenderState, outputKey: string, outputLocation: string) {
    state.progress = 0.98;
    await this.options.blobs.put(outputKey, await readFile(outputLocation), 'video/mp4');
    state.outputKey = outputKey;
    state.progress = 1;
    state.done = true;
  }

  /**
   * The browser Remotion launches, through a wrapper script: Remotion's chromiumOptions take no
   * extra switches (see {@link chromiumWrapperScript}).
   */
  private async offlineChromium(): Promise<string> {
    const path = join(this.workDir, 'chromium-offline.sh');
    const script = chromiumWrapperScript(this.browserExecutable);
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current !== script) {
      await mkdir(this.workDir, { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, script);
      await chmod(tmp, 0o755);
      await rename(tmp, path);
    }
    return path;
  }
}

type Browser = Awaited<ReturnType<typeof openBrowser>>;

/**
 * Chromium switches for drawing strips offline. Chromium looks up Google hosts at start even when
 * told not to: resolving every name but localhost to "not found" keeps renders offline. The rest
 * keep one browser's helpers few: the page needs no GPU process (the compositor already draws in
 * software: `gl: null`) and one renderer process is enough for the one tab Remotion draws in.
 * With them and the features below, Chromium's share of a generation's peak PSS fell from ~430
 * to ~270 MB, with the same frames (issue 17); its CPU did not grow.
 */
export const CHROMIUM_SWITCHES = [
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1',
  '--in-process-gpu',
  '--renderer-process-limit=1',
] as const;
/**
 * Added to the features Remotion enables. Remotion asks for `NetworkServiceInProcess`, a name
 * Chromium no longer knows (it became `NetworkServiceInProcess2`), so the network service ran
 * as a process of its own.
 */
export const CHROMIUM_ENABLE_FEATURES = ['NetworkServiceInProcess2'] as const;
/**
 * Added to the features Remotion disables: the omnibox popup's WebUI, which the new headless
 * mode preloads in a renderer process of its own (chrome://omnibox-popup.top-chrome) though no
 * one ever types in an address bar here.
 */
export const CHROMIUM_DISABLE_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'] as const;

/**
 * The wrapper script that starts `browserExecutable` with {@link CHROMIUM_SWITCHES}, and merges
 * {@link CHROMIUM_ENABLE_FEATURES} / {@link CHROMIUM_DISABLE_FEATURES} into Remotion's own
 * `--enable-features` / `--disable-features` (Chromium honours only the last of a repeated
 * switch, so a second `--enable-features` would drop Remotion's list).
 */
export function chromiumWrapperScript(browserExecutable: string): string {
  const enable = CHROMIUM_ENABLE_FEATURES.join(',');
  const disable = CHROMIUM_DISABLE_FEATURES.join(',');
  return [
    '#!/bin/sh',
    'enabled= disabled=',
    'for arg do',
    '  shift',
    '  case $arg in',
    `    --enable-features=*) arg="$arg,${enable}" enabled=1 ;;`,
    `    --disable-features=*) arg="$arg,${disable}" disabled=1 ;;`,
    '  esac',
    '  set -- "$@" "$arg"',
    'done',
    `[ -n "$enabled" ] || set -- "$@" '--enable-features=${enable}'`,
    `[ -n "$disabled" ] || set -- "$@" '--disable-features=${disable}'`,
    `exec ${shellQuote(browserExecutable)} ${CHROMIUM_SWITCHES.map(shellQuote).join(' ')} "$@"`,
    '',
  ].join('\n');
}

/** Adds `-threads n` to an ffmpeg command as an output option (just before the output path). */
export function withEncoderThreads(args: string[], threads: number): string[] {
  return [...args.slice(0, -1), '-threads', String(threads), ...args.slice(-1)];
}

/** The slice of Remotion's page object used below (its CDP session); absent fields mean "leave alone". */
interface PageWithSession {
  _client?: () => { send?: (method: string, params?: object) => Promise<unknown> };
}

/**
 * Remotion asks for every frame's screenshot with `captureBeyondViewport: true`, which makes
 * Chromium resize the page to its full height, lay it out and repaint it, for every frame. The
 * page is exactly the frame here (Remotion sets the viewport to the composition's size), so
 * the screenshot is the same without it and each frame costs ~6 ms less CPU (BENCHMARKS.md).
 * Remotion opens its pages through `browser.newPage`; wrapping it adjusts just that request.
 * Should Remotion's internals change shape, pages are left as they are.
 *
 * With `transparent` (a browser that only ever draws PNG frames: the layered render's strips),
 * the page's background is made transparent once and stays so. Remotion otherwise sets the
 * transparent background before every PNG screenshot and resets it after, and each change of
 * the background makes Chromium repaint the whole page: twice per frame, for nothing.
 */
export function screenshotWithinViewport(browser: Browser, { transparent = false }: { transparent?: boolean } = {}): Browser {
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (...args: Parameters<Browser['newPage']>) => {
    const page = await newPage(...args);
    const session = (page as unknown as PageWithSession)._client?.();
    const send = session?.send?.bind(session);
    if (session && send) {
      let cleared: Promise<unknown> | undefined;
      session.send = (method, params) => {
        if (transparent && method === 'Emulation.setDefaultBackgroundColorOverride') {
          // The first request for a transparent background goes through; resets and repeats are dropped.
          if (params && 'color' in params) return (cleared ??= send(method, params));
          if (cleared) return cleared;
        }
        return send(method, method === 'Page.captureScreenshot' && params ? { ...params, captureBeyondViewport: false } : params);
      };
    }
    return page;
  };
  return browser;
}

/**
 * Splits `frames` into at most `pieces` equal, contiguous ranges (the last may be shorter), each
 * at least {@link MIN_FRAMES_PER_CHUNK} frames long. Equal lengths matter: the audio pieces are
 * joined on the assumption that every piece but the last has the same duration.
 */
export function chunkRanges(frames: number, pieces: number): [number, number][] {
  const count = Math.max(1, Math.min(pieces, Math.floor(frames / MIN_FRAMES_PER_CHUNK)));
  const per = Math.ceil(frames / count);
  const ranges: [number, number][] = [];
  for (let start = 0; start < frames; start += per) ranges.push([start, Math.min(frames, start + per) - 1]);
  return ranges;
}

/** How long a process waits for another one's bundle of the same sources before bundling itself. */
const BUNDLE_WAIT_MS = 10 * 60_000;

/**
 * Where bundles are kept: beside the stack's synthesis cache
 * in this checkout's node_modules, so a fresh data folder (every CLI test, a newcomer's second
 * folder) finds the bundle made instead of paying a cold bundle of its own. A bundle depends on
 * the sources only; what a render reads of a data folder comes by URL.
 */
export const SHARED_BUNDLE_ROOT = fileURLToPath(new URL('../../../node_modules/.cache/ai-shorts/remotion-bundles', import.meta.url));

/**
 * The composition's bundle for the current sources under `bundleRoot` (`<bundleRoot>/<hash>`):
 * found on disk, or built once. Once per process per root; across processes (the CLI bundles
 * in the background from its start while the pipeline's render function may ask too) a lock
 * file makes the later caller wait for the bundle being built instead of building it twice.
 * Resolves to the bundle's directory (Remotion's serve URL). `onBundled` is told the build's
 * wall time, only when this call built it.
 */
export function bundleComposition(bundleRoot: string, options: { onBundled?: (ms: number) => void } = {}): Promise<string> {
  const key = resolve(bundleRoot);
  let serveUrl = bundles.get(key);
  if (!serveUrl) {
    serveUrl = bundleOnce(key, options.onBundled);
    bundles.set(key, serveUrl);
    serveUrl.catch(() => bundles.delete(key));
  }
  return serveUrl;
}

async function bundleOnce(bundleRoot: string, onBundled?: (ms: number) => void): Promise<string> {
  const hash = await compositionSourceHash();
  const dir = join(bundleRoot, hash);
  const lock = `${dir}.lock`;
  const deadline = Date.now() + BUNDLE_WAIT_MS;
  await mkdir(dirname(dir), { recursive: true });
  for (;;) {
    if (await exists(join(dir, 'index.html'))) {
      // Marks the bundle as in use, so another process's pruning leaves it alone.
      const now = new Date();
      await utimes(dir, now, now);
      return dir;
    }
    if (await takeLock(lock)) break;
    if (Date.now() > deadline) throw new BundleFailed(`Waited ${BUNDLE_WAIT_MS / 1000} s for another process bundling the composition (lock ${lock}); remove the lock if none is.`);
    await new Promise((done) => setTimeout(done, 200));
  }
  try {
    // Another process may have finished between our look and our lock.
    if (await exists(join(dir, 'index.html'))) return dir;
    // Build beside the final place and rename: a reader never sees half a bundle.
    const tmp = `${dir}.tmp-${process.pid}-${randomUUID().slice(0, 8)}`;
    const started = Date.now();
    // Loaded only when there is something to bundle: the bundler costs ~35 MB in every render process.
    const { bundle } = await import('@remotion/bundler');
    try {
      await bundle({ entryPoint: ENTRY_POINT, outDir: tmp, ...COMPOSITION_BUNDLER });
      await rename(tmp, dir);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    onBundled?.(Date.now() - started);
    await pruneStaleBundles(dir);
    return dir;
  } finally {
    await rm(lock, { force: true });
  }
}

/** Bundling failed, or another process's bundle never came. */
export class BundleFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleFailed';
  }
}

/** Takes the lock (true) or finds it held by a live process (false); a dead process's lock is removed. */
async function takeLock(lock: string): Promise<boolean> {
  try {
    const handle = await open(lock, 'wx');
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = Number(await readFile(lock, 'utf8').catch(() => ''));
  let alive = true;
  if (Number.isInteger(owner) && owner > 0) {
    try {
      process.kill(owner, 0);
    } catch (error) {
      alive = (error as NodeJS.ErrnoException).code !== 'ESRCH';
    }
  } else {
    // Empty: being written right now, or left by a process that died mid-write a while ago.
    alive = Date.now() - (await stat(lock).then((s) => s.mtimeMs, () => Date.now())) < 10_000;
  }
  if (!alive) await rm(lock, { force: true });
  return false;
}

/** Hash of the composition's sources, the bundler and the Remotion version: the bundle's folder name. */
export async function compositionSourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const require = createRequire(import.meta.url);
  hash.update(`bundler ${COMPOSITION_BUNDLER.rspack ? 'rspack' : 'webpack'}\n`);
  for (const pkg of ['remotion', '@remotion/bundler', '@remotion/media', '@remotion/fonts']) {
    hash.update(`${pkg}@${(require(`${pkg}/package.json`) as { version: string }).version}\n`);
  }
  for (const dir of SOURCE_DIRS) {
    for (const file of await listFiles(dir)) {
      hash.update(`${relative(dir, file)}\n`);
      hash.update(await readFile(file));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Bundles of older sources (about 30 MB each) are removed once a day old; a younger one may
 * still be serving a render in another process.
 */
async function pruneStaleBundles(current: string): Promise<void> {
  const parent = dirname(current);
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const name of await readdir(parent)) {
    const path = join(parent, name);
    if (path === current) continue;
    const info = await stat(path).catch(() => undefined);
    if (info && info.mtimeMs < dayAgo) await rm(path, { recursive: true, force: true });
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
