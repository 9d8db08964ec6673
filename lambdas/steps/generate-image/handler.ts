import { generateImage } from '../../core/pipeline/asset-steps.js';
import type { GenerateImageEvent, ImageAsset } from '../../core/pipeline/events.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { stepDeps, stepHandler } from '../../shared/step-handler.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const blobs = deps.blobStore();

/** One Map iteration: one scene. The "images" step finishes when the last scene is drawn. */
export const handler = stepHandler<GenerateImageEvent & { jobId: string }, ImageAsset>(
  await stepDeps(deps),
  {
    step: 'images',
    finishes: async (result, { jobs: store, jobId }) => {
      // One write: the scene is done, and reused when it was not drawn now (steps.images.reused).
      const step = await store.updateStep(jobId, 'images', { addDone: 1, ...(result.reused ? { addReused: 1 } : {}) });
      return step.total !== undefined && (step.done ?? 0) >= step.total;
    },
  },
  async (event) => generateImage(event, { images: await deps.imageGenerator(), blobs, jobs }),
);
