import { deleteTrack } from '../../core/music-tracks.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { pathParam, userRoute } from '../http.js';
import { TrackIdSchema } from '../music-schemas.js';

const deps = fromEnvironment();
const blobs = deps.blobStore();

/** DELETE /api/music/{trackId}: removes the track (videos already made keep their music). */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const trackId = pathParam(event, 'trackId', TrackIdSchema, 'music track');
  await deleteTrack(caller.userId, trackId, { blobs });
  return { statusCode: 204, headers: {}, body: '' };
});
