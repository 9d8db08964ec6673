import { generateVoice } from '../../core/pipeline/asset-steps.js';
import type { GenerateVoiceEvent } from '../../core/pipeline/events.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { stepDeps, stepHandler } from '../../shared/step-handler.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const blobs = deps.blobStore();

export const handler = stepHandler(await stepDeps(deps), { step: 'voice' }, async (event: GenerateVoiceEvent) =>
  generateVoice(event, { voice: await deps.speechSynthesizer(), blobs, jobs }),
);
