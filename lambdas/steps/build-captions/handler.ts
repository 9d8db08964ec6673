import { buildCaptions } from '../../core/pipeline/timing-steps.js';
import type { BuildCaptionsEvent } from '../../core/pipeline/events.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { stepDeps, stepHandler } from '../../shared/step-handler.js';

const deps = fromEnvironment();

export const handler = stepHandler(await stepDeps(deps), { step: 'captions' }, async (event: BuildCaptionsEvent) =>
  buildCaptions(event.words, event.captionStyle),
);
