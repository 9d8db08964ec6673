/** Start Render and Hold for Review put the job's caption choices and brand kit into the preview plan; the logo is presigned with the rest. */
import { describe, expect, it } from 'vitest';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import { previewPlan } from '../../lambdas/core/pipeline/render-steps.js';
import type { StartRenderEvent } from '../../lambdas/core/pipeline/events.js';
import { presignPlan } from '../../lambdas/core/video-props.js';

const KIT = { logoKey: 'brand/abc/logo-1.png', logoPosition: 'bottom-left', logoOpacity: 0.5, primaryColor: '#112233', textColor: '#FFFFFF', font: 'anton' } as const;

function event(request: Record<string, unknown>): StartRenderEvent {
  return {
    jobId: 'job-1',
    request: { ...VideoRequestSchema.parse({ prompt: 'Salt in the sea', seconds: 10, ...request }), ...(request.brandKit ? { brandKit: request.brandKit as typeof KIT } : {}) },
    title: 'Salt',
    images: [{ key: 'assets/images/a.png', reused: false }],
    audioKey: 'assets/voice/a.mp3',
    captions: [],
    timeline: { fps: 30, durationInFrames: 300, crossfadeFrames: 0, scenes: [{ startFrame: 0, durationInFrames: 300 }] },
  };
}

describe('the preview plan', () => {
  it('carries captionPosition, captionSize and the brand kit copied onto the job; the logo key becomes a presigned URL', async () => {
    const plan = previewPlan(event({ captionStyle: 'subtitle', captionPosition: 'top', captionSize: 'small', brand: true, brandKit: KIT }));
    expect(plan).toMatchObject({ captionStyle: 'subtitle', captionPosition: 'top', captionSize: 'small', brand: KIT });
    const props = await presignPlan(plan, async (key) => `https://signed.example/${key}`);
    expect(props.brand).toEqual({ logoUrl: 'https://signed.example/brand/abc/logo-1.png', logoPosition: 'bottom-left', logoOpacity: 0.5, primaryColor: '#112233', textColor: '#FFFFFF', font: 'anton' });
  });

  it('has no brand without brand: true, and no caption overrides unless asked', () => {
    const plan = previewPlan(event({ brandKit: KIT }));
    expect(plan.brand).toBeUndefined();
    expect(plan).not.toHaveProperty('captionPosition');
    expect(plan).not.toHaveProperty('captionSize');
  });
});
