/**
 * A music bed made ready for the mix: whatever the source (an uploaded WAV or MP3, a generated
 * track, the offline synth), it leaves here at one loudness ({@link MUSIC_BED_LUFS}) with its
 * peaks under the ceiling, as 16-bit WAV of at most two channels and 48 kHz. The composition then
 * sets its level relative to the voice in decibels (frontend/remotion/music-mix.ts), which only
 * works if every bed starts from the same loudness.
 */
import { InvalidInput } from './errors.js';
import { dbToGain, normalizeLoudness } from './loudness.js';
import { decodeAudio, encodeWav16, pcmDurationMs, resample, type PcmAudio } from './pcm.js';

/** Integrated loudness every bed is brought to before the mix (LUFS). */
export const MUSIC_BED_LUFS = -16;
/** Highest sample peak of a prepared bed (dBFS). */
export const MUSIC_BED_PEAK_DB = -1.5;
/** Highest sample rate kept; higher rates are resampled (the video's AAC track is 48 kHz at most). */
export const MUSIC_BED_MAX_RATE = 48_000;

/** The bed is unusable (silent or too short to loop). */
export class MusicBedError extends InvalidInput {
  constructor(message: string) {
    super(message);
    this.name = 'MusicBedError';
  }
}

/** The prepared bed: WAV bytes and how long they play. */
export interface MusicBed {
  wav: Uint8Array;
  durationMs: number;
}

/** Decodes a bed (WAV or MP3), normalizes its loudness and peaks and writes it as WAV. */
export async function prepareMusicBed(bytes: Uint8Array): Promise<MusicBed> {
  return prepareMusicPcm(await decodeAudio(bytes));
}

/** {@link prepareMusicBed} for audio already decoded (the offline synth's samples). */
export function prepareMusicPcm(source: PcmAudio): MusicBed {
  let audio = toStereoAtMost(source);
  if (audio.sampleRate > MUSIC_BED_MAX_RATE) audio = resample(audio, MUSIC_BED_MAX_RATE);
  const durationMs = pcmDurationMs(audio);
  // Shorter than a second would loop audibly and measure badly (BS.1770 needs 400 ms blocks).
  if (durationMs < 1000) throw new MusicBedError('The music is shorter than one second.');
  const normalized = normalizeLoudness(audio, MUSIC_BED_LUFS, dbToGain(MUSIC_BED_PEAK_DB));
  if (normalized === audio) throw new MusicBedError('The music is silent.');
  return { wav: encodeWav16(normalized), durationMs };
}

/** Mono and stereo are kept; more channels fold down to stereo (front left/right plus half the centre). */
function toStereoAtMost(audio: PcmAudio): PcmAudio {
  if (audio.channels.length <= 2) return audio;
  const [left, right, centre] = audio.channels as [Float32Array, Float32Array, Float32Array];
  const half = Math.SQRT1_2;
  return {
    sampleRate: audio.sampleRate,
    channels: [left.map((x, i) => x + half * centre[i]!), right.map((x, i) => x + half * centre[i]!)],
  };
}
