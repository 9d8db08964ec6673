/**
 * AWS's limits, enforced locally as AWS enforces them: a Lambda invocation's 6 MB request and
 * response, each function's timeout (Lambda's Sandbox.Timedout, which the pipeline does not
 * retry: the job fails, saying so), and Step Functions' 256 KiB state payload, whose
 * States.DataLimitExceeded no Catch handles: the execution fails, the job stays RUNNING, and only
 * the sweeper fails and refunds it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newJob, type Job } from '../../lambdas/core/job.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import { stepDeps, stepHandler } from '../../lambdas/shared/step-handler.js';
import { FunctionError, InvokeError, LAMBDA_PAYLOAD_LIMIT_BYTES } from '../../lib/local/function-host.js';
import type { CfnTemplate } from '../../lib/local/contract/index.js';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';
import { STATE_PAYLOAD_LIMIT_BYTES } from '../../lib/local/state-machine-runner.js';

let runtime: LocalRuntime;
let dataDir: string;
const calls: Record<string, number> = {};
/** Compute Duration's answer for the job whose prompt asks for it: a timeline over Step Functions' limit. */
const OVERSIZED = 'an oversized timeline';
/** Build Captions sleeps past its (shortened) timeout for the job whose prompt asks for it. */
const SLOW = 'slow captions';

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-limits-'));
  runtime = await startLocalRuntime({
    dataDir,
    inMemory: true,
    quiet: true,
    queue: true,
    // Build Captions gets a 1 s timeout in this template (30 s in the stack), so a test can outlast it.
    alterTemplate: (template: CfnTemplate) => {
      const [, captions] = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('PipelineBuildCaptionsFunction'))!;
      captions.Properties!.Timeout = 1;
      return template;
    },
    runner: {
      handlers: {
        'Build Captions': async (input: { jobId: string }, ctx) => {
          calls['Build Captions'] = (calls['Build Captions'] ?? 0) + 1;
          const job = await ctx.dependencies().jobStore().get(input.jobId);
          if (!job?.request.prompt.includes(SLOW)) return ctx.handler(input, ctx.context);
          // The step starts (it is marked running on the job), then takes longer than the function may.
          return stepHandler(await stepDeps(ctx.dependencies()), { step: 'captions' }, () => new Promise((resolve) => setTimeout(resolve, 1500)))(input);
        },
        'Compute Duration': async (input: { jobId: string }, ctx) => {
          const job = await ctx.dependencies().jobStore().get(input.jobId);
          const timeline = (await ctx.handler(input, ctx.context)) as Record<string, unknown>;
          return job?.request.prompt.includes(OVERSIZED) ? { ...timeline, padding: 'x'.repeat(STATE_PAYLOAD_LIMIT_BYTES) } : timeline;
        },
        'Fail Job': async (input, ctx) => {
          calls['Fail Job'] = (calls['Fail Job'] ?? 0) + 1;
          return ctx.handler(input, ctx.context);
        },
      },
      retryIntervalOverrides: { 'Build Captions': 10, 'Fail Job': 10 },
    },
  });
});

afterAll(async () => {
  await runtime?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function runJob(prompt: string): Promise<{ job: Job; error?: Error }> {
  const jobId = `job-${Math.random().toString(36).slice(2, 10)}`;
  const request = VideoRequestSchema.parse({ prompt, seconds: 10, aspect: '1:1' });
  await runtime.jobs.create(newJob({ jobId, userId: 'tester', request, now: new Date() }));
  let error: Error | undefined;
  await runtime.runner.start(jobId, { jobId, request }).result.catch((e: Error) => (error = e));
  return { job: (await runtime.jobs.get(jobId))!, ...(error ? { error } : {}) };
}

describe("Lambda's limits", () => {
  it('refuses an event over 6 MB before the function runs, as the Invoke API does', async () => {
    const error = await runtime.host.invoke('OpenApi', { body: 'x'.repeat(LAMBDA_PAYLOAD_LIMIT_BYTES) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvokeError);
    expect(error).toMatchObject({ name: 'RequestEntityTooLargeException', status: 413 });
  });

  it('fails an invocation whose answer is over 6 MB', async () => {
    const error = await runtime.host.invoke('OpenApi', {}, { standIn: async () => ({ body: 'x'.repeat(LAMBDA_PAYLOAD_LIMIT_BYTES) }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FunctionError);
    expect((error as FunctionError).errorType).toBe('Function.ResponseSizeTooLarge');
  });

  it('stops waiting for a function past its timeout: Sandbox.Timedout, not retried, the job failed saying so', async () => {
    const before = calls['Build Captions'] ?? 0;

    const { job } = await runJob(`Some ${SLOW} please`);

    expect(job.status).toBe('FAILED');
    expect(job.error).toMatchObject({ step: 'captions', name: 'Timeout', message: 'Step "Build captions" took longer than its time limit and was stopped.' });
    expect(calls['Build Captions']! - before).toBe(1); // Sandbox.Timedout is not in the Retry list
  });
});

describe("Step Functions' 256 KiB payload limit", () => {
  it('fails the execution with States.DataLimitExceeded, which no Catch handles: the job is left RUNNING for the sweeper', async () => {
    const failJobsBefore = calls['Fail Job'] ?? 0;

    const { job, error } = await runJob(`Here is ${OVERSIZED}`);

    expect(error).toMatchObject({ name: 'States.DataLimitExceeded' });
    expect(error!.message).toMatch(/Compute Duration/);
    expect(calls['Fail Job'] ?? 0).toBe(failJobsBefore); // not caught into Fail Job
    expect(job.status).toBe('RUNNING');
    expect(job.steps.render.status).toBe('pending'); // nothing ran after the oversized state

    // The sweeper sees the execution failed (DescribeExecution) and fails and refunds the job.
    const report = (await runtime.host.invoke('SweepJobs', { recovery: true })) as { failed: string[] };
    expect(report.failed).toContain(job.jobId);
    const swept = (await runtime.jobs.get(job.jobId))!;
    expect(swept).toMatchObject({ status: 'FAILED', error: { name: 'PipelineEnded' } });
  });
});
