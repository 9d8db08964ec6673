import { baseLanguage } from '../../core/languages.js';
import { buildCaptions } from '../../core/pipeline/timing-steps.js';
import type { BuildCaptionsEvent } from '../../core/pipeline/events.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { stepDeps, stepHandler } from '../../shared/step-handler.js';

const deps = fromEnvironment();

export const handler = stepHandler(await stepDeps(deps), { step: 'captions' }, async (event: BuildCaptionsEvent) =>
  // Jobs stored before languages existed have no request.language: English.
  buildCaptions(event.words, event.captionStyle, baseLanguage(event.request?.language ?? event.language)),
);
