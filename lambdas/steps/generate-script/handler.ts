import { generateScript } from '../../core/pipeline/script-steps.js';
import type { GenerateScriptEvent } from '../../core/pipeline/events.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { stepDeps, stepHandler } from '../../shared/step-handler.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();

export const handler = stepHandler(await stepDeps(deps), { step: 'script' }, async (event: GenerateScriptEvent) =>
  generateScript(event, { writer: await deps.scriptWriter(), jobs }),
);
