/**
 * The first video on a fresh machine (issue #17): the README's first command
 *
 *   npm run setup && npx shorts generate "Why octopuses have three hearts" --out octopus.mp4
 *
 * run in a fresh clone of the repository's HEAD (`git clone --no-hardlinks`: no node_modules,
 * no caches, no data folder), timed, then run again in the same clone, timed. The difference is
 * what installing and the first run's one-off work cost: `npm ci`, the stack's synthesis for the
 * local contract, the composition's bundle (webpack, cold cache), DynamoDB Local's launcher
 * compiled once. Each part is read from setup's and the CLI's own output.
 *
 * What is NOT cold here, and cannot be made cold without another machine: the Debian packages
 * are installed (setup only checks them), and npm's cache (~/.npm) is warm unless `emptyNpmCache`
 * is set, which gives npm an empty cache of its own so every package comes from the registry.
 *
 * Standalone: `npx tsx test/bench/first-run.ts [--empty-npm-cache] [--keep]`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadAverage, sampleCpu } from './process-tree.js';

/** The README's first command, in two parts (`&&`). */
export const README_SETUP = ['npm', 'run', 'setup'] as const;
export const README_GENERATE = ['npx', 'shorts', 'generate', 'Why octopuses have three hearts', '--out', 'octopus.mp4'] as const;

/** One command's wall and CPU time (its whole process tree) and what it printed. */
export interface TimedCommand {
  wallMs: number;
  cpuSeconds: number;
  output: string;
}

/** The parts of one run of the README's command that its own output names (absent: not printed, i.e. not done). */
export interface FirstRunParts {
  /** setup: Debian packages installed. */
  aptMs?: number;
  /** setup: `npm ci`. */
  npmCiMs?: number;
  /** The CLI: the stack synthesized for the local contract. */
  synthMs?: number;
  /** The CLI: the local cloud started (synthesis included when it ran). */
  cloudStartMs?: number;
  /** The CLI: the composition bundled (webpack), in the background from start. */
  bundleMs?: number;
  /** The CLI: wall time it printed as `total`. */
  cliTotalMs?: number;
  /** The CLI's `time per step` lines, by label. */
  steps: Record<string, number>;
}

export interface ReadmeCommandRun {
  setup: TimedCommand;
  generate: TimedCommand;
  parts: FirstRunParts;
  /** setup + generate. */
  wallMs: number;
  cpuSeconds: number;
  load: [number, number];
}

export interface FirstRunMeasurement {
  /** What was warm: npm's cache, the Debian packages. */
  npmCache: string;
  first: ReadmeCommandRun;
  second: ReadmeCommandRun;
  /** first − second, wall. The target: ≤ 90 s. */
  overheadMs: number;
}

/** Setup's build failed, the CLI failed, or git could not clone: the command and its output's tail. */
export class FirstRunCommandFailed extends Error {
  constructor(command: string, code: number | null, output: string) {
    super(`${command} exited with ${code}:\n${output.slice(-3000)}`);
    this.name = 'FirstRunCommandFailed';
  }
}

async function timed(command: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TimedCommand> {
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const cpu = sampleCpu(child.pid!, 200);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const wallMs = performance.now() - started;
  const cpuSeconds = await cpu.stop();
  if (code !== 0) throw new FirstRunCommandFailed(command.join(' '), code, output);
  return { wallMs, cpuSeconds, output };
}

const seconds = (text: string | undefined) => (text === undefined ? undefined : Math.round(Number(text) * 1000));

/** Reads the parts from setup's and the CLI's output (see scripts/setup.sh and bin/shorts.ts). */
export function parseParts(setupOutput: string, generateOutput: string): FirstRunParts {
  const parts: FirstRunParts = { steps: {} };
  const set = <K extends keyof Omit<FirstRunParts, 'steps'>>(key: K, re: RegExp, text: string) => {
    const ms = seconds(re.exec(text)?.[1]);
    if (ms !== undefined) parts[key] = ms;
  };
  set('aptMs', /setup: Debian packages installed in ([\d.]+) s/, setupOutput);
  set('npmCiMs', /setup: npm packages installed in ([\d.]+) s/, setupOutput);
  set('synthMs', /[Ss]tack synthesized in ([\d.]+) s/, generateOutput);
  set('cloudStartMs', /[Ll]ocal cloud started in ([\d.]+) s/, generateOutput);
  set('bundleMs', /[Cc]omposition bundled in ([\d.]+) s/, generateOutput);
  set('cliTotalMs', /total\s+([\d.]+) s wall time/, generateOutput);
  const block = /time per step:\n((?:\s{4}.+\n)+)/.exec(generateOutput)?.[1] ?? '';
  for (const line of block.split('\n')) {
    const m = /^\s{4}(.+?)\s+([\d.]+) s$/.exec(line);
    if (m) parts.steps[m[1]!.trim()] = Math.round(Number(m[2]) * 1000);
  }
  return parts;
}

async function runReadmeCommand(cwd: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<ReadmeCommandRun> {
  const before = await loadAverage();
  const setup = await timed(README_SETUP, cwd, env);
  log(`  npm run setup: ${(setup.wallMs / 1000).toFixed(1)} s, ${setup.cpuSeconds.toFixed(1)} CPU-s`);
  const generate = await timed(README_GENERATE, cwd, env);
  log(`  npx shorts generate: ${(generate.wallMs / 1000).toFixed(1)} s, ${generate.cpuSeconds.toFixed(1)} CPU-s`);
  return {
    setup,
    generate,
    parts: parseParts(setup.output, generate.output),
    wallMs: setup.wallMs + generate.wallMs,
    cpuSeconds: setup.cpuSeconds + generate.cpuSeconds,
    load: [before, await loadAverage()],
  };
}

/**
 * Clones `root`'s HEAD into a fresh folder, runs the README's first command there twice and
 * removes the clone (unless `keep`). Commit first: uncommitted changes are not in the clone.
 */
export async function measureFirstRun(
  root: string,
  options: { emptyNpmCache?: boolean; keep?: boolean; log?: (line: string) => void } = {},
): Promise<FirstRunMeasurement> {
  const log = options.log ?? (() => {});
  const base = await mkdtemp(join(tmpdir(), 'ai-shorts-first-run-'));
  const clone = join(base, 'ai-shorts');
  try {
    await timed(['git', 'clone', '--quiet', '--no-hardlinks', root, clone], base, process.env);
    // Only what a user's shell would have: no variables of this process's own tools (vitest, tsx, npm run).
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(npm_|VITEST|TSX_|NODE_OPTIONS$|INIT_CWD$|SHORTS_DATA_DIR$)/.test(name)),
    );
    // npm run / npx put this checkout's node_modules/.bin first on PATH: a user's shell does not.
    env.PATH = (env.PATH ?? '').split(':').filter((dir) => !dir.includes('node_modules')).join(':');
    let npmCache = 'warm: ~/.npm';
    if (options.emptyNpmCache) {
      env.npm_config_cache = join(base, 'npm-cache');
      npmCache = `empty: ${env.npm_config_cache} (every package from the registry)`;
    }
    log(`first run in ${clone} (npm cache ${npmCache}; Debian packages already installed)`);
    const first = await runReadmeCommand(clone, env, log);
    log('second run, same clone');
    const second = await runReadmeCommand(clone, env, log);
    return { npmCache, first, second, overheadMs: first.wallMs - second.wallMs };
  } finally {
    if (!options.keep) await rm(base, { recursive: true, force: true });
    else log(`kept ${base}`);
  }
}

/** Lines for the bench's report: each part of each run, and the difference. */
export function describeFirstRun(m: FirstRunMeasurement): string[] {
  const s = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
  const row = (name: string, run: ReadmeCommandRun) => {
    const p = run.parts;
    const render = p.steps['Render video'];
    return (
      `${name}: ${s(run.wallMs)} wall, ${run.cpuSeconds.toFixed(0)} CPU-s (load ${run.load[0].toFixed(1)}→${run.load[1].toFixed(1)}) = ` +
      `setup ${s(run.setup.wallMs)} [apt ${s(p.aptMs)}, npm ci ${s(p.npmCiMs)}] + generate ${s(run.generate.wallMs)} ` +
      `[cloud start ${s(p.cloudStartMs)} incl. synth ${s(p.synthMs)}; bundle ${s(p.bundleMs)} (background); render step ${s(render)}; CLI total ${s(p.cliTotalMs)}]`
    );
  };
  return [
    `first run, fresh clone (npm cache ${m.npmCache})`,
    `  ${row('first ', m.first)}`,
    `  ${row('second', m.second)}`,
    `  first − second: ${s(m.overheadMs)} (target ≤ 90 s: ${m.overheadMs <= 90_000 ? 'met' : 'NOT met'}); setup alone ${s(m.first.setup.wallMs - m.second.setup.wallMs)}, generate alone ${s(m.first.generate.wallMs - m.second.generate.wallMs)}`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = process.cwd();
  const m = await measureFirstRun(root, {
    emptyNpmCache: process.argv.includes('--empty-npm-cache'),
    keep: process.argv.includes('--keep'),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  for (const line of describeFirstRun(m)) process.stdout.write(`${line}\n`);
}
