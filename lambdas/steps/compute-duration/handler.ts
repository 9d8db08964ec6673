import { computeTimeline } from '../../core/pipeline/timing-steps.js';
import type { ComputeDurationEvent } from '../../core/pipeline/events.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { stepDeps, stepHandler } from '../../shared/step-handler.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();

export const handler = stepHandler(await stepDeps(deps), { step: 'duration' }, async (event: ComputeDurationEvent) => {
  const timeline = computeTimeline(event.voice, event.script.scenes.length);
  await jobs.update(event.jobId, { durationMs: Math.round((timeline.durationInFrames * 1000) / timeline.fps) });
  return timeline;
});
