/**
 * The prebundle's child process (prebundle.ts): makes the composition's bundle in the shared
 * bundle folder, or finds it made, and prints `bundled <ms>` when it built it.
 */
import { bundleComposition, SHARED_BUNDLE_ROOT } from '../../lambdas/adapters/offline/remotion-renderer.js';

try {
  await bundleComposition(SHARED_BUNDLE_ROOT, { onBundled: (ms) => process.stdout.write(`bundled ${Math.round(ms)}\n`) });
  process.exit(0);
} catch (error) {
  // The render step bundles again and reports the cause on the job.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
