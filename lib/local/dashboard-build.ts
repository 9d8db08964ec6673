/**
 * The dashboard is always there: `shorts dev` builds frontend/dist (vite, as `npm run build:web`)
 * when it is missing or older than its sources, so a fresh clone serves the SPA at once. A build
 * that fails says so plainly and the API serves anyway (docs/local.md).
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where `npm run build:web` writes the dashboard. */
export const DASHBOARD_DIST = path.join(ROOT, 'frontend', 'dist');

/** Everything the bundle is made from: the SPA, the shared composition, the core and the API client it imports. */
const SOURCES = [
  'frontend/src',
  'frontend/remotion',
  'frontend/public',
  'frontend/index.html',
  'frontend/vite.config.ts',
  'lambdas/core',
  'lambdas/api/client',
  'lambdas/api/schemas.ts',
];

function newestMtime(entry: string): number {
  const info = statSync(entry, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

/** Why the dashboard in `outDir` needs a build: `missing`, `stale` (a source is newer), or undefined when it is current. */
export function dashboardBuildReason(outDir = DASHBOARD_DIST): 'missing' | 'stale' | undefined {
  const built = statSync(path.join(outDir, 'index.html'), { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) return 'missing';
  return SOURCES.some((source) => newestMtime(path.join(ROOT, source)) > built) ? 'stale' : undefined;
}

/** The vite build command (the project's Node and vite) writing to `outDir`. */
export function viteBuildCommand(outDir = DASHBOARD_DIST): string[] {
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  return [process.execPath, vite, 'build', '--config', 'frontend/vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'];
}

export type DashboardBuild =
  | { built: false; reason: 'current' }
  | { built: true; reason: 'missing' | 'stale'; ms: number }
  | { built: false; reason: 'missing' | 'stale'; ms: number; error: string };

export interface EnsureDashboardOptions {
  /** Default frontend/dist. */
  outDir?: string;
  /** Each line of progress (`shorts dev` prints them). */
  progress?: (line: string) => void;
  /** The build command; default {@link viteBuildCommand}. */
  command?: string[];
  /** A build that takes longer is stopped and reported as failed. Default 5 minutes. */
  timeoutMs?: number;
}

/** Builds the dashboard when it is missing or stale; never throws (a failure is in the result, and said in `progress`). */
export async function ensureDashboardBuilt(options: EnsureDashboardOptions = {}): Promise<DashboardBuild> {
  const outDir = options.outDir ?? DASHBOARD_DIST;
  const progress = options.progress ?? (() => undefined);
  const reason = dashboardBuildReason(outDir);
  if (!reason) return { built: false, reason: 'current' };
  const shown = path.relative(process.cwd(), outDir) || outDir;
  progress(`Building the dashboard (${shown} is ${reason === 'missing' ? 'missing' : 'older than its sources'}) …`);
  const started = Date.now();
  const [program, ...args] = options.command ?? viteBuildCommand(outDir);
  const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(program!, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 300_000 });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => resolve({ code: null, output: `${output}${error.message}` }));
    child.once('close', (code) => resolve({ code, output }));
  });
  const ms = Date.now() - started;
  if (result.code === 0) {
    progress(`Dashboard built in ${Math.round(ms / 1000)} s.`);
    return { built: true, reason, ms };
  }
  const tail = result.output.trim().split('\n').slice(-12).join('\n');
  const error = `The dashboard could not be built (vite exited ${result.code ?? 'without a code'}); the API serves anyway. Run npm run build:web to see why.${tail ? `\n${tail}` : ''}`;
  progress(error);
  return { built: false, reason, ms, error };
}
