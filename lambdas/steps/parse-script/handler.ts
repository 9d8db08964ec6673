import { parseScript } from '../../core/pipeline/script-steps.js';
import type { ParseScriptEvent } from '../../core/pipeline/events.js';
import { jobStore } from '../../shared/container.js';
import { stepHandler } from '../../shared/step-handler.js';

export const handler = stepHandler({ step: 'parse' }, (event: ParseScriptEvent) => parseScript(event, { jobs: jobStore() }));
