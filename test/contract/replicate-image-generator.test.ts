import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReplicateImageGenerator, REPLICATE_USD_PER_IMAGE } from '../../lambdas/adapters/providers/replicate-image-generator.js';
import { ProviderRateLimited, ProviderRejected, ProviderTimeout, ProviderUnavailable, TRANSIENT_ERROR_NAMES } from '../../lambdas/core/errors.js';
import { generateImage } from '../../lambdas/core/pipeline/asset-steps.js';
import type { ImageRequest, JobStore, Spend } from '../../lambdas/core/ports.js';
import { MemoryBlobStore } from '../support/render-blob-store.js';
import { replicateThrottled, REPLICATE_STUB_TOKEN, startReplicateStub, type ReplicateStub } from '../support/stubs/replicate-stub.js';

const scene = (prompt = 'A red fox crossing a snowy field at dawn.'): ImageRequest => ({
  prompt,
  style: 'soft watercolor, muted teal and amber palette',
  aspect: '9:16',
  width: 1080,
  height: 1920,
  seed: 1234,
});

const PNG = [0x89, 0x50, 0x4e, 0x47];

interface CreateBody {
  input: { prompt: string; aspect_ratio: string; seed: number; magic_prompt_option: string };
}

describe('ReplicateImageGenerator against a Replicate stub (replicate SDK)', () => {
  let stub: ReplicateStub;
  let slept: number[];
  const generator = (options: { token?: string; requestTimeoutMs?: number; deadlineMs?: number; baseUrl?: string } = {}) =>
    new ReplicateImageGenerator({
      apiToken: async () => options.token ?? REPLICATE_STUB_TOKEN,
      baseUrl: options.baseUrl ?? stub.baseUrl,
      requestTimeoutMs: options.requestTimeoutMs ?? 2000,
      pollIntervalMs: 10,
      ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error);

  beforeAll(async () => {
    stub = await startReplicateStub();
  });
  afterAll(async () => {
    await stub.stop();
  });
  beforeEach(() => {
    stub.reset();
    stub.setMode('sync');
    slept = [];
  });

  it('runs ideogram-v3-turbo with the video aspect ratio, the shared style and the seed, and returns the image bytes', async () => {
    // Act
    const image = await generator().generate(scene());

    // Assess
    expect([...image.bytes.subarray(0, 4)]).toEqual(PNG);
    expect(image.contentType).toBe('image/png');
    expect(image.spend).toEqual({ units: { images: 1 }, usd: REPLICATE_USD_PER_IMAGE });
    const [create] = stub.requestsTo('create');
    expect(create!.path).toBe('/v1/models/ideogram-ai/ideogram-v3-turbo/predictions');
    expect(create!.headers.prefer).toBe('wait=60');
    expect(create!.headers.authorization).toBe(`Bearer ${REPLICATE_STUB_TOKEN}`);
    const { input } = create!.json as CreateBody;
    expect(input.aspect_ratio).toBe('9:16');
    expect(input.seed).toBe(1234);
    expect(input.magic_prompt_option).toBe('Off');
    expect(input.prompt).toMatch(/^A red fox crossing a snowy field at dawn\. Style: soft watercolor, muted teal and amber palette\./);
    expect(stub.requestsTo('file')).toHaveLength(1);
  });

  it('gives every scene of a video the same style clause', async () => {
    await generator().generate(scene('A lighthouse in fog'));
    await generator().generate({ ...scene('A fishing boat at night'), aspect: '16:9' });
    const prompts = stub.requestsTo('create').map((r) => (r.json as CreateBody).input.prompt);
    const style = (p: string) => p.slice(p.indexOf('Style:'));
    expect(style(prompts[0]!)).toBe(style(prompts[1]!));
    expect((stub.requestsTo('create')[1]!.json as CreateBody).input.aspect_ratio).toBe('16:9');
  });

  it('keeps polling when the held request ends before the image is ready', async () => {
    // Prepare: the wait runs out while the prediction is still processing
    stub.setMode('async', 3);

    // Act
    const image = await generator().generate(scene());

    // Assess
    expect([...image.bytes.subarray(0, 4)]).toEqual(PNG);
    expect(stub.requestsTo('poll')).toHaveLength(3);
  });

  it('cancels the prediction and throws ProviderTimeout when it outlives the deadline', async () => {
    stub.setMode('async', 1_000_000);
    const error = await failure(generator({ deadlineMs: 300 }).generate(scene()));
    expect(error).toBeInstanceOf(ProviderTimeout);
    expect(stub.requestsTo('cancel')).toHaveLength(1);
  });

  it('reads an output given as a list', async () => {
    stub.outcome('array-output');
    const image = await generator().generate(scene());
    expect([...image.bytes.subarray(0, 4)]).toEqual(PNG);
  });

  it('reads a FileOutput (an https output URL) through the given fetch', async () => {
    // Prepare: outputs on an https host, as replicate.delivery serves them; fetch maps it to a stub
    const https = await startReplicateStub({ outputOrigin: 'https://replicate.delivery' });
    const mapped: typeof fetch = (input, init) =>
      fetch(String(input instanceof Request ? input.url : input).replace('https://replicate.delivery', https.url), init);
    try {
      const files = new ReplicateImageGenerator({ apiToken: async () => REPLICATE_STUB_TOKEN, baseUrl: https.baseUrl, useFileOutput: true, fetch: mapped });

      // Act
      const image = await files.generate(scene());

      // Assess: downloaded once, by the FileOutput itself
      expect([...image.bytes.subarray(0, 4)]).toEqual(PNG);
      expect(https.requestsTo('file')).toHaveLength(1);
    } finally {
      await https.stop();
    }
  });

  it('turns an empty output into ProviderUnavailable', async () => {
    stub.outcome('empty-output');
    const error = await failure(generator().generate(scene()));
    expect(error).toBeInstanceOf(ProviderUnavailable);
    expect(error!.message).toMatch(/returned no image/);
  });

  it('fails permanently when the model refuses the prompt, transiently when it just failed', async () => {
    stub.outcome({ failed: 'NSFW content detected. Try a different prompt.' }, { failed: 'CUDA error: out of memory' });
    const refused = await failure(generator().generate(scene()));
    const crashed = await failure(generator().generate(scene()));
    expect(refused).toBeInstanceOf(ProviderRejected);
    // The request's own fault, so its refunds are capped (lambdas/core/credits.ts): not a refused key.
    expect(refused!.name).toBe('ContentRejected');
    expect(refused!.message).toMatch(/Replicate refused to draw the scene: NSFW content detected/);
    expect(crashed).toBeInstanceOf(ProviderUnavailable);
  });

  it('waits out a short Retry-After once, in-process', async () => {
    stub.fail('create', replicateThrottled(1));
    const image = await generator().generate(scene());
    expect(image.bytes.length).toBeGreaterThan(0);
    expect(slept).toEqual([1000]);
    expect(stub.requestsTo('create')).toHaveLength(2);
  });

  it('throws ProviderRateLimited for a long Retry-After after ONE request (the SDK would retry 5 more times)', async () => {
    stub.fail('create', replicateThrottled(20));
    const error = await failure(generator().generate(scene()));
    expect(error).toBeInstanceOf(ProviderRateLimited);
    expect((error as ProviderRateLimited).retryAfterMs).toBe(20_000);
    expect(stub.requestsTo('create')).toHaveLength(1);
  });

  it('turns a 500 into ProviderUnavailable after one request', async () => {
    stub.fail('create', { status: 500, body: { title: 'Internal Server Error', detail: 'Something went wrong', status: 500 } });
    const error = await failure(generator().generate(scene()));
    expect(error).toBeInstanceOf(ProviderUnavailable);
    expect(TRANSIENT_ERROR_NAMES).toContain(error!.name);
    expect(stub.requestsTo('create')).toHaveLength(1);
  });

  it('turns a 500 while polling into ProviderUnavailable', async () => {
    stub.setMode('async', 3);
    stub.fail('poll', { status: 503, body: { detail: 'Service Unavailable' } });
    const error = await failure(generator().generate(scene()));
    expect(error).toBeInstanceOf(ProviderUnavailable);
    expect(stub.requestsTo('poll')).toHaveLength(1);
  });

  it('turns a hung response into ProviderTimeout', async () => {
    stub.fail('create', 'hang');
    const error = await failure(generator({ requestTimeoutMs: 300 }).generate(scene()));
    expect(error).toBeInstanceOf(ProviderTimeout);
  });

  it('turns a reset connection and malformed JSON into ProviderUnavailable', async () => {
    stub.fail('create', 'reset');
    const reset = await failure(generator().generate(scene()));
    stub.fail('create', 'malformed-json');
    const malformed = await failure(generator().generate(scene()));
    expect(reset).toBeInstanceOf(ProviderUnavailable);
    expect(malformed).toBeInstanceOf(ProviderUnavailable);
  });

  it('retries a failed download by failing transiently (the next attempt gets a fresh file)', async () => {
    stub.fail('file', { status: 404, body: { detail: 'The file has expired' } });
    const error = await failure(generator().generate(scene()));
    expect(error).toBeInstanceOf(ProviderUnavailable);
    expect(error!.message).toMatch(/could not be downloaded \(404\)/);
  });

  it('explains a refused token and a rejected input as permanent errors', async () => {
    const refused = await failure(generator({ token: 'r8_wrong' }).generate(scene()));
    stub.fail('create', { status: 422, body: { title: 'Input validation failed', detail: '- input.prompt: prompt is too long', status: 422 } });
    const invalid = await failure(generator().generate(scene()));
    expect(refused).toBeInstanceOf(ProviderRejected);
    expect(refused!.message).toBe('Replicate refused the API key (401): You did not pass a valid authentication token. Check REPLICATE_API_TOKEN.');
    expect(invalid).toBeInstanceOf(ProviderRejected);
    expect(invalid!.message).toMatch(/Replicate rejected the request \(422\): - input\.prompt: prompt is too long/);
  });

  it('accepts a bare origin as REPLICATE_BASE_URL', async () => {
    const image = await generator({ baseUrl: stub.url }).generate(scene());
    expect(image.contentType).toBe('image/png');
  });

  it('is paid once per scene: the Generate Image step reuses the stored image on a retry', async () => {
    // Prepare
    const blobs = new MemoryBlobStore();
    const spends: Spend[] = [];
    const jobs = { addSpend: async (_jobId: string, _step: string, spend: Spend) => void spends.push(spend) } as unknown as JobStore;
    const event = { jobId: 'job-1', index: 0, scene: { narration: 'A fox.', imagePrompt: 'A red fox in snow' }, style: 'watercolor', aspect: '9:16' as const };
    const images = generator();

    // Act
    const first = await generateImage(event, { images, blobs, jobs });
    const again = await generateImage(event, { images, blobs, jobs });

    // Assess
    expect(first.reused).toBe(false);
    expect(first.key).toMatch(/\.png$/);
    expect(again).toEqual({ key: first.key, reused: true });
    expect(stub.requestsTo('create')).toHaveLength(1);
    expect(spends).toEqual([{ units: { images: 1 }, usd: REPLICATE_USD_PER_IMAGE }]);
  });
});
