/**
 * Loudness as the platforms measure it: ITU-R BS.1770-4 integrated loudness (LUFS) — K-weighting
 * (a high shelf and a high-pass, derived for the audio's own sample rate), mean square over 400 ms
 * blocks every 100 ms, an absolute gate at −70 LUFS and a relative gate 10 LU under the gated mean —
 * plus sample peak and a look-ahead peak limiter. The same numbers ffmpeg's `ebur128` filter gives.
 */
import { frameCount, type PcmAudio } from './pcm.js';

/** Loudness of silence (or of audio shorter than one block). */
export const SILENT_LUFS = -Infinity;

/** Converts decibels to a linear gain. */
export function dbToGain(db: number): number {
  return Math.pow(10, db / 20);
}

/** Converts a linear gain to decibels. */
export function gainToDb(gain: number): number {
  return 20 * Math.log10(gain);
}

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/**
 * The two K-weighting stages for `rate`, by the bilinear transform of BS.1770's analogue
 * prototypes (the coefficients libebur128 and ffmpeg use; at 48 kHz they equal the standard's table).
 */
function kWeighting(rate: number): [Biquad, Biquad] {
  // Stage 1: the head's high shelf, about +4 dB above 2 kHz.
  let f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  let q = 0.7071752369554196;
  let k = Math.tan((Math.PI * f0) / rate);
  const vh = Math.pow(10, gainDb / 20);
  const vb = Math.pow(vh, 0.4996667741545416);
  let a0 = 1 + k / q + k * k;
  const shelf: Biquad = {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
  // Stage 2: the RLB high-pass near 38 Hz.
  f0 = 38.13547087602444;
  q = 0.5003270373238773;
  k = Math.tan((Math.PI * f0) / rate);
  a0 = 1 + k / q + k * k;
  const highPass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
  return [shelf, highPass];
}

function filter(input: Float32Array, stages: Biquad[]): Float64Array {
  const out = Float64Array.from(input);
  for (const { b0, b1, b2, a1, a2 } of stages) {
    let x1 = 0;
    let x2 = 0;
    let y1 = 0;
    let y2 = 0;
    for (let i = 0; i < out.length; i++) {
      const x = out[i]!;
      const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
      x2 = x1;
      x1 = x;
      y2 = y1;
      y1 = y;
      out[i] = y;
    }
  }
  return out;
}

/** BS.1770 channel weights: 1 for front channels, 1.41 for surrounds, 0 for LFE (5.1 order L R C LFE Ls Rs). */
function channelWeight(index: number, count: number): number {
  if (count !== 6) return 1;
  return index === 3 ? 0 : index >= 4 ? 1.41 : 1;
}

const BLOCK_MS = 400;
const STEP_MS = 100;

/**
 * The weighted mean square of each 400 ms block (75 % overlap), in order: block i starts at
 * i × 100 ms. Only whole blocks count, as in the standard.
 */
export function blockPowers(audio: PcmAudio): Float64Array {
  const frames = frameCount(audio);
  const step = Math.round((audio.sampleRate * STEP_MS) / 1000);
  const block = step * (BLOCK_MS / STEP_MS);
  if (frames < block) return new Float64Array(0);
  // Sum of squares per 100 ms step, per channel weight: a block is four steps.
  const steps = Math.floor(frames / step);
  const stepSums = new Float64Array(steps);
  const stages = kWeighting(audio.sampleRate);
  audio.channels.forEach((channel, c) => {
    const weight = channelWeight(c, audio.channels.length);
    if (weight === 0) return;
    const weighted = filter(channel, stages);
    for (let s = 0; s < steps; s++) {
      let sum = 0;
      for (let i = s * step; i < (s + 1) * step; i++) sum += weighted[i]! * weighted[i]!;
      stepSums[s] = stepSums[s]! + weight * sum;
    }
  });
  const blocks = new Float64Array(steps - 3);
  for (let b = 0; b < blocks.length; b++) blocks[b] = (stepSums[b]! + stepSums[b + 1]! + stepSums[b + 2]! + stepSums[b + 3]!) / block;
  return blocks;
}

function powerToLufs(power: number): number {
  return power > 0 ? -0.691 + 10 * Math.log10(power) : SILENT_LUFS;
}

/** Gated integrated loudness of block powers (absolute gate −70 LUFS, relative gate −10 LU). */
export function gatedLoudness(powers: ArrayLike<number>): number {
  const absolute = Math.pow(10, (-70 + 0.691) / 10);
  const mean = (min: number) => {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < powers.length; i++) {
      if (powers[i]! > min) {
        sum += powers[i]!;
        n++;
      }
    }
    return n === 0 ? 0 : sum / n;
  };
  const first = mean(absolute);
  if (first === 0) return SILENT_LUFS;
  const relative = first * Math.pow(10, -10 / 10);
  return powerToLufs(mean(Math.max(absolute, relative)));
}

/** ITU-R BS.1770-4 integrated loudness in LUFS ({@link SILENT_LUFS} for silence or < 400 ms). */
export function integratedLoudness(audio: PcmAudio): number {
  return gatedLoudness(blockPowers(audio));
}

/** The largest absolute sample value (linear; 1 is full scale). */
export function samplePeak(audio: PcmAudio): number {
  let peak = 0;
  for (const channel of audio.channels) {
    for (let i = 0; i < channel.length; i++) {
      const x = Math.abs(channel[i]!);
      if (x > peak) peak = x;
    }
  }
  return peak;
}

/**
 * A look-ahead peak limiter: no sample leaves above `ceiling` (linear). The gain envelope falls
 * ahead of each peak over `attackMs` (a moving average of the future minimum, so it never overshoots
 * and never clicks) and recovers over about `releaseMs`. Offline, so the look-ahead costs no delay.
 */
export function limitPeaks(audio: PcmAudio, ceiling: number, attackMs = 5, releaseMs = 80): PcmAudio {
  const frames = frameCount(audio);
  const needed = new Float64Array(frames).fill(1);
  for (const channel of audio.channels) {
    for (let i = 0; i < frames; i++) {
      const x = Math.abs(channel[i]!);
      if (x > ceiling) needed[i] = Math.min(needed[i]!, ceiling / x);
    }
  }
  const span = Math.max(1, Math.round((audio.sampleRate * attackMs) / 1000));
  // Minimum of needed[i .. i + span] (the window ahead), by a monotone deque.
  const ahead = new Float64Array(frames);
  const deque = new Int32Array(frames + 1);
  let head = 0;
  let tail = 0;
  for (let i = frames - 1; i >= 0; i--) {
    while (tail > head && needed[deque[tail - 1]!]! >= needed[i]!) tail--;
    deque[tail++] = i;
    while (deque[head]! > i + span) head++;
    ahead[i] = needed[deque[head]!]!;
  }
  // Mean of ahead[i - span .. i]: each term covers sample i, so the mean is ≤ needed[i].
  const smooth = new Float64Array(frames);
  let sum = 0;
  for (let i = 0; i < frames; i++) {
    sum += ahead[i]!;
    if (i > span) sum -= ahead[i - span - 1]!;
    // Before the start the gain is 1: the window's missing terms count as 1.
    smooth[i] = (sum + Math.max(0, span - i)) / (span + 1);
  }
  // Release: rise towards the allowed gain slowly; falling is already shaped above.
  const release = 1 - Math.exp(-1 / ((audio.sampleRate * releaseMs) / 1000));
  let gain = 1;
  for (let i = 0; i < frames; i++) {
    gain = smooth[i]! < gain ? smooth[i]! : gain + (smooth[i]! - gain) * release;
    smooth[i] = gain;
  }
  return {
    sampleRate: audio.sampleRate,
    channels: audio.channels.map((channel) => channel.map((x, i) => Math.max(-ceiling, Math.min(ceiling, x * smooth[i]!)))),
  };
}

/**
 * Brings `audio` to `targetLufs` integrated, its sample peaks under `ceiling` (linear): the gain,
 * then the limiter, measured again and corrected once (limiting lowers the loudness a little).
 * Silence comes back unchanged.
 */
export function normalizeLoudness(audio: PcmAudio, targetLufs: number, ceiling: number): PcmAudio {
  let out = audio;
  for (let pass = 0; pass < 3; pass++) {
    const lufs = integratedLoudness(out);
    if (!Number.isFinite(lufs)) return audio;
    const correctionDb = targetLufs - lufs;
    if (pass > 0 && Math.abs(correctionDb) < 0.05) break;
    const gain = dbToGain(correctionDb);
    out = limitPeaks({ sampleRate: out.sampleRate, channels: out.channels.map((c) => c.map((x) => x * gain)) }, ceiling);
  }
  return out;
}
