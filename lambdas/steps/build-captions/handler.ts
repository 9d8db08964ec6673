import { buildCaptions } from '../../core/pipeline/timing-steps.js';
import type { BuildCaptionsEvent } from '../../core/pipeline/events.js';
import { stepHandler } from '../../shared/step-handler.js';

export const handler = stepHandler({ step: 'captions' }, async (event: BuildCaptionsEvent) => buildCaptions(event.words, event.captionStyle));
