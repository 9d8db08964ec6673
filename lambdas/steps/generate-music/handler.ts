import { prepareMusicBed } from '../../core/music-bed.js';
import type { GenerateMusicEvent } from '../../core/pipeline/events.js';
import { generateMusic } from '../../core/pipeline/music-steps.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { stepDeps, stepHandler } from '../../shared/step-handler.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const blobs = deps.blobStore();

export const handler = stepHandler(await stepDeps(deps), { step: 'music' }, async (event: GenerateMusicEvent) =>
  generateMusic(event, { music: await deps.musicGenerator(), blobs, jobs, prepareBed: prepareMusicBed }),
);
