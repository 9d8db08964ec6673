/**
 * The prebundle's child process (prebundle.ts): makes the composition's bundle under the work
 * folder given as its argument, or finds it made, and prints `bundled <ms>` when it built it.
 */
import { bundleComposition } from '../../lambdas/adapters/offline/remotion-renderer.js';

const workDir = process.argv[2];
if (!workDir) {
  process.stderr.write('usage: prebundle-child.ts <render work folder>\n');
  process.exit(2);
}
try {
  await bundleComposition(workDir, { onBundled: (ms) => process.stdout.write(`bundled ${Math.round(ms)}\n`) });
  process.exit(0);
} catch (error) {
  // The render step bundles again and reports the cause on the job.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
