/**
 * Orchestration overhead: what the pipeline costs when its steps do nothing. The real local
 * runtime (the deployed definition in aws-local-stepfunctions, each Task invoking its function
 * through the local Lambda with its own environment and IAM-checked identity) and the real job
 * store (DynamoDB Local, on disk as `shorts generate` uses it); every Task's work is replaced by a
 * no-op inside the real stepHandler, so each step still records running/succeeded on the job.
 * Wait for Render is 0 ms.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { newJob, type StepName } from '../../lambdas/core/job.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import type { StandIn } from '../../lib/local/function-host.js';

const SCENES = 5;

/** What each Task state returns when it does no work, shaped as the ASL's next states expect. */
function noOpResults(): Record<string, { step: StepName; result: () => unknown; finishes?: (r: any) => boolean }> {
  const script = {
    title: 'Bench',
    hook: 'A hook.',
    style: 'flat colours',
    scenes: Array.from({ length: SCENES }, (_, i) => ({ narration: `Scene ${i}.`, imagePrompt: `Picture ${i}` })),
  };
  const timeline = { fps: 30, durationInFrames: 900, crossfadeFrames: 12, scenes: [] };
  return {
    'Generate Script': { step: 'script', result: () => ({ raw: JSON.stringify(script) }) },
    'Parse Script': { step: 'parse', result: () => script },
    'Generate Image': { step: 'images', result: () => ({ key: 'assets/images/none.png', reused: true }) },
    'Generate Voice': { step: 'voice', result: () => ({ audioKey: 'assets/voice/none.wav', durationMs: 30_000, words: [], segmentStarts: [], reused: true }) },
    // No music asked: the step answers what it answers for `music: 'none'`.
    'Generate Music': { step: 'music', result: () => null },
    'Build Captions': { step: 'captions', result: () => [] },
    'Compute Duration': { step: 'duration', result: () => timeline },
    'Start Render': {
      step: 'render',
      result: () => ({ renderId: 'none', outputKey: 'videos/none.mp4', startedAt: new Date().toISOString(), timeoutSeconds: 60 }),
      finishes: () => false,
    },
    'Check Render': { step: 'render', result: () => ({ done: true, timedOut: false, progress: 1, outputKey: 'videos/none.mp4' }) },
    'Finalize Job': { step: 'finalize', result: () => ({ outputKey: 'videos/none.mp4' }) },
    'Fail Job': { step: 'finalize', result: () => ({ failed: true }) },
    // Not reached: the bench's jobs do not ask for a review.
    'Hold for Review': { step: 'duration', result: () => ({}) },
  };
}

export interface OrchestrationTiming {
  jobs: number;
  /** Per job: job record created → execution finished. */
  perJobMs: number[];
  /** Per job with the same no-ops outside stepHandler (no job-store writes): the ASL runner alone. */
  runnerOnlyMs: number[];
  /** Task invocations per job (each one two to four job-store writes). */
  tasksPerJob: number;
}

export async function measureOrchestration(root: string, jobs: number): Promise<OrchestrationTiming> {
  const dataDir = await mkdtemp(join(root, 'orchestration-'));
  const { stepDeps, stepHandler } = await import('../../lambdas/shared/step-handler.js');
  const { STEP_FUNCTIONS } = await import('../../lambdas/steps/registry.js');
  const { startLocalRuntime } = await import('../../lib/local/runtime.js');
  const { LocalPipelineRunner } = await import('../../lib/local/state-machine-runner.js');
  const results = noOpResults();
  let tasks = 0;
  const handlers: Record<string, StandIn> = {};
  const bare: Record<string, StandIn> = {};
  for (const state of STEP_FUNCTIONS.flatMap((fn) => fn.states)) {
    const spec = results[state];
    if (!spec) throw new Error(`The pipeline has a state "${state}" the orchestration bench has no no-op for; add one.`);
    handlers[state] = async (event, ctx) => {
      tasks++;
      const tracking = { step: spec.step, ...(spec.finishes ? { finishes: spec.finishes } : {}) };
      return stepHandler(await stepDeps(ctx.dependencies()), tracking, async () => spec.result())(event);
    };
    bare[state] = async () => spec.result();
  }
  const cloud = await startLocalRuntime({ dataDir, quiet: true, runner: { handlers, waitTimeOverrides: { 'Wait for Render': 0 } } });
  try {
    const runner = cloud.runner;
    // The same definition and functions with no-ops that touch nothing: the runner (and the local Lambda) alone.
    const bareRunner = new LocalPipelineRunner({
      definition: cloud.contract.stateMachine.definition,
      host: cloud.host,
      authorizeInvoke: async () => ({ allowed: true }),
      handlers: bare,
      waitTimeOverrides: { 'Wait for Render': 0 },
    });
    const jobsStore = cloud.jobs;
    const request = VideoRequestSchema.parse({ prompt: 'orchestration bench', seconds: 30 });
    const runOne = async (i: number) => {
      const jobId = `bench-${process.pid}-${i}`;
      const started = performance.now();
      await jobsStore.create(newJob({ jobId, userId: 'bench', request, now: new Date() }));
      await runner.start(jobId, { jobId, request }).result;
      return performance.now() - started;
    };
    const runBare = async (i: number) => {
      const started = performance.now();
      await bareRunner.start(`bare-${process.pid}-${i}`, { jobId: `bare-${i}`, request }).result;
      return performance.now() - started;
    };
    // Two warm-up jobs: the first pays for module loading, JIT and the SDK's first connections.
    await runOne(-1);
    await runOne(-2);
    tasks = 0;
    const perJobMs: number[] = [];
    for (let i = 0; i < jobs; i++) perJobMs.push(await runOne(i));
    const tasksPerJob = tasks / jobs;
    await runBare(-1);
    const runnerOnlyMs: number[] = [];
    for (let i = 0; i < jobs; i++) runnerOnlyMs.push(await runBare(i));
    return { jobs, perJobMs, runnerOnlyMs, tasksPerJob };
  } finally {
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
