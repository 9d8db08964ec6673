import { generateImage } from '../../core/pipeline/asset-steps.js';
import type { GenerateImageEvent, ImageAsset } from '../../core/pipeline/events.js';
import { blobStore, imageGenerator, jobStore } from '../../shared/container.js';
import { stepHandler } from '../../shared/step-handler.js';

/** One Map iteration: one scene. The "images" step finishes when the last scene is drawn. */
export const handler = stepHandler<GenerateImageEvent & { jobId: string }, ImageAsset>(
  {
    step: 'images',
    finishes: async (_result, { jobs, jobId }) => {
      const step = await jobs.updateStep(jobId, 'images', { addDone: 1 });
      return step.total !== undefined && (step.done ?? 0) >= step.total;
    },
  },
  async (event) => generateImage(event, { images: await imageGenerator(), blobs: blobStore(), jobs: jobStore() }),
);
