/**
 * Vitest global setup: loads (and on a miss synthesizes) the stack's contract once, before any
 * test file runs, so the two workers never both synthesize. A hit costs a hash and a file read.
 */
import { loadSynthesizedStack } from '../../lib/local/contract/synthesize.js';

export default async function setup(): Promise<void> {
  await loadSynthesizedStack({
    onSynthesize: () => console.log("Synthesizing the stack's contract (its sources changed since it was cached)…"),
  });
}
