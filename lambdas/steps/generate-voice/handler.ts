import { generateVoice } from '../../core/pipeline/asset-steps.js';
import type { GenerateVoiceEvent } from '../../core/pipeline/events.js';
import { blobStore, jobStore, speechSynthesizer } from '../../shared/container.js';
import { stepHandler } from '../../shared/step-handler.js';

export const handler = stepHandler({ step: 'voice' }, async (event: GenerateVoiceEvent) =>
  generateVoice(event, { voice: await speechSynthesizer(), blobs: blobStore(), jobs: jobStore() }),
);
