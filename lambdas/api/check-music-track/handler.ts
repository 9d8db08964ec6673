import { checkTrack } from '../../core/music-tracks.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { json, pathParam, userRoute } from '../http.js';
import { TrackIdSchema } from '../music-schemas.js';

const deps = fromEnvironment();
const blobs = deps.blobStore();

/** POST /api/music/{trackId}: checks the uploaded file (type from its bytes, size, 5 s to 10 min); a bad one is removed (400 naming `file`). */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const trackId = pathParam(event, 'trackId', TrackIdSchema, 'music track');
  return json(200, { track: await checkTrack(caller.userId, trackId, { blobs }) });
});
