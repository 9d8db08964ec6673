import { InvalidInput } from '../errors.js';
import { MUSIC_MOODS, MUSIC_TRACK_ID, type MusicMood } from '../model.js';
import type { MusicBed } from '../music-bed.js';
import type { BlobStore, JobStore, MusicGenerator } from '../ports.js';
import { contentHash, seedFrom } from './content-key.js';
import type { GenerateMusicEvent, MusicAsset } from './events.js';

/** How long a bed is made for a video of `seconds`: a quarter more plus 4 s, for a script that runs long (the composition loops a shorter bed). */
export function musicLengthMs(seconds: number): number {
  return Math.round((seconds * 1.25 + 4) * 1000);
}

/** What a text-to-music model is asked for, per mood: instrumental, quiet enough to sit under a voice. */
export const MOOD_PROMPTS: Record<MusicMood, string> = {
  calm: 'Calm, gentle instrumental background music: soft pads and a slow plucked arpeggio, warm and unobtrusive, no vocals.',
  upbeat: 'Upbeat, cheerful instrumental background music: bright plucks, a bouncy bassline and light pop drums, no vocals.',
  dramatic: 'Dramatic, cinematic instrumental background music in a minor key: dark strings, low pulses and slow build, no vocals.',
  inspiring: 'Inspiring, uplifting instrumental background music: warm piano arpeggios, pads and a steady light beat, no vocals.',
  lofi: 'Lo-fi hip hop instrumental: mellow jazzy seventh chords on electric piano, dusty swung drums and soft bass, no vocals.',
};

/** Where a user's uploaded track (and its record, `….json`) lives. */
export function trackPrefix(userId: string): string {
  return `uploads/music/${userId}/`;
}
export function trackKey(userId: string, trackId: string): string {
  return `${trackPrefix(userId)}${trackId}`;
}

/** A prepared bed as stored beside its WAV (`….json`, written last: its presence means the WAV is complete). */
interface StoredBed {
  key: string;
  durationMs: number;
}

export interface MusicDeps {
  music: MusicGenerator;
  blobs: BlobStore;
  jobs: JobStore;
  /** Decodes and normalizes a bed (lambdas/core/music-bed.ts). */
  prepareBed: (bytes: Uint8Array) => Promise<MusicBed>;
}

async function readBed(blobs: BlobStore, base: string): Promise<StoredBed | undefined> {
  if (!(await blobs.exists(`${base}.json`))) return undefined;
  const stored = JSON.parse(new TextDecoder().decode(await blobs.get(`${base}.json`))) as StoredBed;
  return (await blobs.exists(stored.key)) ? stored : undefined;
}

async function writeBed(blobs: BlobStore, base: string, bed: MusicBed): Promise<StoredBed> {
  const stored = { key: `${base}.wav`, durationMs: Math.round(bed.durationMs) };
  await blobs.put(stored.key, bed.wav, 'audio/wav');
  await blobs.put(`${base}.json`, new TextEncoder().encode(JSON.stringify(stored)), 'application/json');
  return stored;
}

/**
 * Generate Music: the bed under the voice, or null for `music: none` (and for a job ordered
 * before music existed). A mood is composed by the music generator, seeded by the job so the
 * same video always gets the same bed; an uploaded track is read from the user's uploads. Either
 * way the bed is normalized (prepareBed) and stored under its content address
 * (`assets/music/{hash}.wav`), so a retried or re-rendered job finds it and pays nothing again.
 */
export async function generateMusic(event: GenerateMusicEvent, deps: MusicDeps): Promise<MusicAsset | null> {
  // Jobs stored before music existed have no `music` in their request.
  const music: string = event.request.music ?? 'none';
  if (music === 'none') {
    await deps.jobs.updateStep(event.jobId, 'music', { total: 0, done: 0, reused: 0 });
    return null;
  }
  await deps.jobs.updateStep(event.jobId, 'music', { total: 1, done: 0, reused: 0 });
  let base: string;
  let make: () => Promise<MusicBed>;
  if ((MUSIC_MOODS as readonly string[]).includes(music)) {
    const mood = music as MusicMood;
    const lengthMs = musicLengthMs(event.request.seconds);
    const seed = seedFrom(event.jobId, 'music');
    base = `assets/music/${contentHash(deps.music.cacheKey, mood, lengthMs, seed)}`;
    make = async () => {
      const composed = await deps.music.compose({ mood, prompt: MOOD_PROMPTS[mood], lengthMs, seed });
      const bed = await deps.prepareBed(composed.bytes);
      await deps.jobs.addSpend(event.jobId, 'music', composed.spend);
      return bed;
    };
  } else if (MUSIC_TRACK_ID.test(music)) {
    const job = await deps.jobs.get(event.jobId);
    if (!job) throw new InvalidInput('The job is gone.');
    const upload = trackKey(job.userId, music);
    base = `assets/music/${contentHash('upload', job.userId, music)}`;
    make = async () => {
      if (!(await deps.blobs.exists(upload))) throw new InvalidInput('The uploaded music track is gone; choose another track or a mood.');
      return deps.prepareBed(await deps.blobs.get(upload));
    };
  } else {
    throw new InvalidInput(`music must be none, a mood or an uploaded track; it is "${music.slice(0, 40)}".`);
  }

  const stored = await readBed(deps.blobs, base);
  if (stored) {
    await deps.jobs.updateStep(event.jobId, 'music', { total: 1, done: 1, reused: 1 });
    return { ...stored, reused: true };
  }
  const made = await writeBed(deps.blobs, base, await make());
  await deps.jobs.updateStep(event.jobId, 'music', { total: 1, done: 1, reused: 0 });
  return { ...made, reused: false };
}
