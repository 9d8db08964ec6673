import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeRenderId, RemotionLambdaRenderer } from '../../lambdas/adapters/providers/remotion-lambda-renderer.js';
import { ProviderRateLimited, ProviderRejected, ProviderTimeout, ProviderUnavailable, RenderFailed, TRANSIENT_ERROR_NAMES } from '../../lambdas/core/errors.js';
import { checkRender } from '../../lambdas/core/pipeline/render-steps.js';
import type { JobStore } from '../../lambdas/core/ports.js';
import type { ShortVideoProps } from '../../lambdas/core/video-props.js';
import {
  functionCrash,
  lambdaError,
  REMOTION_STUB_BUCKET,
  REMOTION_STUB_FUNCTION,
  startRemotionLambdaStub,
  type RemotionLambdaStub,
} from '../support/stubs/remotion-lambda-stub.js';

const ASSETS = 'ai-shorts-assets-test';
const SERVE_URL = 'https://d1234.cloudfront.net/sites/ai-shorts/index.html';

const props: ShortVideoProps = {
  title: 'Three hearts',
  width: 1080,
  height: 1920,
  fps: 30,
  durationInFrames: 240,
  crossfadeFrames: 12,
  scenes: [
    { imageUrl: 'https://assets.example/scene-0.png', startFrame: 0, durationInFrames: 126 },
    { imageUrl: 'https://assets.example/scene-1.png', startFrame: 114, durationInFrames: 126 },
  ],
  audioUrl: 'https://assets.example/voice.mp3',
  captions: [{ startMs: 0, endMs: 900, tokens: [{ text: 'Three', fromMs: 0, toMs: 400 }, { text: 'hearts', fromMs: 400, toMs: 900 }] }],
  captionStyle: 'bold',
};

/** The variables @remotion/lambda-client's AWS SDK reads: the stub's endpoint and test credentials. */
const ENVIRONMENT = ['AWS_ENDPOINT_URL_LAMBDA', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;

describe('RemotionLambdaRenderer against a Lambda-invoke stub (@remotion/lambda-client)', () => {
  let stub: RemotionLambdaStub;
  const saved = new Map<string, string | undefined>();
  const renderer = (options: { functionName?: string; requestTimeoutMs?: number } = {}) =>
    new RemotionLambdaRenderer({
      functionName: options.functionName ?? REMOTION_STUB_FUNCTION,
      serveUrl: SERVE_URL,
      region: 'us-east-1',
      outputBucket: ASSETS,
      remotionBucket: REMOTION_STUB_BUCKET,
      requestTimeoutMs: options.requestTimeoutMs ?? 5000,
    });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error);
  const start = (r = renderer()) => r.start({ jobId: 'job-1', props, outputKey: 'videos/job-1/three-hearts.mp4' });

  beforeAll(async () => {
    stub = await startRemotionLambdaStub({ pollsUntilDone: 3, costUsd: 0.0421 });
    for (const name of ENVIRONMENT) saved.set(name, process.env[name]);
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    Object.assign(process.env, { AWS_ENDPOINT_URL_LAMBDA: stub.endpoint, AWS_ACCESS_KEY_ID: 'AKIDSTUB', AWS_SECRET_ACCESS_KEY: 'stub-secret' });
  });
  afterAll(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await stub.stop();
  });
  beforeEach(() => {
    stub.reset();
  });

  it('starts renderMediaOnLambda with the composition, its props and our bucket as the output', async () => {
    // Act
    const { renderId } = await start();

    // Assess
    expect(decodeRenderId(renderId).bucketName).toBe(REMOTION_STUB_BUCKET);
    const request = stub.renders.at(-1)!;
    expect(request.serveUrl).toBe(SERVE_URL);
    expect(request.composition).toBe('ShortVideo');
    expect(request.inputProps).toEqual(props);
    expect(request.outName).toEqual({ bucketName: ASSETS, key: 'videos/job-1/three-hearts.mp4' });
    expect(request.payload).toMatchObject({
      type: 'start',
      version: '4.0.527',
      codec: 'h264',
      imageFormat: 'jpeg',
      colorSpace: 'bt709',
      privacy: 'no-acl',
      bucketName: REMOTION_STUB_BUCKET,
      overwrite: true,
    });
  });

  it('polls getRenderProgress until done and maps output, cost and speed', async () => {
    // Prepare
    const r = renderer();
    const { renderId } = await start(r);

    // Act
    const first = await r.progress(renderId);
    const second = await r.progress(renderId);
    const done = await r.progress(renderId);

    // Assess
    expect(first).toEqual({ done: false, progress: 1 / 3 });
    expect(second.progress).toBeGreaterThan(first.progress);
    expect(done).toEqual({
      done: true,
      progress: 1,
      outputKey: 'videos/job-1/three-hearts.mp4',
      spend: { units: { renders: 1, lambdas: 8 }, usd: 0.0421 },
      framesPerSecond: 60,
    });
    const status = stub.requestsTo('invoke').map((c) => JSON.parse(c.body) as { type: string; bucketName?: string });
    expect(status.filter((p) => p.type === 'status').every((p) => p.bucketName === REMOTION_STUB_BUCKET)).toBe(true);
  });

  it("surfaces a fatal render error with Remotion's message, which Check Render turns into RenderFailed", async () => {
    // Prepare
    stub.failNextRender('Error: Timed out while taking a screenshot of frame 112');
    const r = renderer();
    const { renderId } = await start(r);
    const jobs = { updateStep: async () => ({ status: 'running' }), addSpend: async () => {} } as unknown as JobStore;

    // Act
    const progress = await r.progress(renderId);
    const error = await failure(
      checkRender({ jobId: 'job-1', renderId, startedAt: new Date().toISOString(), timeoutSeconds: 900 }, { renderer: r, jobs, clock: { now: () => new Date() } }),
    );

    // Assess
    expect(progress.fatalError).toBe('Error: Timed out while taking a screenshot of frame 112');
    expect(error).toBeInstanceOf(RenderFailed);
    expect(error!.message).toBe('The render failed: Error: Timed out while taking a screenshot of frame 112');
  });

  it('turns Lambda throttling (429) into ProviderRateLimited after one request (the client has maxAttempts 1)', async () => {
    stub.fail('invoke', lambdaError(429, 'TooManyRequestsException', 'Rate Exceeded.'));
    const error = await failure(start());
    expect(error).toBeInstanceOf(ProviderRateLimited);
    expect(error!.message).toMatch(/TooManyRequestsException: Rate Exceeded/);
    expect(stub.requestsTo('invoke')).toHaveLength(1);
  });

  it('turns a Lambda service error and a crashed function into ProviderUnavailable', async () => {
    const r = renderer();
    const { renderId } = await start(r);
    stub.fail('invoke', lambdaError(500, 'ServiceException', 'Lambda was unable to process the request.'), functionCrash('Runtime exited with error: signal: killed'));
    const service = await failure(r.progress(renderId));
    const crash = await failure(r.progress(renderId));
    expect(service).toBeInstanceOf(ProviderUnavailable);
    expect(crash).toBeInstanceOf(ProviderUnavailable);
    expect(TRANSIENT_ERROR_NAMES).toContain(crash!.name);
  });

  it('turns a hung invoke into ProviderTimeout, and a reset or garbled answer into ProviderUnavailable', async () => {
    const r = renderer({ requestTimeoutMs: 300 });
    const { renderId } = await start(r);
    stub.fail('invoke', 'hang');
    const hung = await failure(r.progress(renderId));
    stub.fail('invoke', 'reset');
    const reset = await failure(r.progress(renderId));
    stub.fail('invoke', 'malformed-json');
    const garbled = await failure(r.progress(renderId));
    expect(hung).toBeInstanceOf(ProviderTimeout);
    expect(reset).toBeInstanceOf(ProviderUnavailable);
    expect(garbled).toBeInstanceOf(ProviderUnavailable);
  });

  it('fails permanently, naming the function, when it does not exist', async () => {
    const error = await failure(start(renderer({ functionName: 'remotion-render-4-0-1-mem2048mb-disk2048mb-120sec' })));
    expect(error).toBeInstanceOf(ProviderRejected);
    expect(error!.message).toMatch(/ResourceNotFoundException: Function not found: .*remotion-render-4-0-1/);
  });

  it("fails permanently with Remotion's own words when the function refuses a routine", async () => {
    const error = await failure(renderer().progress(`nosuchrender@${REMOTION_STUB_BUCKET}`));
    expect(error).toBeInstanceOf(RenderFailed);
    expect(error!.message).toMatch(/Remotion Lambda could not report the render progress: No render with ID nosuchrender/);
  });
});
