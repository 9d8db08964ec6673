import { computeTimeline } from '../../core/pipeline/timing-steps.js';
import type { ComputeDurationEvent } from '../../core/pipeline/events.js';
import { jobStore } from '../../shared/container.js';
import { stepHandler } from '../../shared/step-handler.js';

export const handler = stepHandler({ step: 'duration' }, async (event: ComputeDurationEvent) => {
  const timeline = computeTimeline(event.voice, event.script.scenes.length);
  await jobStore().update(event.jobId, { durationMs: Math.round((timeline.durationInFrames * 1000) / timeline.fps) });
  return timeline;
});
