/**
 * The music bed's volume, frame by frame: the one curve Remotion (Lambda and local) applies to the
 * bed's <Audio> and the layered render applies in its premix (lambdas/adapters/offline/soundtrack.ts),
 * so every renderer plays the same mix. Levels are gains on a bed normalized to −16 LUFS
 * (lambdas/core/mix-levels.ts says why these numbers).
 * - Under speech the bed sits at `duckDb`, in pauses at `pauseDb`.
 * - It goes down {@link ATTACK_MS} before a word is spoken (the timings are known ahead, so the
 *   ramp ends as the voice starts) and comes back up over {@link RELEASE_MS} after speech ends;
 *   both ramps are S-shaped in dB, and gaps shorter than the merge gap never lift it (no pumping).
 * - It fades in over {@link FADE_IN_MS} and out over {@link FADE_OUT_MS} at the video's end.
 * Pure: no React, no Remotion, so the premix and tests import it in Node.
 */
import { MUSIC_DUCK_DB, MUSIC_PAUSE_DB, type SpeechSpan } from '../../lambdas/core/mix-levels.js';

/** Time the bed takes to go down before speech (ms). */
export const ATTACK_MS = 400;
/** Time the bed takes to come back up after speech (ms). */
export const RELEASE_MS = 600;
/** Fade-in at the start of the video (ms). */
export const FADE_IN_MS = 800;
/** Fade-out at the end of the video (ms). */
export const FADE_OUT_MS = 1500;

/** What the curve needs: the video's timing and the bed's ducking fields (MusicProps). */
export interface MusicMix {
  fps: number;
  durationInFrames: number;
  music: { speech?: SpeechSpan[]; duckDb?: number; pauseDb?: number };
}

const smooth = (x: number) => x * x * (3 - 2 * x);

/** How far the bed is ducked at `ms`: 1 under speech, 0 in a pause, S-shaped ramps between. */
export function duckAmount(ms: number, speech: readonly SpeechSpan[]): number {
  let amount = 0;
  for (const span of speech) {
    if (span.fromMs - ATTACK_MS > ms) break; // spans are in order: the rest start later
    let here = 0;
    if (ms >= span.fromMs && ms <= span.toMs) here = 1;
    else if (ms < span.fromMs) here = smooth(1 - (span.fromMs - ms) / ATTACK_MS);
    else if (ms - span.toMs < RELEASE_MS) here = smooth(1 - (ms - span.toMs) / RELEASE_MS);
    if (here > amount) amount = here;
    if (amount === 1) break;
  }
  return amount;
}

/**
 * The bed's linear volume (0–1) for video frame `frame`, evaluated at the frame's middle: Remotion
 * applies one volume to each frame's slice of audio.
 */
export function musicVolumeAt(frame: number, mix: MusicMix): number {
  const ms = ((frame + 0.5) / mix.fps) * 1000;
  const endMs = (mix.durationInFrames / mix.fps) * 1000;
  const duckDb = mix.music.duckDb ?? MUSIC_DUCK_DB;
  const pauseDb = mix.music.pauseDb ?? MUSIC_PAUSE_DB;
  const db = pauseDb + (duckDb - pauseDb) * duckAmount(ms, mix.music.speech ?? []);
  const fadeIn = Math.min(1, Math.max(0, ms / FADE_IN_MS));
  const fadeOut = Math.min(1, Math.max(0, (endMs - ms) / FADE_OUT_MS));
  return Math.min(1, Math.pow(10, db / 20) * fadeIn * fadeOut);
}
