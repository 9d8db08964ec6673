/**
 * The composition and renderer as they were before the render optimisations, rebuilt from git
 * (read-only `git show`) beside the current ones, so `run.ts --baseline` can render both under
 * the same machine load. Only the Remotion composition and LocalRemotionRenderer are old; the
 * domain code they import (lambdas/core) is the current one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlobStore, VideoRenderer } from '../../lambdas/core/ports.js';

/** The last commit before the optimisations (BENCHMARKS.md's "before"). */
export const BASELINE_COMMIT = '387b411';
const RENDERER = 'lambdas/adapters/offline/remotion-renderer.ts';

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: process.cwd(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** Writes the baseline sources under `root` (once) and loads its renderer class. */
export async function loadBaselineRenderer(
  root: string,
): Promise<new (options: { blobs: BlobStore; workDir: string; onLog?: (m: string) => void }) => VideoRenderer & { bundle(): Promise<string> }> {
  const dir = join(root, `baseline-${BASELINE_COMMIT}`);
  const entry = join(dir, RENDERER);
  if (!existsSync(entry)) {
    const files = [...git(['ls-tree', '-r', '--name-only', BASELINE_COMMIT, 'frontend/remotion']).trim().split('\n'), RENDERER];
    for (const file of files) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await writeFile(join(dir, file), git(['show', `${BASELINE_COMMIT}:${file}`]));
    }
    await symlink(join(process.cwd(), 'lambdas/core'), join(dir, 'lambdas/core'));
  }
  const module = (await import(entry)) as { LocalRemotionRenderer: Awaited<ReturnType<typeof loadBaselineRenderer>> };
  return module.LocalRemotionRenderer;
}
