import { describe, expect, it } from 'vitest';
import { SynthMusicGenerator } from '../../lambdas/adapters/offline/music-synth.js';
import { InvalidInput } from '../../lambdas/core/errors.js';
import type { Job, StepPatch } from '../../lambdas/core/job.js';
import { VideoRequestSchema, type VideoRequest } from '../../lambdas/core/model.js';
import { prepareMusicBed } from '../../lambdas/core/music-bed.js';
import { generateMusic, musicLengthMs, trackKey } from '../../lambdas/core/pipeline/music-steps.js';
import type { JobStore, MusicGenerator, MusicRequest, Spend } from '../../lambdas/core/ports.js';
import { MemoryBlobStore } from '../support/render-blob-store.js';

/** Generate Music: none → null; a mood composed once and reused; an upload prepared; length from the request. */

function harness() {
  const blobs = new MemoryBlobStore();
  const asked: MusicRequest[] = [];
  const synth = new SynthMusicGenerator();
  const music: MusicGenerator = {
    name: 'counting',
    cacheKey: 'counting-v1',
    compose: async (request) => {
      asked.push(request);
      return { ...(await synth.compose({ ...request, lengthMs: 3000 })), spend: { units: { seconds: 3 }, usd: 0.25 } };
    },
  };
  const spends: Spend[] = [];
  const steps: StepPatch[] = [];
  const jobs = {
    get: async (jobId: string) => ({ jobId, userId: 'user-1' }) as Job,
    updateStep: async (_jobId: string, _step: string, patch: StepPatch) => {
      steps.push(patch);
      return { status: 'running' };
    },
    addSpend: async (_jobId: string, step: string, spend: Spend) => {
      expect(step).toBe('music');
      spends.push(spend);
    },
  } as unknown as JobStore;
  return { blobs, music, jobs, asked, spends, steps, deps: { music, blobs, jobs, prepareBed: prepareMusicBed } };
}

const request = (music: string, seconds = 20): VideoRequest => VideoRequestSchema.parse({ prompt: 'Why the sea is salty', seconds, music });
const script = { title: 't', hook: 'h', style: 's', scenes: [] } as never;

describe('Generate Music', () => {
  it('returns null and asks nothing for music none, and for a request stored before music existed', async () => {
    const h = harness();
    expect(await generateMusic({ jobId: 'j1', request: request('none'), script }, h.deps)).toBeNull();
    const old = { ...request('none') } as Partial<VideoRequest>;
    delete old.music;
    expect(await generateMusic({ jobId: 'j1', request: old as VideoRequest, script }, h.deps)).toBeNull();
    expect(h.asked).toHaveLength(0);
  });

  it('composes a mood once, long enough for the video, and a retry reuses it without paying again', async () => {
    const h = harness();
    const first = await generateMusic({ jobId: 'job-a', request: request('calm', 20), script }, h.deps);
    expect(first).toMatchObject({ reused: false, durationMs: 3000 });
    expect(first!.key).toMatch(/^assets\/music\/[0-9a-f]{64}\.wav$/);
    expect(h.asked).toEqual([expect.objectContaining({ mood: 'calm', lengthMs: musicLengthMs(20) })]);
    expect(musicLengthMs(20)).toBe(29_000);
    expect(h.spends).toEqual([{ units: { seconds: 3 }, usd: 0.25 }]);
    expect(new TextDecoder().decode((await h.blobs.get(first!.key)).subarray(0, 4))).toBe('RIFF');

    const retry = await generateMusic({ jobId: 'job-a', request: request('calm', 20), script }, h.deps);
    expect(retry).toEqual({ ...first, reused: true });
    expect(h.asked).toHaveLength(1);
    expect(h.spends).toHaveLength(1);
    expect(h.steps.at(-1)).toEqual({ total: 1, done: 1, reused: 1 });
  });

  it('gives another video (another seed) and another mood their own beds', async () => {
    const h = harness();
    const a = await generateMusic({ jobId: 'job-a', request: request('calm'), script }, h.deps);
    const b = await generateMusic({ jobId: 'job-b', request: request('calm'), script }, h.deps);
    const c = await generateMusic({ jobId: 'job-a', request: request('lofi'), script }, h.deps);
    expect(new Set([a!.key, b!.key, c!.key]).size).toBe(3);
    expect(h.asked[0]!.seed).not.toBe(h.asked[1]!.seed);
  });

  it("prepares the user's own uploaded track, and says so plainly when it is gone", async () => {
    const h = harness();
    const trackId = 'trk_ABCDEFGHIJ0123456789';
    const upload = await new SynthMusicGenerator().compose({ mood: 'upbeat', prompt: '', lengthMs: 6000, seed: 1 });
    await h.blobs.put(trackKey('user-1', trackId), upload.bytes, 'audio/wav');
    const bed = await generateMusic({ jobId: 'job-a', request: request(trackId), script }, h.deps);
    expect(bed).toMatchObject({ reused: false, durationMs: 6000 });
    expect(h.asked).toHaveLength(0);

    const other = 'trk_ZZZZZZZZZZ0123456789';
    await expect(generateMusic({ jobId: 'job-a', request: request(other), script }, h.deps)).rejects.toBeInstanceOf(InvalidInput);
  });
});
