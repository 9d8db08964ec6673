/**
 * The levels of the mix, set once here so every renderer plays the same sound. Nothing in the
 * composition can measure or compress the final mix (Remotion Lambda sums its audio tracks as they
 * come), so each part arrives at a known loudness and the composition only applies gains:
 * - the voice is normalized to {@link VOICE_LUFS} with its peaks limited (Generate Voice);
 * - every music bed is normalized to {@link MUSIC_BED_LUFS} (music-bed.ts);
 * - under speech the bed plays {@link MUSIC_DUCK_DB} lower (−28 LUFS, 14.5 dB under the voice), in
 *   pauses at {@link MUSIC_PAUSE_DB} (−16 LUFS), with the ramps of frontend/remotion/music-mix.ts.
 * The sum lands near −14 LUFS integrated (the level YouTube, TikTok and Instagram play at): under
 * speech the ducked bed adds about 0.2 LU, and pauses (the bed 2.5 LU under the voice) pull it
 * down, by 0.5–1 LU in a video with long pauses; the voice sits half a unit high to centre both a
 * voice-only video (≈ −13.6) and one with music (≈ −14.3) on −14.
 */
import type { CaptionPage } from './video-props.js';

/** Integrated loudness of the joined voice-over as heard in the stereo video (LUFS; a mono voice file measures 3 dB lower on its own). */
export const VOICE_LUFS = -13.5;
/**
 * Highest sample peak of the voice-over (dBFS). With the ducked bed's peaks (−1.5 − 12 dB) the sum
 * stays under full scale, and under −1 dBFS unless two peaks meet.
 */
export const VOICE_PEAK_DB = -3;
/** Gain on the bed while the voice speaks (dB). */
export const MUSIC_DUCK_DB = -12;
/**
 * Gain on the bed in pauses (dB): none, the bed plays at −16 LUFS, 2.5 dB under the voice. A pause
 * counts in the gated loudness like speech does; a quieter bed there would pull a video with long
 * pauses well under −14 LUFS.
 */
export const MUSIC_PAUSE_DB = 0;
/** Gaps between words shorter than this stay ducked: raising the bed for a breath would pump. */
export const SPEECH_MERGE_GAP_MS = 700;

/** A stretch of speech in the video (ms). */
export interface SpeechSpan {
  fromMs: number;
  toMs: number;
}

/** The stretches where the voice speaks: the captions' words, merged across gaps shorter than {@link SPEECH_MERGE_GAP_MS}. */
export function speechSpans(captions: CaptionPage[], mergeGapMs = SPEECH_MERGE_GAP_MS): SpeechSpan[] {
  const words = captions
    .flatMap((page) => page.tokens)
    .filter((token) => Number.isFinite(token.fromMs) && Number.isFinite(token.toMs) && token.toMs > token.fromMs)
    .map((token) => ({ fromMs: Math.max(0, Math.round(token.fromMs)), toMs: Math.round(token.toMs) }))
    .sort((a, b) => a.fromMs - b.fromMs);
  const spans: SpeechSpan[] = [];
  for (const word of words) {
    const last = spans[spans.length - 1];
    if (last && word.fromMs - last.toMs < mergeGapMs) last.toMs = Math.max(last.toMs, word.toMs);
    else spans.push({ ...word });
  }
  return spans;
}
