/**
 * Music for a video (docs/api.md "Music"): the moods, the user's checked tracks, and uploading a
 * track — a presigned PUT of the file, then the server's check of its bytes.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { unwrap, type Schemas } from '../../../lambdas/api/client/shorts-client.js';
import { ApiError } from './client.js';
import { useApi } from './hooks.js';

export type Track = Schemas['Track'];
export type MusicChoices = Schemas['Music'];

/** What POST /api/music/uploads accepts (the server checks the bytes again). */
export const TRACK_TYPES = ['audio/mpeg', 'audio/wav'] as const;
export const MAX_TRACK_BYTES = 20 * 1024 * 1024;

/** Mood labels as a user reads them. */
export const MOOD_LABELS: Record<string, string> = { calm: 'Calm', upbeat: 'Upbeat', dramatic: 'Dramatic', inspiring: 'Inspiring', lofi: 'Lo-fi' };

const musicKey = ['music'] as const;

export function useMusic() {
  const api = useApi();
  return useQuery({ queryKey: musicKey, queryFn: () => unwrap(api.client.GET('/api/music')), staleTime: 60_000 });
}

/** The file's declared type: the browser's, else from its name (some browsers give MP3s no type). */
function trackType(file: File): (typeof TRACK_TYPES)[number] | undefined {
  if ((TRACK_TYPES as readonly string[]).includes(file.type)) return file.type as (typeof TRACK_TYPES)[number];
  if (file.type === 'audio/x-wav' || file.type === 'audio/wave' || /\.wav$/i.test(file.name)) return 'audio/wav';
  if (file.type === 'audio/mp3' || /\.mp3$/i.test(file.name)) return 'audio/mpeg';
  return undefined;
}

/** Upload a track: ask for a presigned PUT, send the bytes, have the server check them. */
export function useUploadTrack() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (file: File): Promise<Track> => {
      const contentType = trackType(file);
      if (!contentType) throw new ApiError(400, 'Choose an MP3 or WAV file.');
      if (file.size === 0 || file.size > MAX_TRACK_BYTES) throw new ApiError(400, 'The file must be at most 20 MiB.');
      const ticket = await unwrap(api.client.POST('/api/music/uploads', { body: { name: file.name.slice(0, 100) || 'My track', contentType, bytes: file.size } }));
      let put: Response;
      try {
        put = await fetch(ticket.uploadUrl, { method: 'PUT', headers: ticket.headers, body: file });
      } catch {
        throw new ApiError(0, 'The track could not be sent. Check your connection and try again.');
      }
      if (!put.ok) throw new ApiError(put.status, `The track could not be stored (HTTP ${put.status}). Try again.`);
      const { track } = await unwrap(api.client.POST('/api/music/{trackId}', { params: { path: { trackId: ticket.trackId } } }));
      return track;
    },
    onSettled: () => void client.invalidateQueries({ queryKey: musicKey }),
  });
}
