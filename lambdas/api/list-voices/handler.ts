import { fromEnvironment } from '../../shared/dependencies.js';
import { json, userRoute } from '../http.js';

const deps = fromEnvironment();
const catalog = await deps.voiceCatalog();

/** GET /api/voices: the voices a caller may choose with the configured voice provider, and the default. */
export const handler = userRoute(deps, async () =>
  json(200, { provider: catalog.provider, defaultVoice: catalog.defaultVoice, voices: catalog.voices }, { 'cache-control': 'private, max-age=300' }),
);
