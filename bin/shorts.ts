import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import cliProgress from 'cli-progress';
import { STEPS, STEP_LABELS, type Job, type StepName } from '../lambdas/core/job.js';
import { ASPECTS, CAPTION_POSITIONS, CAPTION_STYLES, type CaptionSize, MUSIC_MOODS, MAX_DURATION_HINT_SECONDS, MIN_DURATION_HINT_SECONDS, VideoRequestSchema, type VideoRequest } from '../lambdas/core/model.js';
import type { EditChange } from '../lib/local/review-run.js';
import { explainIssues } from '../lambdas/core/pipeline/script-steps.js';

/** Exit code for a usage error: bad prompt, bad flag, unwritable output. */
const USAGE = 2;

class UsageError extends Error {}

/** --caption-size's letters (the full words work too). */
const CAPTION_SIZE_FLAGS: Record<string, CaptionSize> = { s: 'small', m: 'medium', l: 'large', small: 'small', medium: 'medium', large: 'large' };

function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a whole number of seconds.');
  return n;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0–65535).');
  return n;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more.');
  return n;
}

function parseUserId(value: string): string {
  if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(value)) throw new InvalidArgumentError('must be 1–64 letters, digits or _ . @ -.');
  return value;
}

function parseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be a URL such as http://127.0.0.1:3000.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('must be an http:// or https:// URL.');
  return url.origin;
}

/** Checks the output path before any work starts, so a bad path costs nothing. */
async function checkOutputPath(out: string): Promise<string> {
  const path = resolve(out);
  if (!path.toLowerCase().endsWith('.mp4')) throw new UsageError(`--out must name an .mp4 file, got "${out}".`);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`--out "${out}" is a directory; name a file such as ${out.replace(/\/$/, '')}/short.mp4.`);
  const dir = dirname(path);
  const dirStat = await stat(dir).catch((error: NodeJS.ErrnoException) => error);
  if (dirStat instanceof Error && dirStat.code === 'EACCES') throw new UsageError(`Cannot write "${out}": permission denied.`);
  if (dirStat instanceof Error || !dirStat.isDirectory()) throw new UsageError(`Cannot write "${out}": the folder ${dir} does not exist.`);
  try {
    await access(dir, constants.W_OK);
    if (existing) await access(path, constants.W_OK);
  } catch {
    throw new UsageError(`Cannot write "${out}": permission denied.`);
  }
  return path;
}

/** Checks the access report's path before any work starts. */
async function checkReportPath(file: string): Promise<string> {
  const path = resolve(file);
  if (!path.toLowerCase().endsWith('.json')) throw new UsageError(`--access-report must name a .json file, got "${file}".`);
  const dir = dirname(path);
  const dirStat = await stat(dir).catch(() => undefined);
  if (!dirStat?.isDirectory()) throw new UsageError(`Cannot write "${file}": the folder ${dir} does not exist.`);
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new UsageError(`Cannot write "${file}": permission denied.`);
  }
  return path;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`;
}

function stepPercent(job: Job, step: StepName): number {
  const state = job.steps[step];
  if (state.status === 'succeeded') return 100;
  if (state.status === 'running' && state.total) return Math.floor(((state.done ?? 0) / state.total) * 100);
  return 0;
}

function stepNote(job: Job, step: StepName): string {
  const state = job.steps[step];
  switch (state.status) {
    case 'succeeded':
      return `done ${seconds(state.durationMs)}`;
    case 'running':
      return (state.attempts ?? 1) > 1 && step !== 'render' ? `running (attempt ${state.attempts})` : 'running…';
    case 'failed':
      return 'failed';
    default:
      return '';
  }
}

/** One bar per step on a terminal; a line per finished step otherwise (CI logs, pipes). */
function progressView() {
  if (!process.stderr.isTTY) {
    const reported = new Set<string>();
    return {
      update(job: Job) {
        for (const step of STEPS) {
          const state = job.steps[step];
          const key = `${step}:${state.status}`;
          if ((state.status === 'succeeded' || state.status === 'failed') && !reported.has(key)) {
            reported.add(key);
            process.stderr.write(`${state.status === 'succeeded' ? '✓' : '✗'} ${STEP_LABELS[step]} ${stepNote(job, step)}\n`);
          }
        }
      },
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar(
    { format: ' {label} |{bar}| {percentage}% {note}', barsize: 28, hideCursor: true, clearOnComplete: false, autopadding: true },
    cliProgress.Presets.shades_grey,
  );
  const width = Math.max(...STEPS.map((s) => STEP_LABELS[s].length));
  const bars = new Map(STEPS.map((s) => [s, multi.create(100, 0, { label: STEP_LABELS[s].padEnd(width), note: '' })]));
  return {
    update(job: Job) {
      for (const step of STEPS) bars.get(step)!.update(stepPercent(job, step), { note: stepNote(job, step) });
    },
    stop() {
      multi.stop();
    },
  };
}

/** The logged detail behind an "internal error … (reference R)": what a developer needs, kept out of the job. */
function internalErrorDetail(runtime: { logs: { find(text: string): { functionName: string; line: string }[] }; dataDir: string }, message: string): string | undefined {
  const reference = /\(reference ([0-9a-f]+)\)/.exec(message)?.[1];
  if (!reference) return undefined;
  for (const { functionName, line } of runtime.logs.find(reference)) {
    try {
      const entry = JSON.parse(line) as { reference?: string; error?: { name?: string; message?: string } };
      if (entry.reference === reference && entry.error?.message) {
        return `${entry.error.name ?? 'Error'}: ${entry.error.message}\n  (logged by ${functionName}: ${resolve(runtime.dataDir, 'logs', `${functionName}.log`)})`;
      }
    } catch {
      // not a JSON log line
    }
  }
  return undefined;
}

async function generate(
  promptWords: string[],
  opts: {
    out?: string;
    review?: boolean;
    seconds?: number;
    aspect?: string;
    voice?: string;
    captionStyle?: string;
    captionPosition?: string;
    captionSize?: string;
    brand?: string;
    music?: string;
    dataDir?: string;
    accessReport?: string;
    language?: string;
    voiceSpeed?: number;
  },
) {
  // --music: none, a mood, or a file (.mp3/.wav) uploaded and checked once the local cloud runs.
  const musicFile = opts.music !== undefined && !VideoRequestSchema.shape.music.safeParse(opts.music).success ? resolve(opts.music) : undefined;
  if (musicFile !== undefined) {
    const found = await stat(musicFile).catch(() => undefined);
    if (!found?.isFile()) throw new UsageError(`--music "${opts.music}" is neither none, a mood (${MUSIC_MOODS.join(', ')}) nor a file.`);
  }
  const parsed = VideoRequestSchema.safeParse({
    ...(opts.music !== undefined && musicFile === undefined ? { music: opts.music } : {}),
    prompt: promptWords.join(' '),
    seconds: opts.seconds,
    aspect: opts.aspect,
    voice: opts.voice,
    language: opts.language,
    voiceSpeed: opts.voiceSpeed,
    captionStyle: opts.captionStyle,
    ...(opts.captionPosition ? { captionPosition: opts.captionPosition } : {}),
    ...(opts.captionSize ? { captionSize: CAPTION_SIZE_FLAGS[opts.captionSize] } : {}),
    ...(opts.brand !== undefined ? { brand: true } : {}),
    ...(opts.review ? { review: true } : {}),
  });
  if (!parsed.success) throw new UsageError(`Invalid request: ${explainIssues(parsed.error)}.`);
  let request: VideoRequest = parsed.data;
  if (!opts.review && opts.out === undefined) throw new UsageError("required option '-o, --out <file.mp4>' not specified (or --review to stop before the render).");
  if (opts.review && opts.out !== undefined) throw new UsageError('--review stops before the render; give the file to `shorts render <id> --out file.mp4` instead of --out.');
  const outputPath = opts.out === undefined ? undefined : await checkOutputPath(opts.out);
  // The kit file is read and checked before anything starts: a bad one is a usage error naming --brand.
  const { readBrandKitFile, applyBrandKitFile, BadBrandKitFile } = await import('../lib/local/brand-kit-file.js');
  const brandKit = opts.brand === undefined ? undefined : await readBrandKitFile(resolve(opts.brand)).catch((error: Error) => {
    throw error instanceof BadBrandKitFile ? new UsageError(`--brand ${opts.brand}: ${error.message}`) : error;
  });
  const reportPath = opts.accessReport ? await checkReportPath(opts.accessReport) : undefined;
  const { checkProviderSettings, voiceCatalogFor } = await import('../lambdas/shared/dependencies.js');
  // A chosen provider without its key fails here, naming the variable — never a silent fallback.
  await checkProviderSettings(process.env).catch((error: Error) => {
    throw error.name === 'MissingConfiguration' ? new UsageError(error.message) : error;
  });
  // A voice the provider does not have is refused here, as the API refuses it: before anything is made.
  const { checkVoice, checkVoiceSpeed } = await import('../lambdas/core/voices.js');
  const catalog = await voiceCatalogFor(process.env);
  try {
    const voice = checkVoice(request.voice, catalog, request.language);
    if (voice) request = { ...request, voice };
  } catch (error) {
    throw error instanceof Error && error.name === 'InvalidInput' ? new UsageError(`--voice "${request.voice}"${error.message.replace(/^voice/, '')}`) : error;
  }
  try {
    checkVoiceSpeed(request.voiceSpeed, catalog);
  } catch (error) {
    throw error instanceof Error && error.name === 'InvalidInput' ? new UsageError(`--voice-speed${error.message.replace(/^voiceSpeed/, '')}`) : error;
  }

  // This process drives the render (frames stream through it as large short-lived buffers and
  // strings); by default V8 lets its heap grow to ~170 MB with them. Optimizing for size keeps
  // it near the ~90 MB that is live (~110 MB less PSS at the peak) for ~4 s more CPU per video.
  // V8 reads this flag as it goes, so setting it here, after start-up, takes effect.
  setFlagsFromString('--optimize-for-size');

  const started = Date.now();
  const firstRun: string[] = [];
  // The composition's bundle (once per change of frontend/remotion) is made from the start, beside
  // the stack's synthesis, the emulators' start and the steps before the render, instead of
  // after them; the render step waits for it (or finds it made).
  const { startLocalRuntime, localDataDir } = await import('../lib/local/runtime.js');
  const { startPrebundle } = await import('../lib/local/prebundle.js');
  // Paths are absolute from here, whatever changes the working directory later.
  const dataDir = localDataDir(opts.dataDir, process.env);
  const prebundle = startPrebundle({ settings: process.env, onBundled: (ms) => firstRun.push(`composition bundled in ${seconds(ms)}`) });
  process.stderr.write(`Starting the local cloud (DynamoDB Local, S3) …\n`);
  const { generateVideo } = await import('../lib/local/generate.js');
  const runtime = await startLocalRuntime({
    dataDir,
    quiet: true,
    onSynthesize: () => process.stderr.write('Reading the stack: synthesizing its template once (about 15 s) …\n'),
    onSynthesized: (ms) => {
      process.stderr.write(`Stack synthesized in ${seconds(ms)}.\n`);
      firstRun.push(`stack synthesized in ${seconds(ms)}`);
    },
  }).catch(async (error: unknown) => {
    await prebundle.settled;
    throw error;
  });
  process.stderr.write(`Local cloud started in ${seconds(Date.now() - started)}.\n`);
  const view = progressView();
  let reported = false;
  const stop = async () => {
    view.stop();
    if (reportPath && !reported) {
      reported = true;
      const { writeAccessReport } = await import('../lib/local/dev-server.js');
      await writeAccessReport(reportPath, runtime);
      const report = runtime.accessReport();
      const denied = report.functions.reduce((sum, fn) => sum + fn.denied, 0);
      process.stderr.write(`Access report: ${reportPath} (${report.functions.length} functions, ${denied} denied call${denied === 1 ? '' : 's'})\n`);
    }
    await runtime.stop();
  };
  process.once('SIGINT', () => {
    void stop().finally(() => process.exit(130));
  });
  try {
    if (brandKit) {
      // Stored as the local user's kit through the routes' core, then copied onto the job as an order does.
      const { LOCAL_CLI_USER } = await import('../lib/local/api-session.js');
      const snapshot = await applyBrandKitFile(brandKit, LOCAL_CLI_USER, { brands: runtime.brands, blobs: runtime.blobs, now: new Date() }).catch((error: Error) => {
        throw error instanceof BadBrandKitFile ? new UsageError(`--brand ${opts.brand}: ${error.message}`) : error;
      });
      request = { ...request, brand: true, brandKit: snapshot };
    }
    if (musicFile !== undefined) {
      const { uploadLocalTrack, MusicFileError } = await import('../lib/local/music-upload.js');
      try {
        request = { ...request, music: await uploadLocalTrack(runtime, musicFile) };
      } catch (error) {
        throw error instanceof MusicFileError ? new UsageError(error.message) : error;
      }
    }
    if (outputPath === undefined) {
      const { job } = await generateVideo(runtime, { request: { ...request, review: true }, onProgress: (job) => view.update(job) });
      view.stop();
      const { storyboardLines } = await import('../lib/local/review-run.js');
      const script = job.script;
      if (!script) throw new Error(`Video ${job.jobId} stopped for review without a storyboard.`);
      const board = storyboardLines({
        id: job.jobId,
        title: script.title,
        hook: script.hook,
        scenes: script.scenes.map((s) => ({ ...s, picture: s.imageKey ? ('uploaded' as const) : ('generated' as const) })),
      });
      process.stdout.write(`\n${board.join('\n')}\n`);
      return;
    }
    const result = await generateVideo(runtime, { request, outputPath, onProgress: (job) => view.update(job) });
    view.stop();
    const { job } = result;
    const lines = [
      '',
      result.outputPath,
      `  title     ${job.title ?? ''}`,
      `  scenes    ${job.sceneCount ?? '?'}`,
      `  duration  ${seconds(job.durationMs)} at ${request.aspect} (${request.seconds} s asked)`,
      `  size      ${(result.bytes / 1e6).toFixed(1)} MB`,
      ...(job.renderFps ? [`  render    ${job.renderFps.toFixed(1)} frames/s`] : []),
      '  time per step:',
      ...STEPS.map((s) => `    ${STEP_LABELS[s].padEnd(16)}${seconds(job.steps[s].durationMs)}`),
      `  total     ${seconds(Date.now() - started)} wall time`,
      ...(firstRun.length > 0 ? [`  once      ${firstRun.join(', ')} (alongside the steps)`] : []),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    const detail = error instanceof Error ? internalErrorDetail(runtime, error.message) : undefined;
    if (detail) throw new Error(`${(error as Error).message}\n  detail: ${detail}`);
    throw error;
  } finally {
    await stop();
    // Never leave a half-made bundle's lock behind (a failed job may end before the bundle does).
    await prebundle.settled;
  }
}

/** `shorts batch`: a file's videos through the HTTP API, locally (an in-process `shorts dev`) or against `--api`. */
async function batch(
  file: string,
  opts: {
    outDir: string;
    api?: string;
    token?: string;
    seconds?: number;
    aspect?: string;
    voice?: string;
    captionStyle?: string;
    language?: string;
    voiceSpeed?: number;
    music?: string;
    captionPosition?: string;
    captionSize?: string;
    dataDir?: string;
  },
) {
  const { readFile, mkdir } = await import('node:fs/promises');
  const { parseBatchFile, BatchFileError } = await import('../lambdas/core/batch-file.js');
  const { runBatch, summaryTable } = await import('../lib/local/batch-run.js');
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`Cannot read "${file}": ${error.code === 'ENOENT' ? 'no such file' : error.message}.`);
  });
  const defaults = Object.fromEntries(
    Object.entries({
      seconds: opts.seconds,
      aspect: opts.aspect,
      voice: opts.voice,
      captionStyle: opts.captionStyle,
      language: opts.language,
      voiceSpeed: opts.voiceSpeed,
      music: opts.music,
      captionPosition: opts.captionPosition,
      captionSize: opts.captionSize === undefined ? undefined : CAPTION_SIZE_FLAGS[opts.captionSize],
    }).filter(([, v]) => v !== undefined),
  );
  // A bad flag is named as the flag, before the file is read (not as "Line 1: …").
  for (const [field, flag] of [['seconds', '--seconds'], ['language', '--language'], ['voiceSpeed', '--voice-speed']] as const) {
    if (defaults[field] === undefined) continue;
    const checked = VideoRequestSchema.shape[field].safeParse(defaults[field]);
    if (!checked.success) throw new UsageError(`${flag}: ${checked.error.issues[0]?.message ?? 'not a valid value'}.`);
  }
  let lines;
  try {
    lines = parseBatchFile(text, { csv: file.toLowerCase().endsWith('.csv'), defaults });
  } catch (error) {
    throw error instanceof BatchFileError ? new UsageError(`${file}: ${error.message}`) : error;
  }
  const outDir = resolve(opts.outDir);
  await mkdir(outDir, { recursive: true }).catch((error: Error) => {
    throw new UsageError(`Cannot create --out-dir "${opts.outDir}": ${error.message}`);
  });
  await access(outDir, constants.W_OK).catch(() => {
    throw new UsageError(`Cannot write in --out-dir "${opts.outDir}": permission denied.`);
  });
  const report = (line: string) => process.stderr.write(`${line}\n`);

  const { openApiSession, MissingToken } = await import('../lib/local/api-session.js');
  const session = await openApiSession({ ...opts, report }).catch((error: Error) => {
    throw error instanceof MissingToken ? new UsageError(error.message) : error;
  });
  process.once('SIGINT', () => void session.stop().finally(() => process.exit(130)));
  try {
    const outcomes = await runBatch({
      api: { url: session.url, token: session.token },
      lines,
      outDir,
      report,
      ...(session.buyCredits ? { buyCredits: session.buyCredits } : {}),
    });
    process.stdout.write(`\n${summaryTable(outcomes)}\n`);
    return outcomes.every((o) => o.status === 'succeeded');
  } finally {
    await session.stop();
  }
}

function parseVideoId(value: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) throw new InvalidArgumentError('must be a video id (a UUID, as shorts generate --review prints it).');
  return value.toLowerCase();
}

function parseSceneNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10) throw new InvalidArgumentError('must be a scene number from 1 to 10.');
  return n;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < MIN_DURATION_HINT_SECONDS || n > MAX_DURATION_HINT_SECONDS) {
    throw new InvalidArgumentError(`must be from ${MIN_DURATION_HINT_SECONDS} to ${MAX_DURATION_HINT_SECONDS} seconds.`);
  }
  return n;
}

interface ReviewOptions {
  api?: string;
  token?: string;
  dataDir?: string;
}

/**
 * Runs one review command through the API (lib/local/review-run.ts) and prints the storyboard it
 * leaves; the API's refusals (a 4xx naming the field, a 409 while the preview is being made) are
 * usage errors with the API's own words.
 */
async function review(opts: ReviewOptions, act: (run: import('../lib/local/review-run.js').ReviewRun) => Promise<import('../lib/local/review-run.js').StoryboardDetail | undefined>) {
  const { openApiSession, MissingToken } = await import('../lib/local/api-session.js');
  const { ReviewRun, listingOf, storyboardLines } = await import('../lib/local/review-run.js');
  const { ApiError } = await import('../lambdas/api/client/shorts-client.js');
  const report = (line: string) => process.stderr.write(`${line}\n`);
  const session = await openApiSession({ ...opts, report }).catch((error: Error) => {
    throw error instanceof MissingToken ? new UsageError(error.message) : error;
  });
  process.once('SIGINT', () => void session.stop().finally(() => process.exit(130)));
  try {
    const detail = await act(new ReviewRun(session, report));
    if (detail) process.stdout.write(`\n${storyboardLines(listingOf(detail)).join('\n')}\n`);
  } catch (error) {
    if (error instanceof ApiError && error.status >= 400 && error.status < 500) throw new UsageError(error.message);
    throw error;
  } finally {
    await session.stop();
  }
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('shorts')
    .description('ai-shorts: turn a prompt into a narrated, captioned short video.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program
    .command('generate')
    .description('Make a video from a prompt on this machine, offline.')
    .argument('<prompt...>', 'what the video is about')
    .option('-o, --out <file.mp4>', 'where to write the MP4')
    .option('--review', 'stop before the render: print the storyboard to edit (shorts edit, regenerate), then shorts render')
    .option('-s, --seconds <n>', 'target length in seconds (10–90)', parseInteger)
    .addOption(new Option('-a, --aspect <ratio>', 'frame shape').choices([...ASPECTS]))
    .option('--voice <name>', 'voice name (offline: en-us, en-gb, …)')
    .option('--language <tag>', 'language of the narration, captions and title (BCP 47: en, es, pt-BR, ar, hi, ja, zh, …)')
    .option('--voice-speed <x>', 'how fast the voice speaks, 0.8–1.3 (1: its own pace)', parseFloat)
    .addOption(new Option('--caption-style <style>', 'caption look').choices([...CAPTION_STYLES]))
    .addOption(new Option('--caption-position <where>', "where the captions sit (default: the look's own)").choices([...CAPTION_POSITIONS]))
    .addOption(new Option('--caption-size <size>', 'caption size: s, m or l').choices(Object.keys(CAPTION_SIZE_FLAGS)))
    .option('--brand <kit.json>', 'apply a brand kit: {logo: "logo.png", logoPosition, logoOpacity, primaryColor, textColor, font}')
    .option('--music <none|mood|file>', `music under the voice: none (default), a mood (${MUSIC_MOODS.join(', ')}) or an .mp3/.wav file of yours`)
    .option('--data-dir <dir>', 'where the local cloud keeps its data (default .shorts-data)')
    .option('--access-report <file.json>', 'write every AWS call each function made, allowed or denied, and the grants none used')
    .action(generate);
  program
    .command('dev')
    .description('Run the whole app on this machine: the API (and dashboard), the queue and the pipeline, on 127.0.0.1.')
    .option('-p, --port <n>', 'port to listen on (0: any free port)', parsePort, 3000)
    .option('--max-running <n>', 'pipelines at once (default MAX_RUNNING_PIPELINES, else 1; 0 keeps jobs queued)', parseCount)
    .option('--data-dir <dir>', 'where the local cloud keeps its data (default .shorts-data)')
    .option('--access-report <file.json>', 'on exit, write every AWS call each function made, allowed or denied, and the grants none used')
    .option('--dashboard-dir <dir>', 'serve the dashboard from here, built when missing or older than its sources (default frontend/dist)')
    .action(async (opts: { port: number; maxRunning?: number; dataDir?: string; accessReport?: string; dashboardDir?: string }) => {
      const { runDevCommand } = await import('../lib/local/dev-server.js');
      await runDevCommand({
        port: opts.port,
        ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
        ...(opts.dashboardDir ? { dashboardDir: resolve(opts.dashboardDir) } : {}),
        ...(opts.maxRunning !== undefined ? { maxRunning: opts.maxRunning } : {}),
        ...(opts.accessReport ? { accessReport: await checkReportPath(opts.accessReport) } : {}),
      });
    });
  let batchFailed = false;
  program
    .command('batch')
    .description(
      'Make many videos: one prompt per line of a text file, or a CSV with a prompt column (and seconds, aspect, voice, captionStyle, language, voiceSpeed, music, captionPosition, captionSize).',
    )
    .argument('<file>', 'prompts.txt (one per line) or prompts.csv')
    .requiredOption('-d, --out-dir <dir>', 'where to write the MP4s (created if missing)')
    .option('-s, --seconds <n>', 'target length of videos whose line does not say (10–90)', parseInteger)
    .addOption(new Option('-a, --aspect <ratio>', 'frame shape of videos whose line does not say').choices([...ASPECTS]))
    .option('--voice <name>', 'voice of videos whose line does not say')
    .addOption(new Option('--caption-style <style>', 'caption look of videos whose line does not say').choices([...CAPTION_STYLES]))
    .option('--language <tag>', 'language of videos whose line does not say (BCP 47: en, es, pt-BR, ar, hi, ja, zh, …)')
    .option('--voice-speed <x>', 'voice speed of videos whose line does not say, 0.8–1.3', parseFloat)
    .addOption(new Option('--music <mood>', 'music of videos whose line does not say (an uploaded track is not offered to batches)').choices(['none', ...MUSIC_MOODS]))
    .addOption(new Option('--caption-position <where>', 'caption position of videos whose line does not say').choices([...CAPTION_POSITIONS]))
    .addOption(new Option('--caption-size <size>', 'caption size of videos whose line does not say: s, m or l').choices(Object.keys(CAPTION_SIZE_FLAGS)))
    .option('--api <url>', 'order through this deployed API (e.g. https://<dashboard>), instead of the local cloud')
    .option('--token <token>', 'with --api: a session token (default SHORTS_TOKEN)')
    .option('--data-dir <dir>', 'local: where the local cloud keeps its data (default .shorts-data)')
    .action(async (file: string, opts: Parameters<typeof batch>[1]) => {
      batchFailed = !(await batch(file, opts));
    });
  const reviewOptions = (command: Command) =>
    command
      .option('--api <url>', 'a deployed API (e.g. https://<dashboard>) instead of the local cloud', parseUrl)
      .option('--token <token>', 'with --api: a session token or API key (default SHORTS_TOKEN)')
      .option('--data-dir <dir>', 'local: where the local cloud keeps its data (default .shorts-data)');
  reviewOptions(
    program
      .command('edit')
      .description('Change a video in review: a scene\'s narration, picture prompt or length, or the title or hook; the preview is made again.')
      .argument('<id>', 'the video id (shorts generate --review prints it)', parseVideoId)
      .option('--scene <n>', 'the scene to change (1 is the first)', parseSceneNumber)
      .option('--narration <text>', 'what is said over the scene')
      .option('--image-prompt <text>', 'what the scene\'s picture shows (a new picture is drawn)')
      .option('--duration-hint <seconds>', 'the scene lasts at least this long', parseSeconds)
      .option('--title <text>', 'the video\'s title')
      .option('--hook <text>', 'the first line spoken'),
  ).action((id: string, opts: ReviewOptions & Omit<EditChange, 'scene'> & { scene?: number }) => {
    // Checked before anything starts: a change that says nothing costs no server.
    const sceneChange = opts.narration !== undefined || opts.imagePrompt !== undefined || opts.durationHint !== undefined;
    if (sceneChange && opts.scene === undefined) throw new UsageError('--narration, --image-prompt and --duration-hint need --scene <n>.');
    if (!sceneChange && opts.title === undefined && opts.hook === undefined) {
      throw new UsageError('Say what to change: --scene <n> with --narration, --image-prompt or --duration-hint, or --title or --hook.');
    }
    return review(opts, (run) => run.edit(id, opts));
  });
  reviewOptions(
    program
      .command('regenerate')
      .description("Draw a new picture for one scene of a video in review (a new seed).")
      .argument('<id>', 'the video id', parseVideoId)
      .requiredOption('--scene <n>', 'the scene (1 is the first)', parseSceneNumber),
  ).action((id: string, opts: ReviewOptions & { scene: number }) => review(opts, (run) => run.regenerate(id, opts.scene)));
  reviewOptions(
    program
      .command('render')
      .description('Render a video in review and write the MP4.')
      .argument('<id>', 'the video id', parseVideoId)
      .requiredOption('-o, --out <file.mp4>', 'where to write the MP4'),
  ).action(async (id: string, opts: ReviewOptions & { out: string }) => {
    const file = await checkOutputPath(opts.out);
    await review(opts, async (run) => {
      const { detail, bytes } = await run.render(id, file);
      process.stdout.write(`\n${file}\n  title     ${detail.title ?? ''}\n  duration  ${seconds(detail.durationMs)}\n  size      ${(bytes / 1e6).toFixed(1)} MB\n`);
      return undefined;
    });
  });
  program
    .command('mcp')
    .description('The MCP server over stdio, for agents (Claude Desktop, Claude Code): its own local cloud, or a running server with --api.')
    .option('--user <id>', 'the user the tools act as, signed in locally (letters, digits, _ . @ -)', parseUserId, 'local-user')
    .option('--api <url>', 'use a running server (a shorts dev, or a deployment with --token) instead of starting a local cloud', parseUrl)
    .option('--token <token>', "a bearer token for --api (default SHORTS_TOKEN; a shorts dev signs --user in itself)")
    .option('--data-dir <dir>', 'where the local cloud keeps its data (default .shorts-data)')
    .action(async (opts: { user: string; api?: string; token?: string; dataDir?: string }) => {
      const { runMcpCommand } = await import('../lib/local/mcp-stdio.js');
      await runMcpCommand(opts);
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return batchFailed ? 1 : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; everything else commander rejects is a usage error.
      return error.exitCode === 0 ? 0 : USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return USAGE;
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exit(await main(process.argv.slice(2)));
