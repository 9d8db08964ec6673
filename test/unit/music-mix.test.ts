import { describe, expect, it } from 'vitest';
import { ATTACK_MS, FADE_IN_MS, FADE_OUT_MS, RELEASE_MS, duckAmount, musicVolumeAt, type MusicMix } from '../../frontend/remotion/music-mix.js';
import { MUSIC_DUCK_DB, MUSIC_PAUSE_DB, speechSpans } from '../../lambdas/core/mix-levels.js';

/** The bed's volume curve: ducked under speech, up in pauses, ramps that never jump, fades at both ends. */

const db = (gain: number) => 20 * Math.log10(gain);
const FPS = 30;
const mix: MusicMix = {
  fps: FPS,
  durationInFrames: 20 * FPS,
  music: { speech: [{ fromMs: 2000, toMs: 6000 }, { fromMs: 10_000, toMs: 15_000 }] },
};
const frameAt = (ms: number) => Math.floor((ms / 1000) * FPS);

describe('speechSpans', () => {
  it('merges words across short gaps, keeps long pauses, ignores empty and reversed tokens', () => {
    const page = (tokens: Array<[number, number]>) => ({ startMs: 0, endMs: 0, tokens: tokens.map(([fromMs, toMs]) => ({ text: 'w', fromMs, toMs })) });
    const spans = speechSpans([page([[0, 300], [400, 900]]), page([[1200, 1500], [2600, 3000], [3100, 3100], [5000, 4000]])]);
    expect(spans).toEqual([{ fromMs: 0, toMs: 1500 }, { fromMs: 2600, toMs: 3000 }]);
  });
});

describe('musicVolumeAt', () => {
  it('sits at the duck level under speech and the pause level in pauses', () => {
    expect(db(musicVolumeAt(frameAt(4000), mix))).toBeCloseTo(MUSIC_DUCK_DB, 5);
    expect(db(musicVolumeAt(frameAt(8000), mix))).toBeCloseTo(MUSIC_PAUSE_DB, 5);
    expect(MUSIC_PAUSE_DB - MUSIC_DUCK_DB).toBeGreaterThanOrEqual(10);
  });

  it('is fully down before the first word of a span and stays down until its last', () => {
    for (let frame = frameAt(2000); frame <= frameAt(6000) - 1; frame++) expect(db(musicVolumeAt(frame, mix))).toBeCloseTo(MUSIC_DUCK_DB, 3);
    // The ramp down starts no earlier than ATTACK_MS ahead; the bed is up again RELEASE_MS after.
    expect(db(musicVolumeAt(frameAt(2000 - ATTACK_MS) - 1, mix))).toBeCloseTo(MUSIC_PAUSE_DB, 5);
    expect(db(musicVolumeAt(frameAt(6000 + RELEASE_MS) + 1, mix))).toBeCloseTo(MUSIC_PAUSE_DB, 5);
  });

  it('never jumps: the ramps change it by at most 2 dB a frame away from the fades, monotonically', () => {
    let previous = db(musicVolumeAt(frameAt(FADE_IN_MS) + 1, mix));
    for (let frame = frameAt(FADE_IN_MS) + 2; frame < mix.durationInFrames - frameAt(FADE_OUT_MS) - 1; frame++) {
      const now = db(musicVolumeAt(frame, mix));
      expect(Math.abs(now - previous)).toBeLessThanOrEqual(2);
      previous = now;
    }
    const down = Array.from({ length: frameAt(ATTACK_MS) + 2 }, (_, i) => musicVolumeAt(frameAt(2000 - ATTACK_MS) + i, mix));
    expect(down.every((v, i) => i === 0 || v <= down[i - 1]!)).toBe(true);
  });

  it('fades in from silence at the start and out to silence at the end', () => {
    const quiet: MusicMix = { ...mix, music: { speech: [] } };
    expect(musicVolumeAt(0, quiet)).toBeLessThan(0.05);
    expect(db(musicVolumeAt(frameAt(FADE_IN_MS) + 1, quiet))).toBeCloseTo(MUSIC_PAUSE_DB, 5);
    expect(musicVolumeAt(mix.durationInFrames - 1, quiet)).toBeLessThan(0.05);
    expect(musicVolumeAt(mix.durationInFrames - frameAt(FADE_OUT_MS) / 2, quiet)).toBeLessThan(0.6);
  });

  it('keeps the ducking of a short gap between spans (no pumping) and takes levels from the props', () => {
    // As the props carry them: the captions' words merged by speechSpans.
    const speech = speechSpans([{ startMs: 2000, endMs: 5000, tokens: [{ text: 'a', fromMs: 2000, toMs: 3000 }, { text: 'b', fromMs: 3300, toMs: 5000 }] }]);
    const close: MusicMix = { ...mix, music: { speech, duckDb: -20, pauseDb: -6 } };
    expect(duckAmount(3150, speech)).toBe(1);
    expect(db(musicVolumeAt(frameAt(4000), close))).toBeCloseTo(-20, 5);
    expect(db(musicVolumeAt(frameAt(8000), close))).toBeCloseTo(-6, 5);
  });
});
