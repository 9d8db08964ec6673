import { describe, expect, it } from 'vitest';
import { cloudModel, DEFAULT_ASSUMPTIONS, remotionFramesPerLambda } from '../bench/cloud-model.js';

describe('the cloud model of a short on AWS', () => {
  it("splits frames over render functions as Remotion Lambda's default does", () => {
    // Remotion's own expectations for bestFramesPerLambdaParam.
    expect([20, 21, 100, 2000, 4000, 8000, 10000, 14000, 18000].map(remotionFramesPerLambda)).toEqual([20, 11, 20, 24, 44, 74, 86, 105, 120]);
  });

  it('adds its lines up, renders every frame and runs the slower of pictures and voice', () => {
    const model = cloudModel();
    expect(model.frames).toBe(1800);
    expect(model.renderFunctions * model.framesPerLambda).toBeGreaterThanOrEqual(model.frames);
    expect(model.usd).toBeCloseTo(model.lines.reduce((sum, l) => sum + l.usd, 0), 10);
    const longer = cloudModel({ ...DEFAULT_ASSUMPTIONS, imageSeconds: DEFAULT_ASSUMPTIONS.imageSeconds + 10 });
    expect(longer.seconds - model.seconds).toBeCloseTo(20, 5); // two waves of four pictures each take 10 s longer
    const twice = cloudModel({ ...DEFAULT_ASSUMPTIONS, scenes: DEFAULT_ASSUMPTIONS.scenes * 2 });
    expect(twice.lines.find((l) => l.what.startsWith('pictures'))!.usd).toBeCloseTo(2 * model.lines.find((l) => l.what.startsWith('pictures'))!.usd, 10);
  });
});
