/**
 * End to end: `generate` for a 30 s short with the offline providers, in this process, through
 * the same runtime and generateVideo the CLI uses. Each run gets a fresh data directory (no
 * stored images or voice to reuse: content-addressed assets would make a rerun nearly free)
 * but shares the render bundle cache, as a user's second video would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { STEPS, type Job, type StepName } from '../../lambdas/core/job.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import { BENCH_PROMPT, BENCH_SECONDS } from './fixture.js';

export interface EndToEndTiming {
  /** Starting DynamoDB Local and the S3 server. */
  cloudStartMs: number;
  /** Job created → MP4 written. */
  jobMs: number;
  steps: Partial<Record<StepName, number>>;
  videoSeconds: number;
  renderFps?: number;
}

/**
 * A fresh data directory: a run reuses no assets. The composition's bundle is the checkout's
 * shared one (remotion-renderer.ts SHARED_BUNDLE_ROOT), as for every data folder.
 */
export async function freshDataDir(root: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(root, 'data-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function generateOnce(root: string, outFile: string): Promise<EndToEndTiming> {
  const data = await freshDataDir(root);
  const { startLocalRuntime } = await import('../../lib/local/runtime.js');
  const { generateVideo } = await import('../../lib/local/generate.js');
  const cloudStarted = performance.now();
  const runtime = await startLocalRuntime({ dataDir: data.dir, quiet: true });
  const cloudStartMs = performance.now() - cloudStarted;
  try {
    const request = VideoRequestSchema.parse({ prompt: BENCH_PROMPT, seconds: BENCH_SECONDS, aspect: '9:16', captionStyle: 'bold' });
    const started = performance.now();
    const { job } = await generateVideo(runtime, { request, outputPath: outFile });
    const jobMs = performance.now() - started;
    return { cloudStartMs, jobMs, steps: stepDurations(job), videoSeconds: (job.durationMs ?? 0) / 1000, ...(job.renderFps ? { renderFps: job.renderFps } : {}) };
  } finally {
    await runtime.stop();
    await data.remove();
  }
}

function stepDurations(job: Job): Partial<Record<StepName, number>> {
  return Object.fromEntries(STEPS.flatMap((step) => (job.steps[step].durationMs === undefined ? [] : [[step, job.steps[step].durationMs!]])));
}
