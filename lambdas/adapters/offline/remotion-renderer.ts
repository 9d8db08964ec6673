import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '@remotion/bundler';
import {
  openBrowser,
  renderMedia,
  selectComposition,
  type BrowserLog,
  type ChromiumOptions,
  type LogLevel,
} from '@remotion/renderer';
import { webpackOverride } from '../../../frontend/remotion/webpack-override.js';
import { describeError, InvalidInput, NotFound } from '../../core/errors.js';
import type { BlobStore, RenderProgress, VideoRenderer } from '../../core/ports.js';
import { COMPOSITION_ID, ShortVideoPropsSchema, type ShortVideoProps } from '../../core/video-props.js';

const ENTRY_POINT = fileURLToPath(new URL('../../../frontend/remotion/index.ts', import.meta.url));
/** Everything the bundle is built from; a change to any file here means a new bundle. */
const SOURCE_DIRS = [
  fileURLToPath(new URL('../../../frontend/remotion/', import.meta.url)),
  fileURLToPath(new URL('../../core/', import.meta.url)),
];
const DEFAULT_BROWSER = '/usr/bin/chromium';
// Measured fastest on two cores (FINDINGS: "Rendering with Remotion, offline"). Swangle GL is ~2x
// slower than none; PNG frames are slower than JPEG; bt709 keeps JPEG frames in limited range.
const CHROMIUM_OPTIONS: ChromiumOptions = { gl: null };
const JPEG_QUALITY = 80;
const X264_PRESET = 'veryfast';

export interface LocalRemotionRendererOptions {
  blobs: BlobStore;
  /** Holds the cached bundle, the Chromium wrapper and in-progress MP4s. */
  workDir: string;
  /** A Chromium/Chrome binary; Debian's by default. */
  browserExecutable?: string;
  /** Browser tabs rendering frames at once. 1 is fastest on two cores: the encoder needs the other. */
  concurrency?: number;
  onLog?: (message: string) => void;
}

interface RenderState extends RenderProgress {
  startedAt?: number;
}

// Module scope: one map and one bundle per process, whichever renderer instance asks.
const renders = new Map<string, RenderState>();
/** Bundle directory per workDir: bundled (or found on disk) once per process. */
const bundles = new Map<string, Promise<string>>();
/** Renders run one after another: two at once on two cores are slower than in turn. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Renders the composition on this machine with @remotion/renderer and Chromium, then stores the MP4.
 * The offline twin of Remotion Lambda: `start` returns at once, `progress` is polled.
 */
export class LocalRemotionRenderer implements VideoRenderer {
  readonly name = 'local-remotion';
  private readonly browserExecutable: string;
  private readonly concurrency: number;
  private readonly log: (message: string) => void;
  private readonly workDir: string;

  constructor(private readonly options: LocalRemotionRendererOptions) {
    // Absolute: bundle() changes the process's working directory while webpack runs.
    this.workDir = resolve(options.workDir);
    this.browserExecutable = options.browserExecutable ?? DEFAULT_BROWSER;
    this.concurrency = options.concurrency ?? 1;
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

  /** Bundles the composition, or reuses the bundle an earlier call or process left under workDir. */
  async bundle(): Promise<string> {
    let serveUrl = bundles.get(this.workDir);
    if (!serveUrl) {
      serveUrl = this.bundleOnce();
      bundles.set(this.workDir, serveUrl);
      serveUrl.catch(() => bundles.delete(this.workDir));
    }
    return serveUrl;
  }

  private async bundleOnce(): Promise<string> {
    const hash = await sourceHash();
    const dir = join(this.workDir, 'remotion-bundles', hash);
    if (await exists(join(dir, 'index.html'))) {
      // Marks the bundle as in use, so another process's pruning leaves it alone.
      const now = new Date();
      await utimes(dir, now, now);
      return dir;
    }
    // Build beside the final place and rename: another process may be bundling the same hash.
    const tmp = `${dir}.tmp-${process.pid}-${randomUUID().slice(0, 8)}`;
    const started = Date.now();
    await bundle({ entryPoint: ENTRY_POINT, outDir: tmp, webpackOverride, enableCaching: true });
    try {
      await rename(tmp, dir);
    } catch (error) {
      if (!(await exists(join(dir, 'index.html')))) throw error;
      await rm(tmp, { recursive: true, force: true });
    }
    this.log(`bundled the composition in ${Date.now() - started} ms`);
    await pruneStaleBundles(dir);
    return dir;
  }

  private async render(renderId: string, state: RenderState, props: ShortVideoProps, outputKey: string) {
    const serveUrl = await this.bundle();
    const browserExecutable = await this.offlineChromium();
    // At 'warn' Remotion repeats a note about cgroup memory limits on every render; the page's
    // own warnings and errors (a picture that failed to load, say) still reach onLog.
    const logLevel: LogLevel = 'error';
    const outputLocation = join(this.workDir, 'renders', `${renderId}.mp4`);
    const browser = await openBrowser('chrome', {
      browserExecutable,
      chromiumOptions: CHROMIUM_OPTIONS,
      // Debian's Chromium is a full browser, which only has the new headless mode.
      chromeMode: 'chrome-for-testing',
      logLevel,
    });
    try {
      const shared = {
        serveUrl,
        inputProps: props,
        puppeteerInstance: browser,
        browserExecutable,
        chromiumOptions: CHROMIUM_OPTIONS,
        chromeMode: 'chrome-for-testing' as const,
        logLevel,
        onBrowserLog: (log: BrowserLog) => {
          if (log.type === 'error' || log.type === 'warning') this.log(`[chromium ${log.type}] ${log.text}`);
        },
      };
      const composition = await selectComposition({ ...shared, id: COMPOSITION_ID });
      await mkdir(dirname(outputLocation), { recursive: true });
      state.startedAt = Date.now();
      await renderMedia({
        ...shared,
        composition,
        codec: 'h264',
        audioCodec: 'aac',
        outputLocation,
        concurrency: this.concurrency,
        imageFormat: 'jpeg',
        jpegQuality: JPEG_QUALITY,
        x264Preset: X264_PRESET,
        colorSpace: 'bt709',
        onProgress: ({ progress, renderedFrames }) => {
          // Keep the last few percent for the upload, so 1 only ever means "stored".
          state.progress = Math.min(progress, 1) * 0.98;
          const seconds = (Date.now() - (state.startedAt ?? Date.now())) / 1000;
          if (seconds > 0 && renderedFrames > 0) state.framesPerSecond = renderedFrames / seconds;
        },
      });
      await this.options.blobs.put(outputKey, await readFile(outputLocation), 'video/mp4');
      state.outputKey = outputKey;
      state.progress = 1;
      state.done = true;
      this.log(`render ${renderId}: ${composition.durationInFrames} frames at ${state.framesPerSecond?.toFixed(1)} fps`);
    } finally {
      await browser.close({ silent: true });
      await rm(outputLocation, { force: true });
    }
  }

  /**
   * Chromium looks up Google hosts at start even when told not to; resolving every name but
   * localhost to "not found" keeps renders offline. Remotion's chromiumOptions take no extra
   * switches, so a wrapper script adds it.
   */
  private async offlineChromium(): Promise<string> {
    const path = join(this.workDir, 'chromium-offline.sh');
    const script = [
      '#!/bin/sh',
      `exec ${shellQuote(this.browserExecutable)} '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1' "$@"`,
      '',
    ].join('\n');
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

/** Hash of the composition's sources and the Remotion version: the bundle cache key. */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const require = createRequire(import.meta.url);
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
