/**
 * Music tracks users upload for their videos (docs/api.md "Music"): a presigned PUT of exactly the
 * declared type and size to `uploads/music/{userId}/{trackId}`, a small record beside it
 * (`….json`), then a check of the bytes — the real type (MP3 frames or RIFF/WAVE), the size and
 * the length — before the track can be used. A bad file is removed with its record.
 */
import { randomBytes } from 'node:crypto';
import { InvalidInput, NotFound } from './errors.js';
import { MUSIC_TRACK_ID } from './model.js';
import { mp3DurationMs } from './mp3-duration.js';
import { decodeWav, sniffAudio } from './pcm.js';
import { trackKey, trackPrefix } from './pipeline/music-steps.js';
import type { BlobStore, Clock } from './ports.js';

export const TRACK_CONTENT_TYPES = ['audio/mpeg', 'audio/wav'] as const;
export type TrackContentType = (typeof TRACK_CONTENT_TYPES)[number];
export const MAX_TRACK_BYTES = 20 * 1024 * 1024;
export const MIN_TRACK_MS = 5000;
export const MAX_TRACK_MS = 10 * 60 * 1000;
/** Checked tracks a user may keep. */
export const MAX_TRACKS = 50;
export const TRACK_UPLOAD_URL_SECONDS = 15 * 60;

/** A checked track as users see it. */
export interface Track {
  trackId: string;
  name: string;
  durationMs: number;
  createdAt: string;
}

/** The record beside the upload: `pending` until POST /api/music/{trackId} checks the file. */
interface TrackRecord {
  trackId: string;
  name: string;
  contentType: TrackContentType;
  bytes: number;
  createdAt: string;
  status: 'pending' | 'ready';
  durationMs?: number;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `trk_` and 20 random letters or digits (MUSIC_TRACK_ID). */
export function newTrackId(): string {
  // 62 does not divide 256: drop the few high bytes that would favour some letters.
  const out: string[] = [];
  while (out.length < 20) {
    for (const byte of randomBytes(32)) if (byte < 248 && out.length < 20) out.push(ALPHANUMERIC[byte % 62]!);
  }
  return `trk_${out.join('')}`;
}

const recordKey = (userId: string, trackId: string) => `${trackKey(userId, trackId)}.json`;

async function readRecord(blobs: BlobStore, userId: string, trackId: string): Promise<TrackRecord | undefined> {
  if (!MUSIC_TRACK_ID.test(trackId)) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(await blobs.get(recordKey(userId, trackId)))) as TrackRecord;
  } catch (error) {
    if (error instanceof NotFound) return undefined;
    throw error;
  }
}

async function writeRecord(blobs: BlobStore, userId: string, record: TrackRecord): Promise<void> {
  await blobs.put(recordKey(userId, record.trackId), new TextEncoder().encode(JSON.stringify(record)), 'application/json');
}

const view = (record: TrackRecord): Track => ({ trackId: record.trackId, name: record.name, durationMs: record.durationMs ?? 0, createdAt: record.createdAt });

/** Starts an upload: the track's id, its record (pending) and a presigned PUT of exactly that type and size. */
export async function startTrackUpload(
  userId: string,
  input: { name: string; contentType: TrackContentType; bytes: number },
  deps: { blobs: BlobStore; clock: Clock },
): Promise<{ trackId: string; uploadUrl: string; headers: Record<string, string>; expiresAt: string }> {
  const trackId = newTrackId();
  const now = deps.clock.now();
  await writeRecord(deps.blobs, userId, { trackId, name: input.name, contentType: input.contentType, bytes: input.bytes, createdAt: now.toISOString(), status: 'pending' });
  const { url, headers } = await deps.blobs.presignPut(trackKey(userId, trackId), {
    contentType: input.contentType,
    contentLength: input.bytes,
    expiresInSeconds: TRACK_UPLOAD_URL_SECONDS,
  });
  return { trackId, uploadUrl: url, headers, expiresAt: new Date(now.getTime() + TRACK_UPLOAD_URL_SECONDS * 1000).toISOString() };
}

/** How long the audio plays, from its bytes; undefined when they are not the audio they claim. */
function audioDurationMs(kind: 'wav' | 'mp3', bytes: Uint8Array): number | undefined {
  if (kind === 'mp3') return mp3DurationMs(bytes);
  try {
    const audio = decodeWav(bytes);
    return ((audio.channels[0]?.length ?? 0) / audio.sampleRate) * 1000;
  } catch {
    return undefined;
  }
}

const KIND_TYPES: Record<'wav' | 'mp3', TrackContentType> = { wav: 'audio/wav', mp3: 'audio/mpeg' };

/**
 * Checks an uploaded track: its real type from its bytes (the declared one), its size and its
 * length; a good one becomes `ready`, a bad one is removed and answered InvalidInput naming `file`.
 * NotFound when the user has no such track.
 */
export async function checkTrack(userId: string, trackId: string, deps: { blobs: BlobStore }): Promise<Track> {
  const record = await readRecord(deps.blobs, userId, trackId);
  if (!record) throw new NotFound('No such music track of yours.');
  if (record.status === 'ready') return view(record);
  let bytes: Uint8Array;
  try {
    bytes = await deps.blobs.get(trackKey(userId, trackId));
  } catch (error) {
    if (error instanceof NotFound) throw new InvalidInput('file: nothing was uploaded for this track (PUT the file to its upload URL first; the URL works 15 minutes)');
    throw error;
  }
  const refuse = async (why: string): Promise<never> => {
    await deps.blobs.deletePrefix(trackKey(userId, trackId));
    throw new InvalidInput(`file: ${why}; the track was removed, upload it again`);
  };
  if (bytes.byteLength > MAX_TRACK_BYTES) return refuse(`the file is larger than ${MAX_TRACK_BYTES / (1024 * 1024)} MiB`);
  const kind = sniffAudio(bytes);
  if (!kind) return refuse('the file is not MP3 or WAV audio');
  if (KIND_TYPES[kind] !== record.contentType) return refuse(`the file is ${kind.toUpperCase()}, not the ${record.contentType} it was declared as`);
  const durationMs = audioDurationMs(kind, bytes);
  if (durationMs === undefined || durationMs <= 0) return refuse(`the file is not readable ${kind.toUpperCase()} audio`);
  if (durationMs < MIN_TRACK_MS) return refuse(`the track lasts ${(durationMs / 1000).toFixed(1)} s; it must last at least ${MIN_TRACK_MS / 1000} s`);
  if (durationMs > MAX_TRACK_MS) return refuse(`the track lasts ${Math.round(durationMs / 1000)} s; it must last at most ${MAX_TRACK_MS / 60_000} minutes`);
  if ((await listTracks(userId, deps)).length >= MAX_TRACKS) return refuse(`you have ${MAX_TRACKS} tracks; delete one first`);
  const ready: TrackRecord = { ...record, status: 'ready', durationMs: Math.round(durationMs) };
  await writeRecord(deps.blobs, userId, ready);
  return view(ready);
}

/** The user's checked tracks, newest first. */
export async function listTracks(userId: string, deps: { blobs: BlobStore }): Promise<Track[]> {
  const keys = (await deps.blobs.list(trackPrefix(userId))).filter((key) => key.endsWith('.json'));
  const records = await Promise.all(keys.map((key) => readRecord(deps.blobs, userId, key.slice(trackPrefix(userId).length, -'.json'.length))));
  return records
    .filter((r): r is TrackRecord => r?.status === 'ready')
    .map(view)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Removes a track and its record; NotFound when the user has no such track. Videos already made keep their bed. */
export async function deleteTrack(userId: string, trackId: string, deps: { blobs: BlobStore }): Promise<void> {
  if (!(await readRecord(deps.blobs, userId, trackId))) throw new NotFound('No such music track of yours.');
  await deps.blobs.deletePrefix(trackKey(userId, trackId));
}

/** For POST /api/videos: `music` naming a track must name one of the caller's checked tracks. */
export async function checkMusicChoice(userId: string, music: string | undefined, deps: { blobs?: BlobStore }): Promise<void> {
  if (music === undefined || !MUSIC_TRACK_ID.test(music)) return;
  if (!deps.blobs) throw new InvalidInput('music: uploaded tracks cannot be used here; choose none or a mood');
  const record = await readRecord(deps.blobs, userId, music);
  if (record?.status !== 'ready') throw new InvalidInput(`music: no such track of yours (upload it with POST /api/music/uploads and check it with POST /api/music/{trackId})`);
}
