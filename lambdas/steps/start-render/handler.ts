import { startRender } from '../../core/pipeline/render-steps.js';
import type { StartRenderEvent } from '../../core/pipeline/events.js';
import { ENV } from '../../shared/env.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { stepDeps, stepHandler } from '../../shared/step-handler.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const blobs = deps.blobStore();

/** Starts the render; Check Render finishes the "render" step. */
export const handler = stepHandler(await stepDeps(deps), { step: 'render', finishes: () => false }, async (event: StartRenderEvent) =>
  startRender(event, {
    renderer: await deps.videoRenderer(),
    blobs,
    jobs,
    clock: systemClock,
    timeoutSeconds: deps.config[ENV.RENDER_TIMEOUT_SECONDS],
  }),
);
