import { describe, expect, it } from 'vitest';
import { MUSIC_SAMPLE_RATE, SynthMusicGenerator, synthesizeMusic } from '../../lambdas/adapters/offline/music-synth.js';
import { MUSIC_MOODS } from '../../lambdas/core/model.js';

/** The offline music bed: deterministic, different per mood, the asked length, never silent, never clipped. */

const generator = new SynthMusicGenerator();
const compose = (mood: (typeof MUSIC_MOODS)[number], seed = 7, lengthMs = 6000) => generator.compose({ mood, prompt: '', lengthMs, seed });

/** RMS of each 0.4 s window, in dBFS: what ffmpeg's silencedetect looks at. */
function windowLevels(channel: Float32Array, windowS = 0.4): number[] {
  const size = Math.round(windowS * MUSIC_SAMPLE_RATE);
  const levels: number[] = [];
  for (let from = 0; from + size <= channel.length; from += size) {
    let sum = 0;
    for (let i = from; i < from + size; i++) sum += channel[i]! ** 2;
    levels.push(10 * Math.log10(sum / size));
  }
  return levels;
}

describe('offline music synthesis', () => {
  it('is a 44.1 kHz stereo 16-bit WAV of exactly the asked length', async () => {
    const { bytes, spend } = await compose('calm', 1, 5250);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('RIFF');
    expect(new TextDecoder().decode(bytes.subarray(8, 12))).toBe('WAVE');
    expect(view.getUint16(22, true)).toBe(2);
    expect(view.getUint32(24, true)).toBe(44_100);
    expect(view.getUint16(34, true)).toBe(16);
    expect(view.getUint32(40, true)).toBe(Math.round(5.25 * 44_100) * 4);
    expect(spend.usd).toBe(0);
  });

  it('gives the same bytes for the same mood, length and seed, and other bytes for another seed', async () => {
    const a = await compose('upbeat', 11);
    const b = await compose('upbeat', 11);
    const c = await compose('upbeat', 12);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(Buffer.from(a.bytes).equals(Buffer.from(c.bytes))).toBe(false);
  });

  it('sounds different per mood: every pair of moods differs in its level over time', () => {
    const envelopes = MUSIC_MOODS.map((mood) => windowLevels(synthesizeMusic({ mood, lengthMs: 8000, seed: 3 }).left, 0.05));
    for (let i = 0; i < envelopes.length; i++) {
      for (let j = i + 1; j < envelopes.length; j++) {
        const a = envelopes[i]!;
        const b = envelopes[j]!;
        const difference = a.reduce((sum, v, k) => sum + Math.abs(v - b[k]!), 0) / a.length;
        expect(difference, `${MUSIC_MOODS[i]} vs ${MUSIC_MOODS[j]}`).toBeGreaterThan(0.5);
      }
    }
  });

  it.each(MUSIC_MOODS)('%s has no silent 0.4 s stretch (−45 dB) and never clips', (mood) => {
    const { left, right } = synthesizeMusic({ mood, lengthMs: 12_000, seed: 5 });
    for (const channel of [left, right]) {
      // The first and last windows hold the fade in and out.
      const levels = windowLevels(channel).slice(1, -5);
      expect(Math.min(...levels)).toBeGreaterThan(-45);
      let peak = 0;
      for (const v of channel) peak = Math.max(peak, Math.abs(v));
      expect(peak).toBeLessThan(0.75);
      expect(peak).toBeGreaterThan(0.5);
    }
  });

  it('is mostly below 2 kHz (a bed, not a hiss): the share of energy in the top band stays small', () => {
    for (const mood of MUSIC_MOODS) {
      const { left } = synthesizeMusic({ mood, lengthMs: 4000, seed: 9 });
      // A first difference boosts highs: its energy relative to the signal's rises with brightness.
      let energy = 0;
      let diff = 0;
      for (let i = 1; i < left.length; i++) {
        energy += left[i]! ** 2;
        diff += (left[i]! - left[i - 1]!) ** 2;
      }
      // (2 sin(π f / fs))² at 2 kHz ≈ 0.08: a signal whose energy were all above 2 kHz would reach that or more.
      expect(diff / energy, mood).toBeLessThan(0.08);
    }
  });
});
