import { checkRender } from '../../core/pipeline/render-steps.js';
import type { CheckRenderEvent, RenderStatus } from '../../core/pipeline/events.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { stepDeps, stepHandler } from '../../shared/step-handler.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();

export const handler = stepHandler<CheckRenderEvent, RenderStatus>(await stepDeps(deps), { step: 'render', finishes: (status) => status.done }, async (event) =>
  checkRender(event, { renderer: await deps.videoRenderer(), jobs, clock: systemClock }),
);
