import { checkRender } from '../../core/pipeline/render-steps.js';
import type { CheckRenderEvent, RenderStatus } from '../../core/pipeline/events.js';
import { jobStore, systemClock, videoRenderer } from '../../shared/container.js';
import { stepHandler } from '../../shared/step-handler.js';

export const handler = stepHandler<CheckRenderEvent, RenderStatus>({ step: 'render', finishes: (status) => status.done }, async (event) =>
  checkRender(event, { renderer: await videoRenderer(), jobs: jobStore(), clock: systemClock }),
);
