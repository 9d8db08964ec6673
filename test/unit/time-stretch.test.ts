import { describe, expect, it } from 'vitest';
import { timeStretch } from '../../lambdas/core/time-stretch.js';

const RATE = 44_100;

/** A tone with syllable-like bursts: what the stretch must keep the pitch of and shorten. */
function voiceLike(seconds: number, hz = 220): Float32Array {
  const samples = new Float32Array(Math.round(seconds * RATE));
  for (let i = 0; i < samples.length; i++) {
    const t = i / RATE;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t); // three "syllables" a second
    samples[i] = 0.5 * envelope * Math.sin(2 * Math.PI * hz * t);
  }
  return samples;
}

/** Upward zero crossings a second over the middle of the signal: its pitch. */
function pitch(samples: Float32Array): number {
  const from = Math.floor(samples.length * 0.2);
  const to = Math.floor(samples.length * 0.8);
  let crossings = 0;
  for (let i = from + 1; i < to; i++) if (samples[i - 1]! < 0 && samples[i]! >= 0) crossings++;
  return crossings / ((to - from) / RATE);
}

describe('timeStretch', () => {
  it('makes speech 1.3/1.2 times as fast: shorter by that factor, the same pitch, no clicks', () => {
    const input = voiceLike(3);
    const factor = 1.3 / 1.2;
    const out = timeStretch({ sampleRate: RATE, channels: [input] }, factor).channels[0]!;
    expect(out.length / input.length).toBeCloseTo(1 / factor, 2);
    expect(pitch(out)).toBeGreaterThan(220 * 0.98);
    expect(pitch(out)).toBeLessThan(220 * 1.02);
    // A resample would have raised the pitch by the factor (238 Hz): this keeps it.
    let steepest = 0;
    for (let i = 1; i < out.length; i++) steepest = Math.max(steepest, Math.abs(out[i]! - out[i - 1]!));
    const sineSlope = 0.5 * 2 * Math.PI * (220 / RATE); // the input's steepest step
    expect(steepest).toBeLessThan(sineSlope * 1.5);
  });

  it('slows down too, and keeps stereo channels together', () => {
    const left = voiceLike(2, 330);
    const right = voiceLike(2, 330);
    const out = timeStretch({ sampleRate: RATE, channels: [left, right] }, 0.8);
    expect(out.channels).toHaveLength(2);
    expect(out.channels[0]!.length / left.length).toBeCloseTo(1.25, 2);
    expect(out.channels[0]).toEqual(out.channels[1]);
    expect(pitch(out.channels[0]!)).toBeCloseTo(330, -1);
  });

  it('refuses a factor it cannot make sound like speech', () => {
    expect(() => timeStretch({ sampleRate: RATE, channels: [voiceLike(1)] }, 3)).toThrow(/outside 0.5–2/);
  });
});
