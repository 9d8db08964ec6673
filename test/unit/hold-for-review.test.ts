import { describe, expect, it } from 'vitest';
import type { JobTransition } from '../../lambdas/core/ports.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import { holdForReview } from '../../lambdas/core/pipeline/review-steps.js';
import type { HoldForReviewEvent } from '../../lambdas/core/pipeline/events.js';
import { previewKey } from '../../lambdas/core/video-props.js';

/** Hold for Review: the preview plan written, the job moved to REVIEW on this execution's attempt only. */

const now = new Date('2026-12-04T12:00:00Z');
const event: HoldForReviewEvent = {
  jobId: 'job-9',
  execution: 'job-9-r2',
  request: VideoRequestSchema.parse({ prompt: 'Tides and moons', seconds: 10, aspect: '1:1' }),
  title: 'Tides',
  images: [{ key: 'assets/images/a.png', reused: false }, { key: 'assets/images/b.png', reused: true }],
  audioKey: 'assets/voice/v.wav',
  captions: [],
  timeline: { fps: 30, durationInFrames: 300, crossfadeFrames: 12, scenes: [{ startFrame: 0, durationInFrames: 156 }, { startFrame: 144, durationInFrames: 156 }] },
};

function harness(moved: boolean) {
  const puts: string[] = [];
  const transitions: { expected: unknown; change: JobTransition }[] = [];
  const deps = {
    blobs: { put: async (key: string) => void puts.push(key) },
    jobs: {
      get: async () => undefined,
      transition: async (_id: string, expected: unknown, change: JobTransition) => {
        transitions.push({ expected, change });
        return !moved;
      },
    },
    clock: { now: () => now },
    reviewTtlHours: 48,
  } as unknown as Parameters<typeof holdForReview>[1];
  return { deps, puts, transitions };
}

describe('holdForReview', () => {
  it("writes the preview plan and moves the job to REVIEW on the execution's attempt", async () => {
    const { deps, puts, transitions } = harness(false);
    expect(await holdForReview(event, deps)).toEqual({ held: true, expiresAt: '2026-12-06T12:00:00.000Z' });
    expect(puts).toEqual([previewKey('job-9')]);
    expect(transitions).toEqual([
      {
        expected: { status: 'RUNNING', attempt: 2 },
        change: { set: { status: 'REVIEW', reviewExpiresAt: '2026-12-06T12:00:00.000Z', durationMs: 10_000, thumbnailKey: 'assets/images/a.png' }, remove: ['currentStep'] },
      },
    ]);
  });

  it('leaves a job that moved on as it is, without throwing', async () => {
    const { deps } = harness(true);
    expect(await holdForReview(event, deps)).toEqual({ held: false });
  });

  it("does not touch a job from an execution that is not one of its own", async () => {
    const { deps, transitions } = harness(false);
    expect(await holdForReview({ ...event, execution: 'other-job' }, deps)).toEqual({ held: false });
    expect(transitions).toHaveLength(0);
  });
});
