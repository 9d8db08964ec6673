/**
 * Builds the dashboard (frontend/dist) when it is missing or older than its sources, so the
 * e2e test always drives what the sources say. `shorts dev` does the same on start
 * (lib/local/dashboard-build.ts); here it is done first, so the build is not timed as the server's start.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dashboardBuildReason, viteBuildCommand } from '../../lib/local/dashboard-build.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function spaIsStale(): boolean {
  return dashboardBuildReason() !== undefined;
}

/** Runs `vite build` (the project's Node) if the dist folder is missing or stale. */
export function ensureSpaBuilt(): void {
  if (!spaIsStale()) return;
  const [program, ...args] = viteBuildCommand();
  const result = spawnSync(program!, args, { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (result.status !== 0) {
    throw new Error(`vite build failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
}
