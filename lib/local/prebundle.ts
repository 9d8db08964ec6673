/**
 * The composition's bundle, begun when the CLI starts rather than when the pipeline reaches its
 * render step: on a first run (or after a change to frontend/remotion) the bundler then works
 * while the stack is synthesized, the emulators start and the script, pictures and voice are
 * made. The render function asks for the same bundle (bundleComposition) and waits for this one
 * instead of bundling again. Nothing is done when the bundle is already there, or when videos are
 * rendered by Remotion Lambda.
 */
import path from 'node:path';
import { ENV } from '../../lambdas/shared/env.js';

export interface Prebundle {
  /** Settles (never rejects) once the bundle is made, found, skipped or failed. */
  settled: Promise<void>;
}

/**
 * Starts bundling for the local renderer of `dataDir` (as the runtime resolves it). A failure is
 * left for the render step to meet and report: it tries again and fails the job with the cause.
 */
export function startPrebundle(options: {
  /** The local cloud's data folder, absolute (runtime.ts localDataDir). */
  dataDir: string;
  settings: Record<string, string | undefined>;
  onBundled?: (ms: number) => void;
}): Prebundle {
  if (options.settings[ENV.RENDER] === 'lambda') return { settled: Promise.resolve() };
  const settled = import('../../lambdas/adapters/offline/remotion-renderer.js')
    // The same folder the offline renderer is given (lambdas/shared/dependencies.ts: <data dir>/render).
    .then(({ bundleComposition }) => bundleComposition(path.join(options.dataDir, 'render'), { ...(options.onBundled ? { onBundled: options.onBundled } : {}) }))
    .then(
      () => undefined,
      () => undefined,
    );
  return { settled };
}
