import { generateScript } from '../../core/pipeline/script-steps.js';
import type { GenerateScriptEvent } from '../../core/pipeline/events.js';
import { jobStore, scriptWriter } from '../../shared/container.js';
import { stepHandler } from '../../shared/step-handler.js';

export const handler = stepHandler({ step: 'script' }, async (event: GenerateScriptEvent) =>
  generateScript(event, { writer: await scriptWriter(), jobs: jobStore() }),
);
