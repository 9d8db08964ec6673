/**
 * Speech made faster or slower without changing its pitch: WSOLA (waveform-similarity overlap-add).
 * Windows of ~30 ms are taken from the input at the new pace and overlap-added at the old one;
 * each window is nudged (within ±10 ms) to where its waveform best continues the previous one, so
 * voiced speech keeps its periods instead of warbling. Used where a provider cannot reach a speed
 * itself (ElevenLabs stops at 1.2×): it speaks as fast as it can and this makes up the rest.
 */
import type { PcmAudio } from './pcm.js';

const WINDOW_SECONDS = 0.03;
const TOLERANCE_SECONDS = 0.01;
/** The similarity search looks at every n-th sample: a tenth of the work, the same choice for speech. */
const SEARCH_STEP = 4;

/**
 * `audio` played `factor` times as fast (1.1: 10 % faster and shorter), pitch unchanged. The
 * result lasts `duration / factor` within a window's length; factors near 1 change speech least.
 */
export function timeStretch(audio: PcmAudio, factor: number): PcmAudio {
  if (!(factor > 0.5 && factor < 2)) throw new RangeError(`timeStretch: factor ${factor} is outside 0.5–2.`);
  const length = audio.channels[0]?.length ?? 0;
  const window = Math.max(64, 2 * Math.round((WINDOW_SECONDS * audio.sampleRate) / 2));
  const hop = window / 2;
  const tolerance = Math.round(TOLERANCE_SECONDS * audio.sampleRate);
  const outLength = Math.round(length / factor);
  if (factor === 1 || length < window * 2) return { sampleRate: audio.sampleRate, channels: audio.channels.map((c) => c.slice()) };

  // Periodic Hann: windows overlapping by half sum to exactly 1.
  const hann = new Float32Array(window);
  for (let i = 0; i < window; i++) hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / window);
  // The similarity is judged on the channels' mean.
  const mono = new Float32Array(length);
  for (const channel of audio.channels) for (let i = 0; i < length; i++) mono[i]! += channel[i]! / audio.channels.length;

  const out = audio.channels.map(() => new Float32Array(outLength + window));
  let previous = 0; // where the last window was taken from
  for (let k = 0; k * hop < outLength; k++) {
    const nominal = Math.round(k * hop * factor);
    let taken = Math.min(nominal, Math.max(0, length - window));
    if (k > 0) {
      // The natural continuation of the last window: what followed it in the input.
      const follow = previous + hop;
      let best = -Infinity;
      const from = Math.max(0, nominal - tolerance);
      const to = Math.min(length - window, nominal + tolerance);
      for (let candidate = from; candidate <= to; candidate++) {
        let score = 0;
        for (let i = 0; i < window; i += SEARCH_STEP) score += (mono[follow + i] ?? 0) * mono[candidate + i]!;
        if (score > best) {
          best = score;
          taken = candidate;
        }
      }
    }
    const at = k * hop;
    audio.channels.forEach((channel, c) => {
      const target = out[c]!;
      for (let i = 0; i < window && taken + i < length; i++) target[at + i]! += channel[taken + i]! * hann[i]!;
    });
    previous = taken;
  }
  // The first half window had no partner to overlap with: bring it to full level.
  for (const channel of out) for (let i = 0; i < hop; i++) channel[i]! /= Math.max(hann[i]!, 1e-3);
  return { sampleRate: audio.sampleRate, channels: out.map((c) => c.subarray(0, outLength)) };
}
