/**
 * Builds the dashboard (frontend/dist) when it is missing or older than its sources, so the
 * e2e test always drives what the sources say. `npm run build:web` does the same by hand.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST_INDEX = path.join(ROOT, 'frontend', 'dist', 'index.html');
/** Everything the bundle is made from: the SPA, the shared composition and the core it imports. */
const SOURCES = ['frontend/src', 'frontend/remotion', 'frontend/public', 'frontend/index.html', 'frontend/vite.config.ts', 'lambdas/core'];

function newestMtime(entry: string): number {
  const info = statSync(entry, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

export function spaIsStale(): boolean {
  const built = statSync(DIST_INDEX, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return SOURCES.some((source) => newestMtime(path.join(ROOT, source)) > built);
}

/** Runs `vite build` (the project's Node) if the dist folder is missing or stale. */
export function ensureSpaBuilt(): void {
  if (!spaIsStale()) return;
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'frontend/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`vite build failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
}
