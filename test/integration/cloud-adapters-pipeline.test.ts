import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLICATE_USD_PER_IMAGE } from '../../lambdas/adapters/providers/replicate-image-generator.js';
import { jobCostUsd, newJob, STEPS, type Job } from '../../lambdas/core/job.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import { S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore } from '../../lambdas/adapters/aws/s3-blob-store.js';
import { buildStackContract, loadSynthesizedStack } from '../../lib/local/contract/index.js';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';
import { ELEVENLABS_STUB_KEY, startElevenLabsStub, type ElevenLabsStub } from '../support/stubs/elevenlabs-stub.js';
import { GROQ_STUB_KEY, startGroqStub, type GroqStub } from '../support/stubs/groq-stub.js';
import { localRenderBackend } from '../support/stubs/local-render-backend.js';
import { startRemotionLambdaStub, type RemotionLambdaStub } from '../support/stubs/remotion-lambda-stub.js';
import { REPLICATE_STUB_TOKEN, startReplicateStub, type ReplicateStub } from '../support/stubs/replicate-stub.js';

const run = promisify(execFile);

/**
 * The whole pipeline in the cloud configuration — SHORTS_LLM=groq, SHORTS_IMAGES=replicate,
 * SHORTS_VOICE=elevenlabs, SHORTS_RENDER=lambda — with every vendor SDK talking to its stub on
 * 127.0.0.1, on the local runtime (the ASL runner, DynamoDB Local, the S3 server). The Remotion
 * Lambda stub renders for real with the offline renderer, so the run ends with an MP4.
 */

const RENDER_COST_USD = 0.0173;
/** A short script (about 7 s of speech) so the real render stays quick. */
const SHORT_SCRIPT = JSON.stringify({
  title: 'How honeybees talk',
  hook: 'Bees talk by dancing.',
  style: 'macro photograph, warm golden light, shallow depth of field',
  scenes: [
    { narration: 'A scout finds flowers.', imagePrompt: 'A honeybee on a purple flower' },
    { narration: 'She returns home.', imagePrompt: 'A bee flying toward a wooden hive' },
    { narration: 'Then she waggles.', imagePrompt: 'Bees crowding a honeycomb' },
    { narration: 'Sisters follow her dance.', imagePrompt: 'A swarm of bees over a meadow' },
  ],
});

let runtime: LocalRuntime;
let dataDir: string;
let groq: GroqStub;
let replicate: ReplicateStub;
let elevenlabs: ElevenLabsStub;
let lambda: RemotionLambdaStub;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-cloud-adapters-'));
  // Remotion's render function as the stack declares it: the stub answers to that name only.
  const contract = buildStackContract(await loadSynthesizedStack(), { sqsEndpoint: 'http://127.0.0.1:9', apiUrl: 'http://127.0.0.1:9' });
  [groq, replicate, elevenlabs, lambda] = await Promise.all([
    startGroqStub(),
    startReplicateStub(),
    startElevenLabsStub(),
    startRemotionLambdaStub({
      functions: [contract.render.functionName],
      costUsd: RENDER_COST_USD,
      // The render function writes the MP4 with its own role, as Remotion Lambda does in AWS.
      render: localRenderBackend({
        workDir: path.join(dataDir, 'render'),
        blobsFor: (bucket) =>
          new S3BlobStore({
            bucket,
            client: new S3Client({
              endpoint: runtime.endpoints.s3,
              region: runtime.contract.region,
              credentials: runtime.principals.credentialsOf('RemotionRender')!,
              requestChecksumCalculation: 'WHEN_REQUIRED',
              responseChecksumValidation: 'WHEN_REQUIRED',
            }),
          }),
      }),
    }),
  ]);
  // The local deployment's settings: every provider in its cloud form, pointed at its stub. The
  // keys go into their secrets, one per key; each step reads its own vendor's from there, as in AWS.
  const settings = {
    ...process.env,
    SHORTS_LLM: 'groq',
    GROQ_BASE_URL: groq.baseURL,
    GROQ_API_KEY: GROQ_STUB_KEY,
    SHORTS_IMAGES: 'replicate',
    REPLICATE_BASE_URL: replicate.baseUrl,
    REPLICATE_API_TOKEN: REPLICATE_STUB_TOKEN,
    SHORTS_VOICE: 'elevenlabs',
    ELEVENLABS_BASE_URL: elevenlabs.baseUrl,
    ELEVENLABS_API_KEY: ELEVENLABS_STUB_KEY,
    SHORTS_RENDER: 'lambda',
    AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
  };
  runtime = await startLocalRuntime({
    dataDir,
    inMemory: true,
    quiet: true,
    settings,
    runner: {
      waitTimeOverrides: { 'Wait for Render': 250 },
      retryIntervalOverrides: Object.fromEntries(['Generate Script', 'Parse Script', 'Generate Image', 'Generate Voice', 'Start Render', 'Check Render'].map((s) => [s, 20])),
    },
  });
});

afterAll(async () => {
  await runtime?.stop();
  await Promise.all([groq?.stop(), replicate?.stop(), elevenlabs?.stop(), lambda?.stop()]);
  await rm(dataDir, { recursive: true, force: true });
});

async function runJob(prompt: string): Promise<{ job: Job; error?: unknown }> {
  const jobId = `job-${Math.random().toString(36).slice(2, 10)}`;
  const request = VideoRequestSchema.parse({ prompt, seconds: 10, aspect: '9:16' });
  await runtime.jobs.create(newJob({ jobId, userId: 'tester', request, now: new Date() }));
  let error: unknown;
  await runtime.runner.start(jobId, { jobId, request }).result.catch((e: unknown) => (error = e));
  return { job: (await runtime.jobs.get(jobId))!, error };
}

describe('the pipeline with every cloud adapter pointed at its vendor stub', () => {
  it('makes an MP4, retrying transient vendor failures, and totals what every vendor cost', async () => {
    // Prepare: Groq and ElevenLabs each fail once with a 5xx; the state machine retries them
    groq.answer({ content: SHORT_SCRIPT });
    groq.fail('chat', { status: 503, body: { error: { message: 'Service Unavailable', type: 'internal_server_error' } } });
    elevenlabs.fail('tts', { status: 500, body: 'Internal Server Error' });

    // Act
    const { job, error } = await runJob('How honeybees talk to each other');

    // Assess: the job
    expect(error).toBeUndefined();
    expect(job.status).toBe('SUCCEEDED');
    for (const step of STEPS) expect(job.steps[step].status, step).toBe('succeeded');
    expect(job.title).toBe('How honeybees talk');
    expect(job.sceneCount).toBe(4);
    expect(job.steps.script.attempts).toBe(2);
    expect(job.steps.voice.attempts).toBe(2);

    // Assess: each vendor was called through its SDK
    expect(groq.requestsTo('chat')).toHaveLength(2);
    expect(replicate.requestsTo('create')).toHaveLength(4);
    // One take per segment (the hook and each scene), each made once: the failed call's segment is spoken on the retry, the others reused.
    expect(elevenlabs.requestsTo('tts')).toHaveLength(1 + 1 + job.sceneCount!);
    expect(lambda.renders).toHaveLength(1);
    expect(lambda.renders[0]!.outName).toEqual({ bucketName: runtime.contract.buckets.assets.name, key: job.outputKey });

    // Assess: the cost line
    expect(job.cost.script!.usd).toBeGreaterThan(0);
    expect(job.cost.images!.usd).toBeCloseTo(4 * REPLICATE_USD_PER_IMAGE, 10);
    expect(job.cost.voice!.units.characters).toBeGreaterThan(50);
    expect(job.cost.render!.usd).toBe(RENDER_COST_USD);
    expect(jobCostUsd(job)).toBeCloseTo(job.cost.script!.usd + job.cost.images!.usd + job.cost.voice!.usd + RENDER_COST_USD, 3);

    // Assess: a real video, as long as the voice
    const file = path.join(dataDir, 'out.mp4');
    await writeFile(file, await runtime.blobs.get(job.outputKey!));
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file]);
    const probe = JSON.parse(stdout) as { format: { duration: string }; streams: { codec_type: string; codec_name: string; width?: number; height?: number }[] };
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 1080, height: 1920 });
    expect(probe.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
    expect(Math.abs(Number(probe.format.duration) - job.durationMs! / 1000)).toBeLessThan(0.1);

    // Assess: every AWS call of every function was allowed by its role, Remotion Lambda's included
    const report = runtime.accessReport();
    const denied = report.functions.flatMap((fn) => fn.calls.filter((c) => !c.allowed).map((c) => `${fn.name}: ${c.action} ${c.resource}`));
    expect(denied).toEqual([]);
    const calls = (name: string) => report.functions.find((fn) => fn.name === name)?.calls.map((c) => `${c.action} ${c.resource}`) ?? [];
    expect(calls('StartRender')).toContain(`lambda:InvokeFunction ${runtime.contract.render.functionArn}`);
    expect(calls('CheckRender')).toContain(`lambda:InvokeFunction ${runtime.contract.render.functionArn}`);
    // Each vendor step read its own vendor's key, from that key's own secret.
    const ownKey = { GenerateScript: 'GROQ_API_KEY', GenerateImage: 'REPLICATE_API_TOKEN', GenerateVoice: 'ELEVENLABS_API_KEY' } as const;
    for (const [step, key] of Object.entries(ownKey)) {
      expect(calls(step).filter((call) => call.startsWith('secretsmanager:')), step).toEqual([`secretsmanager:GetSecretValue ${runtime.contract.secrets[key]!.arn}`]);
    }
    // The render function wrote the MP4 under its own role (as Remotion Lambda does in AWS).
    expect(calls('RemotionRender').some((call) => call.startsWith('s3:PutObject ') && call.endsWith(job.outputKey!))).toBe(true);
  });

  it('fails the job with the vendor’s reason when a vendor refuses for good', async () => {
    // Prepare: Ideogram refuses a scene (a new style, so no image is already stored)
    groq.answer({ content: JSON.stringify({ ...JSON.parse(SHORT_SCRIPT), style: 'flat vector illustration, pastel colours' }) });
    // Every scene is refused, so no image upload is still running when the test ends.
    const refusal = { failed: 'NSFW content detected. Try running it again, or try a different prompt.' };
    replicate.outcome(refusal, refusal, refusal, refusal);
    const rendersBefore = lambda.renders.length;

    // Act
    const { job, error } = await runJob('Bees again');

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(job.status).toBe('FAILED');
    // (Not job.error.step: Fail Job names job.currentStep, which the parallel voice branch may have set last.)
    // The prompt's own content: a failure the request caused (its refunds are capped, docs/api.md).
    expect(job.error).toMatchObject({ name: 'ContentRejected' });
    expect(job.error?.message).toBe('Replicate refused to draw the scene: NSFW content detected. Try running it again, or try a different prompt.');
    expect(job.steps.images.error).toContain(job.error!.message);
    expect(lambda.renders).toHaveLength(rendersBefore);
  });
});
