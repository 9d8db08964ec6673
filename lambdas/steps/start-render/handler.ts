import { startRender } from '../../core/pipeline/render-steps.js';
import type { StartRenderEvent } from '../../core/pipeline/events.js';
import { blobStore, jobStore, renderTimeoutSeconds, systemClock, videoRenderer } from '../../shared/container.js';
import { stepHandler } from '../../shared/step-handler.js';

/** Starts the render; Check Render finishes the "render" step. */
export const handler = stepHandler({ step: 'render', finishes: () => false }, async (event: StartRenderEvent) =>
  startRender(event, {
    renderer: await videoRenderer(),
    blobs: blobStore(),
    jobs: jobStore(),
    clock: systemClock,
    timeoutSeconds: renderTimeoutSeconds(),
  }),
);
