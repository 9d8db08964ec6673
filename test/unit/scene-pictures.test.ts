import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../lambdas/core/errors.js';
import { generateImage, imageKey } from '../../lambdas/core/pipeline/asset-steps.js';
import { seedFrom } from '../../lambdas/core/pipeline/content-key.js';
import type { GenerateImageEvent } from '../../lambdas/core/pipeline/events.js';
import type { BlobStore, ImageGenerator, ImageRequest, JobStore } from '../../lambdas/core/ports.js';

/** A scene's picture: drawn with its own seed when the user chose one, or taken from the job's own uploads. */

function harness(stored: string[] = []) {
  const keys = new Set(stored);
  const requests: ImageRequest[] = [];
  const blobs = {
    exists: async (key: string) => keys.has(key),
    put: async (key: string) => void keys.add(key),
  } as unknown as BlobStore;
  const images: ImageGenerator = {
    name: 'counting',
    cacheKey: 'counting-v1',
    generate: async (request) => {
      requests.push(request);
      return { bytes: new Uint8Array([1]), contentType: 'image/png', spend: { units: { images: 1 }, usd: 0 } };
    },
  };
  const jobs = { addSpend: async () => undefined } as unknown as JobStore;
  return { deps: { images, blobs, jobs }, requests, keys };
}

const event = (scene: GenerateImageEvent['scene']): GenerateImageEvent => ({ jobId: 'job-1', index: 2, scene, style: 'ink', aspect: '1:1' });
const plain = { narration: 'The tide turns.', imagePrompt: 'A harbour at dusk' };

describe('scene pictures', () => {
  it('keeps the content key of a scene without a seed, and draws it with the derived seed', async () => {
    const { deps, requests } = harness();
    const asset = await generateImage(event(plain), deps);
    expect(asset.key.startsWith(imageKey(deps.images, event(plain)))).toBe(true);
    expect(requests[0]!.seed).toBe(seedFrom(plain.imagePrompt, 2));
  });

  it('reuses the picture of a scene moved to another place (its picture keeps the place it was drawn for)', async () => {
    // Arrange: the scene was drawn at place 2.
    const { deps, requests } = harness();
    const first = await generateImage(event(plain), deps);

    // Act: moved by an edit to place 0 (lambdas/core/storyboard.ts pins pictureIndex 2).
    const moved = await generateImage({ ...event({ ...plain, pictureIndex: 2 }), index: 0 }, deps);

    // Assess
    expect(moved).toEqual({ key: first.key, reused: true });
    expect(requests).toHaveLength(1);
  });

  it('draws a scene with the seed the user chose, under a key of its own', async () => {
    const { deps, requests } = harness();
    const seeded = event({ ...plain, seed: 99 });
    expect(imageKey(deps.images, seeded)).not.toBe(imageKey(deps.images, event(plain)));
    await generateImage(seeded, deps);
    expect(requests.map((r) => r.seed)).toEqual([99]);
  });

  it("uses the job's own upload as it is, with no drawing", async () => {
    const { deps, requests } = harness(['videos/job-1/uploads/a.png']);
    expect(await generateImage(event({ ...plain, imageKey: 'videos/job-1/uploads/a.png' }), deps)).toEqual({ key: 'videos/job-1/uploads/a.png', reused: true });
    expect(requests).toHaveLength(0);
  });

  it("refuses a picture outside the job's uploads, or one that is missing", async () => {
    const { deps, requests } = harness(['videos/job-2/uploads/a.png', 'assets/images/x.png']);
    for (const key of ['videos/job-2/uploads/a.png', 'assets/images/x.png', 'videos/job-1/uploads/../../job-2/uploads/a.png', 'videos/job-1/uploads/gone.png']) {
      await expect(generateImage(event({ ...plain, imageKey: key }), deps), key).rejects.toBeInstanceOf(InvalidInput);
    }
    expect(requests).toHaveLength(0);
  });
});
