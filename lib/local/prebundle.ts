/**
 * The composition's bundle, begun when the CLI starts rather than when the pipeline reaches its
 * render step: on a first run (or after a change to frontend/remotion) the bundler then works
 * while the stack is synthesized, the emulators start and the script, pictures and voice are
 * made. The render function asks for the same bundle (bundleComposition) and waits for this one
 * instead of bundling again. Nothing is done when the bundle is already there, or when videos are
 * rendered by Remotion Lambda.
 *
 * The bundler runs in a child process at a lower CPU priority: in the CLI's own process its
 * compile held the event loop and took both cores while DynamoDB Local started, and the AWS SDK's
 * requests to the emulators waited past their 2 s timeout. Remotion's bundle() also changes the
 * working directory while it works, which is then the child's alone.
 */
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ENV } from '../../lambdas/shared/env.js';

export interface Prebundle {
  /** Settles (never rejects) once the bundle is made, found, skipped or failed. */
  settled: Promise<void>;
}

const CHILD = fileURLToPath(new URL('./prebundle-child.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Below the CLI, the emulators and the pipeline (0): the bundle waits for the cores they leave. */
const NICENESS = 10;

/**
 * Starts bundling for the local renderer, into the bundle folder every data folder shares
 * (remotion-renderer.ts SHARED_BUNDLE_ROOT). A failure is left for the render step to meet and
 * report: it tries again and fails the job with the cause.
 */
export function startPrebundle(options: { settings: Record<string, string | undefined>; onBundled?: (ms: number) => void }): Prebundle {
  if (options.settings[ENV.RENDER] === 'lambda') return { settled: Promise.resolve() };
  const settled = new Promise<void>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, NICENESS);
      } catch {
        // Not allowed here: the bundle runs at the CLI's priority.
      }
    }
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // A CLI that exits (Ctrl-C) takes its bundler with it; the lock it leaves is a dead process's.
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    const done = () => {
      process.removeListener('exit', kill);
      const built = /^bundled (\d+)$/m.exec(output);
      if (built && options.onBundled) options.onBundled(Number(built[1]));
      resolve();
    };
    child.once('error', done);
    child.once('exit', done);
  });
  return { settled };
}
