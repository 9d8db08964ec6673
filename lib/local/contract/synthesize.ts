/**
 * The synthesized stack, cached by a hash of what synthesis reads. A hit is one file read (no
 * aws-cdk-lib in this process); a miss runs synth-main.ts once in a child process, and
 * concurrent processes (vitest's workers, two CLIs) wait for that one instead of synthesizing too.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTRACT_FILE_VERSION, type SynthesizedStack } from './types.js';

export type { ContractIndex, SynthesizedStack } from './types.js';

/** The repository root (lib/local/contract/ → ../../../). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
export const SYNTH_SCRIPT = fileURLToPath(new URL('./synth-main.ts', import.meta.url));
/** `node_modules/.cache/ai-shorts` of the repository. */
export const DEFAULT_CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'ai-shorts');

/** Folders whose every file is an input of synthesis. */
export const HASHED_DIRS = ['lib/cloud', 'lambdas', 'state-machines'] as const;
/**
 * Single files that are inputs of synthesis: the app, its context, the dependency versions, this
 * synth script and its constants, and the one lib/local module lib/cloud imports (pipeline.ts
 * takes the ASL's path from it).
 */
export const HASHED_FILES = [
  'bin/app.ts',
  'cdk.json',
  'package-lock.json',
  'lib/local/contract/synth-main.ts',
  'lib/local/contract/types.ts',
  'lib/local/state-machine-runner.ts',
] as const;

/** Cache files kept besides the current one: worktrees of one repository share node_modules, and each has its own hash. */
const KEEP_OTHER_CACHE_FILES = 3;
const DEFAULT_LOCK_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_SYNTH_TIMEOUT_MS = 5 * 60_000;
const STDERR_TAIL_CHARS = 4000;

/** Synthesis failed (the child's stderr tail is in the message) or the lock could not be taken. */
export class SynthesisFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthesisFailed';
  }
}

/** Writes the synthesized stack's JSON to `outFile`, stamped with `hash`. */
export type RunSynth = (outFile: string, hash: string) => Promise<void>;

export interface LoadOptions {
  /** Where cache files live; default {@link DEFAULT_CACHE_DIR}. */
  cacheDir?: string;
  /** Called once on a miss, before synthesizing (or waiting for another process that is): tell the user. */
  onSynthesize?: () => void;
  /** The repository whose files are hashed; default {@link REPO_ROOT}. */
  root?: string;
  /** Repo-relative input files; default {@link contractInputFiles} of `root`. */
  inputFiles?: string[];
  /** How a miss synthesizes; default {@link runSynthChild}. */
  runSynth?: RunSynth;
  /** How long to wait for another process's synthesis; default 5 minutes. */
  lockTimeoutMs?: number;
}

/** Every input file of synthesis, repo-relative and sorted. */
export function contractInputFiles(root: string = REPO_ROOT): string[] {
  const files: string[] = [];
  for (const dir of HASHED_DIRS) {
    const absolute = join(root, dir);
    if (!existsSync(absolute)) continue;
    for (const entry of readdirSync(absolute, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.push(relative(root, join(entry.parentPath, entry.name)));
    }
  }
  for (const file of HASHED_FILES) if (existsSync(join(root, file))) files.push(file);
  return files.sort();
}

/** sha256 over each file's path and contents, in sorted path order. */
export function contractHash(root: string = REPO_ROOT, files: readonly string[] = contractInputFiles(root)): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    hash.update(file);
    hash.update('\0');
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export function cacheFileName(hash: string): string {
  return `contract-${hash}.json`;
}

async function readCache(file: string, hash: string): Promise<SynthesizedStack | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as SynthesizedStack;
    return parsed.version === CONTRACT_FILE_VERSION && parsed.hash === hash ? parsed : undefined;
  } catch {
    return undefined; // a torn or foreign file: synthesize again
  }
}

/**
 * The synthesized stack for the current sources: from the cache, or synthesized once (in a
 * child process) and cached. Concurrent callers, in this or other processes, synthesize once.
 */
export async function loadSynthesizedStack(options: LoadOptions = {}): Promise<SynthesizedStack & { cacheFile: string }> {
  const root = options.root ?? REPO_ROOT;
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const hash = contractHash(root, options.inputFiles ?? contractInputFiles(root));
  const file = join(cacheDir, cacheFileName(hash));
  const hit = await readCache(file, hash);
  if (hit) return { ...hit, cacheFile: file };

  options.onSynthesize?.();
  await mkdir(cacheDir, { recursive: true });
  const lockFile = `${file}.lock`;
  const deadline = Date.now() + (options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  for (;;) {
    const lock = await tryLock(lockFile);
    if (lock) {
      try {
        // Another process may have finished between our read and our lock.
        const done = await readCache(file, hash);
        if (done) return { ...done, cacheFile: file };
        const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
        try {
          await (options.runSynth ?? runSynthChild)(temp, hash);
          const written = await readCache(temp, hash);
          if (!written) throw new SynthesisFailed(`The synthesis wrote no contract for hash ${hash} to ${temp}.`);
          await rename(temp, file);
          await removeOldCacheFiles(cacheDir, file);
          return { ...written, cacheFile: file };
        } finally {
          await rm(temp, { force: true });
        }
      } finally {
        await rm(lockFile, { force: true });
      }
    }
    const done = await readCache(file, hash);
    if (done) return { ...done, cacheFile: file };
    if (Date.now() > deadline) {
      throw new SynthesisFailed(`Waited ${options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS} ms for another process synthesizing the stack (lock ${lockFile}); remove the lock if no synthesis is running.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Takes the lock (true), or finds it held by a live process (false). A lock left by a dead process is removed. */
async function tryLock(lockFile: string): Promise<boolean> {
  try {
    const handle = await open(lockFile, 'wx');
    await handle.writeFile(JSON.stringify({ pid: process.pid, host: process.env.HOSTNAME ?? '', at: new Date().toISOString() }));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (await lockIsStale(lockFile)) await rm(lockFile, { force: true });
  return false;
}

async function lockIsStale(lockFile: string): Promise<boolean> {
  let owner: { pid?: unknown };
  try {
    owner = JSON.parse(await readFile(lockFile, 'utf8')) as { pid?: unknown };
  } catch {
    // Being written right now (empty), or gone: stale only if it has sat there a while.
    try {
      return Date.now() - (await stat(lockFile)).mtimeMs > 10_000;
    } catch {
      return false;
    }
  }
  if (typeof owner.pid !== 'number') return true;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Keeps the current cache file and the few newest others (other worktrees' hashes); removes the rest. */
async function removeOldCacheFiles(cacheDir: string, current: string): Promise<void> {
  const others = (await readdir(cacheDir)).filter((name) => /^contract-[0-9a-f]{64}\.json$/.test(name) && join(cacheDir, name) !== current);
  const withTimes = await Promise.all(
    others.map(async (name) => ({ name, mtime: await stat(join(cacheDir, name)).then((s) => s.mtimeMs, () => 0) })),
  );
  withTimes.sort((a, b) => b.mtime - a.mtime);
  await Promise.all(withTimes.slice(KEEP_OTHER_CACHE_FILES).map(({ name }) => rm(join(cacheDir, name), { force: true })));
}

/**
 * Runs the synth script in a child Node process (`node --import tsx synth-main.ts OUT HASH`), so
 * aws-cdk-lib's seconds and memory stay out of this process. A failure is a
 * {@link SynthesisFailed} with the tail of the child's stderr.
 */
export function runSynthChild(outFile: string, hash: string, script: string = SYNTH_SCRIPT, timeoutMs = DEFAULT_SYNTH_TIMEOUT_MS): Promise<void> {
  // The CDK CLI's variables (CDK_CONTEXT_JSON, CDK_OUTDIR…) would change what the app synthesizes.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CDK_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, outFile, hash], {
      cwd: REPO_ROOT,
      env: { ...env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    };
    child.stderr.on('data', keep);
    child.stdout.on('data', () => {}); // drained; synth prints nothing useful on stdout
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new SynthesisFailed(`Could not start the synthesis (${process.execPath} ${script}): ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const how = signal ? `was killed (${signal}${signal === 'SIGKILL' ? `, after ${timeoutMs} ms?` : ''})` : `exited with ${code}`;
      reject(new SynthesisFailed(`Synthesizing the stack's contract failed: ${relative(REPO_ROOT, script)} ${how}.\n${output.trim()}`));
    });
  });
}
