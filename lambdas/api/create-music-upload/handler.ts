import { startTrackUpload } from '../../core/music-tracks.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { json, parseBody, userRoute } from '../http.js';
import { MusicUploadBody } from '../music-schemas.js';

const deps = fromEnvironment();
const blobs = deps.blobStore();

/** POST /api/music/uploads: a track id and a presigned PUT of exactly the declared type and size; POST /api/music/{trackId} checks the file. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const body = parseBody(event, MusicUploadBody);
  return json(201, await startTrackUpload(caller.userId, body, { blobs, clock: systemClock }));
});
