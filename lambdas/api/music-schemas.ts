import { z } from 'zod';
import { MUSIC_MOODS, MUSIC_TRACK_ID } from '../core/model.js';
import { MAX_TRACK_BYTES, TRACK_CONTENT_TYPES } from '../core/music-tracks.js';

/** POST /api/music/uploads */
export const MusicUploadBody = z
  .object({
    name: z.string({ error: 'name must be a string' }).trim().min(1, 'name must not be empty').max(100, 'name must be at most 100 characters'),
    contentType: z.enum(TRACK_CONTENT_TYPES, { error: `contentType must be one of ${TRACK_CONTENT_TYPES.join(', ')}` }),
    bytes: z
      .number({ error: 'bytes must be a number' })
      .int('bytes must be a whole number')
      .min(1, 'bytes must be at least 1')
      .max(MAX_TRACK_BYTES, `bytes must be at most ${MAX_TRACK_BYTES} (20 MiB)`),
  })
  .strict()
  .meta({ id: 'MusicUploadRequest' });

export const MusicUploadTicket = z
  .object({
    trackId: z.string().describe('`trk_` and 20 letters or digits.'),
    uploadUrl: z.string().describe('PUT the file here, with `headers` (its type and length are signed), within `expiresAt`.'),
    headers: z.record(z.string(), z.string()),
    expiresAt: z.string(),
  })
  .meta({ id: 'MusicUploadTicket' });

export const TrackView = z
  .object({ trackId: z.string(), name: z.string(), durationMs: z.number().int(), createdAt: z.string() })
  .meta({ id: 'Track' });

export const CheckedTrackView = z.object({ track: TrackView }).meta({ id: 'CheckedTrack' });

export const MusicView = z
  .object({ moods: z.array(z.enum(MUSIC_MOODS)), tracks: z.array(TrackView).describe("The caller's checked tracks, newest first.") })
  .meta({ id: 'Music' });

/** A track id in a path: anything else names no track (404). */
export const TrackIdSchema = z.string().regex(MUSIC_TRACK_ID, 'not a track id');
