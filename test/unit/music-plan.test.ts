import { describe, expect, it } from 'vitest';
import { MUSIC_DUCK_DB, MUSIC_PAUSE_DB } from '../../lambdas/core/mix-levels.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import type { HoldForReviewEvent, StartRenderEvent } from '../../lambdas/core/pipeline/events.js';
import { previewPlan, renderProps } from '../../lambdas/core/pipeline/render-steps.js';
import { holdForReview } from '../../lambdas/core/pipeline/review-steps.js';
import { presignPlan, type PreviewPlan } from '../../lambdas/core/video-props.js';

/** The music bed from Generate Music (event.music) through the preview plan to the composition's props. */

const event: StartRenderEvent = {
  jobId: 'job-m',
  request: VideoRequestSchema.parse({ prompt: 'Tides and moons', seconds: 10, aspect: '1:1', music: 'calm' }),
  title: 'Tides',
  images: [{ key: 'assets/images/a.png', reused: false }],
  audioKey: 'assets/voice/v.wav',
  music: { key: 'assets/music/bed.wav', durationMs: 12_000, reused: false },
  captions: [
    { startMs: 0, endMs: 900, tokens: [{ text: 'Why', fromMs: 0, toMs: 300 }, { text: ' tides', fromMs: 400, toMs: 900 }] },
    { startMs: 3000, endMs: 3600, tokens: [{ text: 'Moon', fromMs: 3000, toMs: 3600 }] },
  ],
  timeline: { fps: 30, durationInFrames: 120, crossfadeFrames: 0, scenes: [{ startFrame: 0, durationInFrames: 120 }] },
};

describe('music in the preview plan and props', () => {
  it('carries the bed key, its length and the merged speech spans with the levels', () => {
    const plan = previewPlan(event);
    expect(plan.musicKey).toBe('assets/music/bed.wav');
    expect(plan.music).toEqual({ durationMs: 12_000, speech: [{ fromMs: 0, toMs: 900 }, { fromMs: 3000, toMs: 3600 }], duckDb: MUSIC_DUCK_DB, pauseDb: MUSIC_PAUSE_DB });
  });

  it('presigns the bed into music.url; no music (null or absent in old executions) means no music prop', async () => {
    const presign = async (key: string) => `https://signed.example/${key}`;
    const props = await presignPlan(previewPlan(event), presign);
    expect(props.music).toMatchObject({ url: 'https://signed.example/assets/music/bed.wav', durationMs: 12_000 });
    for (const music of [null, undefined]) {
      const plan = previewPlan({ ...event, music });
      expect(plan.musicKey).toBeUndefined();
      expect((await presignPlan(plan, presign)).music).toBeUndefined();
    }
    const blobs = { presignGet: async (key: string) => `https://s3.example/${key}` } as unknown as Parameters<typeof renderProps>[1];
    expect((await renderProps(event, blobs)).music?.url).toBe('https://s3.example/assets/music/bed.wav');
  });

  it('Hold for Review writes the same plan, music included', async () => {
    const puts: Array<{ key: string; body: Uint8Array }> = [];
    const held: HoldForReviewEvent = { ...event, execution: 'job-m' };
    await holdForReview(held, {
      blobs: { put: async (key: string, body: Uint8Array) => void puts.push({ key, body }) },
      jobs: { get: async () => undefined, transition: async () => true },
      clock: { now: () => new Date('2026-12-05T00:00:00Z') },
      reviewTtlHours: 48,
    } as unknown as Parameters<typeof holdForReview>[1]);
    const plan = JSON.parse(new TextDecoder().decode(puts[0]!.body)) as PreviewPlan;
    expect(plan.musicKey).toBe('assets/music/bed.wav');
    expect(plan.music?.speech).toHaveLength(2);
  });
});
