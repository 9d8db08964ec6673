/**
 * `npm run bench`: how fast and how big ai-shorts is on this machine, in one run.
 *
 *   render         the fixed 30 s 1080×1920 scene set through LocalRemotionRenderer (layered, the
 *                  default, and full: every frame in Chromium), and the same scenes through
 *                  ffmpeg alone; wall time, fps, CPU time, the ratio
 *   e2e            `generate` for a 30 s short with the offline providers, per step, interleaved
 *                  with the ffmpeg-only yardstick: the ratio, and video seconds per wall second
 *   orchestration  the real ASL runner and job store with no-op steps: ms per job
 *   memory         peak PSS of `shorts generate` and everything it starts
 *   api            create + status under a fixed request rate (needs `shorts dev`)
 *   cloud          a model of a 60 s short on AWS as the stack deploys it: seconds and dollars (test/bench/cloud-model.ts)
 *   first-run      the README's first command in a fresh clone of HEAD, then again in the same clone:
 *                  what installing and the first run's one-off work add (test/bench/first-run.ts)
 *
 * Options: --only render,e2e,…  --runs N (renders, default 2)  --jobs N (default 30)
 *          --rate R (default 200/s)  --api-seconds S (default 10)  --empty-npm-cache (first-run: npm gets an empty cache)
 *          --baseline (also render with the composition and renderer before the optimisations)
 *          --methods layered,full (render methods to compare; default both)
 *          --chunks N[,M…] (pieces the full method renders in parallel, one variant per value;
 *          default: the renderer's own choice)
 * The machine is shared: figures are medians, and the load average is printed beside them.
 * Benchmarks print figures; no test asserts on them.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { STEP_LABELS, STEPS } from '../../lambdas/core/job.js';
import { measureApi, type ApiMeasurement } from './api.js';
import { inChild } from './child.js';
import type { EndToEndTiming } from './end-to-end.js';
import { BENCH_FRAMES, loadFixture, serveFixture } from './fixture.js';
import { measureGenerateMemory, type MemoryMeasurement } from './memory.js';
import type { OrchestrationTiming } from './orchestration.js';
import { loadAverage, sampleCpu, samplePss } from './process-tree.js';
import { BASELINE_COMMIT, loadBaselineRenderer } from './baseline.js';
import { RENDER_METHODS, type RenderMethod } from '../../lambdas/core/render-method.js';
import { renderWithFfmpeg } from './render-ffmpeg.js';
import { cloudModel, describeCloudModel } from './cloud-model.js';
import { describeFirstRun, measureFirstRun } from './first-run.js';
import { currentRenderer, remotionWorkDir, renderWithRemotion, warmBundle, type RendererFactory } from './render-remotion.js';

const SECTIONS = ['render', 'e2e', 'orchestration', 'memory', 'api', 'cloud', 'first-run'] as const;
type Section = (typeof SECTIONS)[number];

const TARGETS = {
  renderRatio: 1.5,
  /** `generate` of a 30 s short ÷ the ffmpeg-only yardstick in the same run. */
  endToEndRatio: 2,
  orchestrationMs: 300,
  peakPssMb: 1024,
  /** The README's first command in a fresh clone, minus the same command run again. */
  firstRunOverheadSeconds: 90,
  apiP99Ms: 50,
};

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const only = new Set((option('only')?.split(',') ?? SECTIONS) as Section[]);
const runs = Number(option('runs') ?? 2);
const orchestrationJobs = Number(option('jobs') ?? 30);
const apiRate = Number(option('rate') ?? 200);
const apiSeconds = Number(option('api-seconds') ?? 10);
/**
 * How often a render's PSS is read. Reading Chromium's smaps_rollup makes the kernel walk its
 * whole address space, charged to this process: every 200 ms it cost ~15 CPU-s a render.
 */
const pssIntervalMs = Number(option('pss-interval') ?? 1000);
const ROOT = join(process.cwd(), 'test-artifacts', 'bench');

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const log = (line: string) => process.stdout.write(`${line}\n`);
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

async function machine(): Promise<string> {
  const version = (cmd: string, args: string[], re: RegExp) => {
    try {
      return re.exec(execFileSync(cmd, args, { encoding: 'utf8' }))?.[1] ?? '?';
    } catch {
      return '?';
    }
  };
  const remotion = JSON.parse(await readFile(join(process.cwd(), 'node_modules/remotion/package.json'), 'utf8')) as { version: string };
  return [
    `${cpus()[0]?.model.trim() ?? 'cpu'} × ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `Node ${process.version}, Remotion ${remotion.version}, Chromium ${version('/usr/lib/chromium/chromium', ['--version'], /Chromium ([\d.]+)/)}, ffmpeg ${version('/usr/bin/ffmpeg', ['-version'], /ffmpeg version (\S+)/)}`,
  ].join('\n  ');
}

interface Measured<T> {
  value: T;
  /** 1-minute load average before and after. */
  load: [number, number];
}

async function withLoad<T>(work: () => Promise<T>): Promise<Measured<T>> {
  const before = await loadAverage();
  const value = await work();
  return { value, load: [before, await loadAverage()] };
}

const loadNote = ({ load }: { load: [number, number] }) => `load ${load[0].toFixed(1)}→${load[1].toFixed(1)}`;

interface RenderRun {
  wallMs: number;
  cpuSeconds: number;
  peakPssMb: number;
  load: [number, number];
}

interface RenderVariant {
  name: string;
  runs: RenderRun[];
  render: () => Promise<void>;
}

/** Wall time, CPU time of the process tree and its peak PSS while `work` runs. */
async function measureRun(name: string, index: number, work: () => Promise<void>): Promise<RenderRun> {
  const m = await withLoad(async () => {
    const cpu = sampleCpu(process.pid);
    // Children only (Chromium, encoders): this process also holds the bench's own state.
    const pss = samplePss(process.pid, pssIntervalMs, { includeRoot: false });
    const started = performance.now();
    await work();
    const wallMs = performance.now() - started;
    const { peak } = await pss.stop();
    const parts = Object.entries(peak.byKind)
      .filter(([, kb]) => kb >= 1024)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, kb]) => `${kind} ${(kb / 1024).toFixed(0)}`)
      .join(', ');
    const cpuSeconds = await cpu.stop();
    const cpuParts = Object.entries(cpu.byKind())
      .filter(([, seconds]) => seconds >= 0.5)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, seconds]) => `${kind} ${seconds.toFixed(1)}`)
      .join(', ');
    return { wallMs, cpuSeconds, peakPssMb: peak.totalKb / 1024, parts, cpuParts };
  });
  const { parts, cpuParts, ...value } = m.value;
  const r = { ...value, load: m.load };
  log(`  ${name} run ${index + 1}: ${s(r.wallMs)}, ${(BENCH_FRAMES / (r.wallMs / 1000)).toFixed(1)} fps, CPU ${r.cpuSeconds.toFixed(1)} s [${cpuParts}], peak PSS of child processes ${r.peakPssMb.toFixed(0)} MB [${parts}] (${loadNote(m)})`);
  return r;
}

/** The ffmpeg-only yardstick: the fixture's scenes drawn by ffmpeg alone into `output` under ROOT. */
async function yardstick(fixture: Awaited<ReturnType<typeof loadFixture>>, output: string): Promise<void> {
  await renderWithFfmpeg(fixture.props, {
    images: fixture.images.map((name) => join(fixture.dir, name)),
    audio: join(fixture.dir, fixture.audio),
    workDir: ROOT,
    output: join(ROOT, output),
  });
}

async function renderSection(): Promise<RenderVariant[]> {
  const fixture = await loadFixture(ROOT);
  const workDir = remotionWorkDir(ROOT);
  // --chunks 1,2 renders the full method once per setting, side by side.
  const chunkSettings = option('chunks')?.split(',').map(Number) ?? [undefined];
  const methods = (option('methods')?.split(',') ?? RENDER_METHODS) as RenderMethod[];
  const current = currentRenderer();
  const bundleMs = await warmBundle(workDir, current);
  log(`render: fixed scene set ${fixture.dir} (${fixture.props.scenes.length} scenes, ${BENCH_FRAMES} frames); bundle ${bundleMs < 500 ? 'cached' : s(bundleMs)}`);
  const served = await serveFixture(fixture);
  const variants: RenderVariant[] = [];
  if (process.argv.includes('--baseline')) {
    const Baseline = await loadBaselineRenderer(ROOT);
    const make: RendererFactory = (options) => new Baseline(options);
    await warmBundle(workDir, make);
    variants.push({
      name: `composition @ ${BASELINE_COMMIT} (before)`,
      runs: [],
      render: async () => void (await renderWithRemotion(served.props, workDir, join(ROOT, 'remotion-baseline.mp4'), make)),
    });
  }
  // The default (layered) and every frame in Chromium (full, as Remotion Lambda draws), side by side.
  for (const method of methods) {
    for (const chunks of method === 'full' ? chunkSettings : [undefined]) {
      const make = currentRenderer({ method, ...(chunks === undefined ? {} : { parallelChunks: chunks }) });
      variants.push({
        name: `composition, ${method === 'layered' ? 'layered (default)' : 'full (every frame in Chromium)'}${chunks === undefined ? '' : ` in ${chunks} piece${chunks === 1 ? '' : 's'}`}`,
        runs: [],
        render: async () => void (await renderWithRemotion(served.props, workDir, join(ROOT, `remotion-${method}.mp4`), make)),
      });
    }
  }
  variants.push(
    {
      name: 'ffmpeg only',
      runs: [],
      render: () => yardstick(fixture, 'ffmpeg.mp4'),
    },
  );
  try {
    // Interleaved, so a burst of load on the shared machine hits every variant about equally.
    for (let i = 0; i < runs; i++) {
      for (const variant of variants) variant.runs.push(await measureRun(variant.name, i, variant.render));
    }
  } finally {
    await served.close();
  }
  return variants;
}

async function main() {
  await mkdir(ROOT, { recursive: true });
  log(`ai-shorts bench, ${new Date().toISOString()}`);
  log(`  ${await machine()}`);
  log(`  load average at start: ${(await loadAverage()).toFixed(2)} (2 cores; above ~2 other work competes)`);
  const rows: string[][] = [];

  if (only.has('render')) {
    const variants = await renderSection();
    const ffmpeg = variants.at(-1)!;
    const fWall = median(ffmpeg.runs.map((r) => r.wallMs));
    const fCpu = median(ffmpeg.runs.map((r) => r.cpuSeconds));
    for (const v of variants) {
      const wall = median(v.runs.map((r) => r.wallMs));
      const cpu = median(v.runs.map((r) => r.cpuSeconds));
      const loads = v.runs.flatMap((r) => r.load);
      rows.push([
        `render, ${v.name}`,
        `${s(wall)} · ${(BENCH_FRAMES / (wall / 1000)).toFixed(1)} fps · CPU ${cpu.toFixed(0)} s · children ${median(v.runs.map((r) => r.peakPssMb)).toFixed(0)} MB`,
        v === ffmpeg ? '' : `≤ ${TARGETS.renderRatio}× ffmpeg`,
        v === ffmpeg
          ? `median of ${runs}; load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`
          : `${(wall / fWall).toFixed(2)}× wall, ${(cpu / fCpu).toFixed(2)}× CPU: ${verdict(wall / fWall <= TARGETS.renderRatio)}; load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
      ]);
    }
  }

  if (only.has('e2e')) {
    // The yardstick again, interleaved with the generations, so the ratio compares figures
    // measured in the same minutes (the render section's own runs may be long past).
    const fixture = await loadFixture(ROOT);
    const yardstickRun = () =>
      measureRun('ffmpeg only (yardstick for end to end)', 0, () => yardstick(fixture, 'ffmpeg-e2e.mp4'));
    const e2eRuns: Measured<EndToEndTiming>[] = [];
    const yardstickMs: number[] = [];
    for (let i = 0; i < Math.max(1, Math.min(runs, 2)); i++) {
      yardstickMs.push((await yardstickRun()).wallMs);
      const run = await withLoad(() => inChild<EndToEndTiming>('e2e', [ROOT, join(ROOT, 'e2e.mp4')]));
      e2eRuns.push(run);
      const steps = STEPS.map((step) => `${step} ${((run.value.steps[step] ?? 0) / 1000).toFixed(1)}`).join(', ');
      log(`e2e run ${i + 1}: job ${s(run.value.jobMs)} (+ local cloud start ${s(run.value.cloudStartMs)}), ${run.value.videoSeconds.toFixed(1)} s of video; ${steps} (${loadNote(run)})`);
    }
    // The per-step rows are the fastest run's: the one least disturbed by other work.
    const fastest = e2eRuns.map((r) => r.value).sort((a, b) => a.jobMs - b.jobMs)[0]!;
    // What the user waits for once the CLI is up: the local cloud's start and the job.
    const totalMs = median(e2eRuns.map((r) => r.value.cloudStartMs + r.value.jobMs));
    const videoSeconds = median(e2eRuns.map((r) => r.value.videoSeconds));
    const ratio = totalMs / median(yardstickMs);
    const loads = e2eRuns.flatMap((r) => r.load);
    rows.push([
      'end to end (generate)',
      `${s(totalMs)} (cloud start + job) · ${(videoSeconds / (totalMs / 1000)).toFixed(2)}× real time`,
      `≤ ${TARGETS.endToEndRatio}× ffmpeg`,
      `${ratio.toFixed(2)}× the yardstick's ${s(median(yardstickMs))}: ${verdict(ratio <= TARGETS.endToEndRatio)}; median of ${e2eRuns.length}; load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
    ]);
    rows.push(['  fastest run, per step', `${s(fastest.jobMs)} job · ${s(fastest.cloudStartMs)} cloud start`, '', '']);
    for (const step of STEPS) {
      const ms = fastest.steps[step];
      if (ms !== undefined) rows.push([`    ${STEP_LABELS[step]}`, s(ms), '', '']);
    }
  }

  if (only.has('orchestration')) {
    const m: Measured<OrchestrationTiming> = await withLoad(() => inChild<OrchestrationTiming>('orchestration', [ROOT, String(orchestrationJobs)]));
    const med = median(m.value.perJobMs);
    const bare = median(m.value.runnerOnlyMs);
    log(`orchestration: ${m.value.jobs} jobs, ${m.value.tasksPerJob} tasks each; median ${med.toFixed(0)} ms, p95 ${percentile(m.value.perJobMs, 95).toFixed(0)} ms; ASL runner alone (no job-store writes) ${bare.toFixed(0)} ms (${loadNote(m)})`);
    rows.push([
      'orchestration per job',
      `${med.toFixed(0)} ms median · p95 ${percentile(m.value.perJobMs, 95).toFixed(0)} ms`,
      `≤ ${TARGETS.orchestrationMs} ms`,
      `${verdict(med <= TARGETS.orchestrationMs)}; ${m.value.jobs} jobs; ${loadNote(m)}`,
    ]);
    rows.push(['  of which the ASL runner', `${bare.toFixed(0)} ms median`, '', 'the same no-ops without job-store writes']);
  }

  if (only.has('memory')) {
    const m: Measured<MemoryMeasurement> = await withLoad(() => measureGenerateMemory(ROOT, join(ROOT, 'memory.mp4')));
    const mb = m.value.peak.totalKb / 1024;
    const parts = Object.entries(m.value.peak.byKind)
      .filter(([, kb]) => kb >= 1024)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, kb]) => `${kind} ${(kb / 1024).toFixed(0)}`)
      .join(', ');
    log(`memory: peak PSS ${mb.toFixed(0)} MB over ${m.value.peak.processes} processes at ${s(m.value.peak.atMs)} (${parts}); ${m.value.samples} samples; CLI wall ${s(m.value.wallMs)} (${loadNote(m)})`);
    rows.push(
      ['peak PSS, one generation', `${mb.toFixed(0)} MB`, `≤ ${TARGETS.peakPssMb} MB`, `${verdict(mb <= TARGETS.peakPssMb)}; ${m.value.peak.processes} processes`],
      ['  shorts generate (CLI)', s(m.value.wallMs), '', `process start to exit; ${loadNote(m)}`],
    );
  }

  if (only.has('api')) {
    const m: Measured<ApiMeasurement> = await withLoad(() => measureApi(ROOT, { rate: apiRate, seconds: apiSeconds }));
    if (!m.value.available) {
      log(`API: ${m.value.reason}`);
      rows.push(['API', m.value.reason, `p99 ≤ ${TARGETS.apiP99Ms} ms`, '']);
    } else {
      const pss = Object.entries(m.value.pssMb).sort((a, b) => b[1] - a[1]).map(([kind, mb]) => `${kind} ${mb.toFixed(0)}`).join(', ');
      log(`API: shorts dev PSS at the end, MB: ${pss}`);
      for (const r of m.value.routes) {
        const codes = Object.entries(r.statusCodes).map(([code, n]) => `${code}×${n}`).join(' ');
        const cpu = Object.entries(r.cpuPer1000).sort((a, b) => b[1] - a[1]).map(([kind, seconds]) => `${kind} ${seconds.toFixed(2)}`).join(', ');
        log(`API ${r.route}: ${r.requests} requests at ${r.rate.toFixed(0)}/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, non-2xx ${r.non2xx}, errors ${r.errors}; answers ${codes}`);
        log(`  CPU-s per 1000 requests: ${cpu}`);
        rows.push([
          `API ${r.route}`,
          `p50 ${r.p50Ms} ms · p99 ${r.p99Ms} ms`,
          `p99 ≤ ${TARGETS.apiP99Ms} ms`,
          `${verdict(r.p99Ms <= TARGETS.apiP99Ms && r.non2xx === 0 && r.errors === 0)}; ${r.rate.toFixed(0)}/s for ${m.value.seconds} s${r.non2xx ? `, ${r.non2xx} non-2xx` : ''}; ${loadNote(m)}`,
        ]);
      }
    }
  }

  if (only.has('cloud')) {
    const model = cloudModel();
    for (const line of describeCloudModel(model)) log(line);
    rows.push([
      `cloud model, a ${model.assumptions.videoSeconds} s short`,
      `${s(model.seconds * 1000)} · $${model.usd.toFixed(2)} a video`,
      '',
      `modelled, not measured: ${model.renderFunctions} render functions of ${model.framesPerLambda} frames`,
    ]);
  }

  if (only.has('first-run')) {
    const m = await measureFirstRun(process.cwd(), { emptyNpmCache: process.argv.includes('--empty-npm-cache'), log: (line) => log(`  ${line}`) });
    for (const line of describeFirstRun(m)) log(line);
    const overhead = m.overheadMs / 1000;
    rows.push([
      'first video in a fresh clone, over a second run',
      `${overhead.toFixed(0)} s (${s(m.first.wallMs)} − ${s(m.second.wallMs)})`,
      `≤ ${TARGETS.firstRunOverheadSeconds} s`,
      `${verdict(overhead <= TARGETS.firstRunOverheadSeconds)}; npm ci ${s(m.first.parts.npmCiMs ?? 0)}; npm cache ${m.npmCache.split(':')[0]}; Debian packages installed; load ${m.first.load[0].toFixed(1)}→${m.second.load[1].toFixed(1)}`,
    ]);
  }

  log(`\n  load average at end: ${(await loadAverage()).toFixed(2)}\n`);
  const header = ['what', 'figure', 'target', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  log(line(header));
  log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) log(line(row));
}

await main();
// Emulators, servers and SDK clients may keep handles open; the figures are printed.
process.exit(0);
