/**
 * The layered render's soundtrack, mixed in Node the way Remotion mixes the composition's two
 * <Audio> elements: both resampled to 48 kHz stereo, the voice at full volume, the music bed
 * looped from the start with one volume per video frame from the composition's own curve
 * (frontend/remotion/music-mix.ts `musicVolumeAt`), summed without normalization (Remotion's
 * `amix=normalize=0`), padded with silence or cut to the video's length.
 */
import { musicVolumeAt } from '../../../frontend/remotion/music-mix.js';
import { frameCount, resample, type PcmAudio } from '../../core/pcm.js';
import type { ShortVideoProps } from '../../core/video-props.js';

/** Remotion's audio sample rate. */
export const SOUNDTRACK_RATE = 48_000;

function stereo(audio: PcmAudio): Float32Array[] {
  const [left, right] = audio.channels;
  // Mono plays the same on both sides, as Remotion and ffmpeg upmix it.
  return [left!, right ?? left!];
}

/** Mixes the voice and, when the props have music, the bed into the video's soundtrack. */
export function mixSoundtrack(props: Pick<ShortVideoProps, 'fps' | 'durationInFrames' | 'music'>, voice: PcmAudio, music?: PcmAudio): PcmAudio {
  const frames = Math.round((props.durationInFrames / props.fps) * SOUNDTRACK_RATE);
  const out = [new Float32Array(frames), new Float32Array(frames)];
  const voiceAt48 = stereo(resample(voice, SOUNDTRACK_RATE));
  out.forEach((channel, c) => channel.set(voiceAt48[c]!.subarray(0, Math.min(frames, voiceAt48[c]!.length))));
  if (props.music && music) {
    const bed = stereo(resample(music, SOUNDTRACK_RATE));
    const length = frameCount({ sampleRate: SOUNDTRACK_RATE, channels: bed });
    if (length > 0) {
      for (let frame = 0; frame < props.durationInFrames; frame++) {
        const volume = musicVolumeAt(frame, { fps: props.fps, durationInFrames: props.durationInFrames, music: props.music });
        // The samples of this video frame: [frame / fps, (frame + 1) / fps).
        const from = Math.round((frame / props.fps) * SOUNDTRACK_RATE);
        const to = Math.min(frames, Math.round(((frame + 1) / props.fps) * SOUNDTRACK_RATE));
        for (let c = 0; c < 2; c++) {
          const target = out[c]!;
          const source = bed[c]!;
          for (let i = from; i < to; i++) target[i] = target[i]! + volume * source[i % length]!;
        }
      }
    }
  }
  return { sampleRate: SOUNDTRACK_RATE, channels: out };
}
