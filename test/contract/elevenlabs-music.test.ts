import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ElevenLabsMusicGenerator, ELEVENLABS_MUSIC_USD_PER_MINUTE } from '../../lambdas/adapters/providers/elevenlabs-music.js';
import { ProviderRateLimited, ProviderRejected, ProviderUnavailable } from '../../lambdas/core/errors.js';
import type { Job, StepPatch } from '../../lambdas/core/job.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import { prepareMusicBed } from '../../lambdas/core/music-bed.js';
import { generateMusic, MOOD_PROMPTS, musicLengthMs } from '../../lambdas/core/pipeline/music-steps.js';
import type { JobStore, Spend } from '../../lambdas/core/ports.js';
import { MemoryBlobStore } from '../support/render-blob-store.js';
import { elevenLabsBusy, ELEVENLABS_QUOTA_EXCEEDED, ELEVENLABS_STUB_KEY, startElevenLabsStub, type ElevenLabsStub } from '../support/stubs/elevenlabs-stub.js';

/** ElevenLabs music through its real SDK (`client.music.compose`) against a stub in ElevenLabs' wire format. */
describe('ElevenLabsMusicGenerator against an ElevenLabs stub (@elevenlabs/elevenlabs-js)', () => {
  let stub: ElevenLabsStub;
  const music = (apiKey = ELEVENLABS_STUB_KEY) =>
    new ElevenLabsMusicGenerator({ apiKey: async () => apiKey, baseUrl: stub.baseUrl, timeoutMs: 10_000, sleep: async () => undefined });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error);

  beforeAll(async () => {
    stub = await startElevenLabsStub();
  });
  afterAll(async () => {
    await stub.stop();
  });
  beforeEach(() => stub.reset());

  it('asks POST /v1/music for an instrumental of the length, and returns the MP3 it sends', async () => {
    const { bytes, spend } = await music().compose({ mood: 'calm', prompt: MOOD_PROMPTS.calm, lengthMs: 6000, seed: 42 });
    const [call] = stub.requestsTo('music');
    expect(call!.path).toBe('/v1/music');
    expect(call!.query.get('output_format')).toBe('mp3_44100_128');
    expect(call!.headers['xi-api-key']).toBe(ELEVENLABS_STUB_KEY);
    expect(call!.json).toEqual({ prompt: MOOD_PROMPTS.calm, music_length_ms: 6000, force_instrumental: true, model_id: 'music_v1' });
    const bed = await prepareMusicBed(bytes);
    expect(Math.abs(bed.durationMs - 6000)).toBeLessThan(100);
    expect(spend).toEqual({ units: { musicSeconds: 6 }, usd: 0.1 * ELEVENLABS_MUSIC_USD_PER_MINUTE });
  });

  it('maps refusals to the named errors the state machine retries or fails on', async () => {
    const key = await failure(music('sk_wrong').compose({ mood: 'calm', prompt: 'x', lengthMs: 6000, seed: 1 }));
    expect(key).toBeInstanceOf(ProviderRejected);
    expect(key!.message).toMatch(/refused the API key \(401\).*Check ELEVENLABS_API_KEY/);
    stub.fail('music', ELEVENLABS_QUOTA_EXCEEDED);
    expect((await failure(music().compose({ mood: 'calm', prompt: 'x', lengthMs: 6000, seed: 1 })))!.message).toMatch(/quota is used up/);
    stub.fail('music', elevenLabsBusy(60));
    expect(await failure(music().compose({ mood: 'calm', prompt: 'x', lengthMs: 6000, seed: 1 }))).toBeInstanceOf(ProviderRateLimited);
    stub.fail('music', { status: 503, body: { detail: { status: 'system_busy', message: 'busy' } } });
    expect(await failure(music().compose({ mood: 'calm', prompt: 'x', lengthMs: 6000, seed: 1 }))).toBeInstanceOf(ProviderUnavailable);
  });

  it('through Generate Music: a retry finds the stored bed and ElevenLabs is called (and paid) once', async () => {
    const blobs = new MemoryBlobStore();
    const spends: Spend[] = [];
    const jobs = {
      get: async (jobId: string) => ({ jobId, userId: 'u' }) as Job,
      updateStep: async (_j: string, _s: string, _p: StepPatch) => ({ status: 'running' }),
      addSpend: async (_j: string, _s: string, spend: Spend) => void spends.push(spend),
    } as unknown as JobStore;
    const event = { jobId: 'job-1', request: VideoRequestSchema.parse({ prompt: 'Sea salt', seconds: 10, music: 'upbeat' }), script: {} as never };
    const deps = { music: music(), blobs, jobs, prepareBed: prepareMusicBed };
    const first = await generateMusic(event, deps);
    const again = await generateMusic(event, deps);
    expect(stub.requestsTo('music')).toHaveLength(1);
    expect(stub.requestsTo('music')[0]!.json).toMatchObject({ music_length_ms: musicLengthMs(10), prompt: MOOD_PROMPTS.upbeat });
    expect(spends).toHaveLength(1);
    expect(first!.reused).toBe(false);
    expect(again).toEqual({ ...first, reused: true });
  });
});
