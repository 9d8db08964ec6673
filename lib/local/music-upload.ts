import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { checkTrack, MAX_TRACK_BYTES, startTrackUpload, type TrackContentType } from '../../lambdas/core/music-tracks.js';
import { systemClock } from '../../lambdas/shared/dependencies.js';
import { LOCAL_CLI_USER } from './api-session.js';
import type { LocalRuntime } from './runtime.js';

/** A file's extension says what it is declared as; the check reads its bytes anyway. */
const TYPES: Record<string, TrackContentType> = { '.mp3': 'audio/mpeg', '.wav': 'audio/wav', '.wave': 'audio/wav' };

/** Why a music file cannot be used (the CLI answers it as a usage error). */
export class MusicFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MusicFileError';
  }
}

/**
 * `shorts generate --music track.mp3`: uploads the file the way the dashboard does — a track id
 * and a presigned PUT (POST /api/music/uploads' core), the PUT itself, then the same check of the
 * bytes (POST /api/music/{trackId}'s core) — and returns the track id for `request.music`.
 */
export async function uploadLocalTrack(runtime: LocalRuntime, path: string, userId = LOCAL_CLI_USER): Promise<string> {
  const contentType = TYPES[extname(path).toLowerCase()];
  if (!contentType) throw new MusicFileError(`--music "${path}": a music file must be .mp3 or .wav`);
  const size = (await stat(path)).size;
  if (size === 0 || size > MAX_TRACK_BYTES) throw new MusicFileError(`--music "${path}": the file must be 1 byte to 20 MiB; it is ${size} bytes`);
  const blobs = runtime.blobs;
  const ticket = await startTrackUpload(userId, { name: basename(path).slice(0, 100), contentType, bytes: size }, { blobs, clock: systemClock });
  const put = await fetch(ticket.uploadUrl, { method: 'PUT', headers: ticket.headers, body: await readFile(path) });
  if (!put.ok) throw new Error(`The local store refused the music upload (${put.status}).`);
  try {
    await checkTrack(userId, ticket.trackId, { blobs });
  } catch (error) {
    if (error instanceof Error && error.name === 'InvalidInput') throw new MusicFileError(`--music "${path}": ${error.message.replace(/^file: /, '')}`);
    throw error;
  }
  return ticket.trackId;
}
