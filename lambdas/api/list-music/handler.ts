import { MUSIC_MOODS } from '../../core/model.js';
import { listTracks } from '../../core/music-tracks.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { json, userRoute } from '../http.js';

const deps = fromEnvironment();
const blobs = deps.blobStore();

/** GET /api/music: the moods and the caller's checked tracks. */
export const handler = userRoute(deps, async ({ caller }) => json(200, { moods: MUSIC_MOODS, tracks: await listTracks(caller.userId, { blobs }) }));
