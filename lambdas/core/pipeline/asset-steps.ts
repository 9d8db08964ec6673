import { InvalidInput } from '../errors.js';
import { FRAME_SIZES, narrationSegments, type WordTiming } from '../model.js';
import type { BlobStore, ImageGenerator, JobStore, SpeechSynthesizer } from '../ports.js';
import { concatAudio, takeDurationMs } from '../audio-concat.js';
import { dbToGain, normalizeLoudness } from '../loudness.js';
import { VOICE_LUFS, VOICE_PEAK_DB } from '../mix-levels.js';
import { decodeAudio, encodeWav16, pcmDurationMs } from '../pcm.js';
import { contentHash, seedFrom } from './content-key.js';
import type { GenerateImageEvent, GenerateVoiceEvent, ImageAsset, VoiceAsset } from './events.js';

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/** The place a scene's picture belongs to: where it was first drawn, even after the scene moved. */
function picturePlace(event: GenerateImageEvent): number {
  return event.scene.pictureIndex ?? event.index;
}

/**
 * Where an image lives: the same provider, prompt, style, size and place always map to the same
 * key. A seed the user chose ("Regenerate") is part of the key only when set, so every key made
 * before seeds existed stays the same.
 */
export function imageKey(generator: Pick<ImageGenerator, 'cacheKey'>, event: GenerateImageEvent): string {
  const { width, height } = FRAME_SIZES[event.aspect];
  const seed = event.scene.seed !== undefined ? [`seed:${event.scene.seed}`] : [];
  return `assets/images/${contentHash(generator.cacheKey, event.scene.imagePrompt, event.style, width, height, picturePlace(event), ...seed)}`;
}

/** Where a job's uploaded pictures live; a scene may point only there (POST /api/videos/{id}/scenes/{n}/image). */
export function uploadPrefix(jobId: string): string {
  return `videos/${jobId}/uploads/`;
}

/**
 * Generate Image: a scene with an uploaded picture uses it as it is; otherwise it draws the
 * scene unless an identical image is already stored, so a retried, resumed or edited job never
 * pays twice for a picture it has.
 */
export async function generateImage(
  event: GenerateImageEvent,
  deps: { images: ImageGenerator; blobs: BlobStore; jobs: JobStore },
): Promise<ImageAsset> {
  if (event.scene.imageKey !== undefined) {
    // Only this job's own uploads: a scene must never point the renderer at any other file.
    const key = event.scene.imageKey;
    if (!key.startsWith(uploadPrefix(event.jobId)) || key.includes('..') || !(await deps.blobs.exists(key))) {
      throw new InvalidInput(`Scene ${event.index + 1}'s uploaded picture is missing; upload it again or regenerate the scene.`);
    }
    return { key, reused: true };
  }
  const base = imageKey(deps.images, event);
  for (const ext of Object.values(EXTENSIONS)) {
    if (await deps.blobs.exists(`${base}.${ext}`)) return { key: `${base}.${ext}`, reused: true };
  }
  const { width, height } = FRAME_SIZES[event.aspect];
  const image = await deps.images.generate({
    prompt: event.scene.imagePrompt,
    style: event.style,
    aspect: event.aspect,
    width,
    height,
    seed: event.scene.seed ?? seedFrom(event.scene.imagePrompt, picturePlace(event)),
  });
  const key = `${base}.${EXTENSIONS[image.contentType] ?? 'png'}`;
  await deps.blobs.put(key, image.bytes, image.contentType);
  await deps.jobs.addSpend(event.jobId, 'images', image.spend);
  return { key, reused: false };
}

/** Offsets where each segment starts in {@link narrationText}'s output. */
export function segmentStarts(segments: string[]): number[] {
  const starts: number[] = [];
  let offset = 0;
  for (const segment of segments) {
    starts.push(offset);
    offset += segment.length + 1; // the joining newline
  }
  return starts;
}

/** A voice take as stored beside its audio (`….json`, written last: its presence means the audio is complete). */
interface StoredTake {
  audioKey: string;
  durationMs: number;
  /** Offsets into the take's own text (a segment's), or into narrationText (a joined take). */
  words: WordTiming[];
}

/** Voice segments synthesized at once (a provider's concurrency is small, a Lambda's memory too). */
const VOICE_CONCURRENCY = 3;

async function readTake(blobs: BlobStore, timingsKey: string): Promise<StoredTake | undefined> {
  if (!(await blobs.exists(timingsKey))) return undefined;
  const stored = JSON.parse(new TextDecoder().decode(await blobs.get(timingsKey))) as StoredTake;
  return (await blobs.exists(stored.audioKey)) ? stored : undefined;
}

async function writeTake(blobs: BlobStore, base: string, audio: Uint8Array, contentType: string, extension: string, take: Omit<StoredTake, 'audioKey'>): Promise<StoredTake> {
  const audioKey = `${base}.${extension}`;
  await blobs.put(audioKey, audio, contentType);
  const stored = { audioKey, ...take };
  await blobs.put(`${base}.json`, new TextEncoder().encode(JSON.stringify(stored)), 'application/json');
  return stored;
}

/**
 * Runs `work` over the items, at most `limit` at once, answers in order. After a failure no new
 * item starts; the ones in flight finish (their takes are stored, so a retry reuses them), then
 * the first error is thrown.
 */
async function inBatches<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const errors: unknown[] = [];
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && errors.length === 0) {
      const i = next++;
      try {
        results[i] = await work(items[i]!, i);
      } catch (error) {
        errors.push(error);
      }
    }
  });
  await Promise.all(lanes);
  if (errors.length > 0) throw errors[0];
  return results;
}

/**
 * The silence after each segment so that scene k lasts at least its `durationHint` (segment 0 is
 * the hook, spoken over scene 1 with its narration).
 */
export function hintSilences(script: GenerateVoiceEvent['script'], segmentMs: number[]): number[] {
  const silences = segmentMs.map(() => 0);
  script.scenes.forEach((scene, k) => {
    if (scene.durationHint === undefined) return;
    const spoken = segmentMs[k + 1]! + (k === 0 ? segmentMs[0]! : 0);
    silences[k + 1] = Math.max(0, scene.durationHint * 1000 - spoken);
  });
  return silences;
}

/** Names how the joined voice is leveled (lambdas/core/mix-levels.ts); a new value means new joined files. */
export const VOICE_MIX_VERSION = `lufs-v2:${VOICE_LUFS}:${VOICE_PEAK_DB}`;

/**
 * Generate Voice: each segment (the hook, each scene's narration) is its own take, stored under
 * its content (voice, provider, text), so editing one narration speaks one segment again; the
 * missing ones are synthesized a few at a time and paid for, the others reused. The takes are
 * joined into one (with silence where a scene's duration hint asks for it), stored under the
 * segments' keys and hints; its words carry offsets into {@link narrationText} and times in the
 * joined take, so captions and the timeline read it as one voice-over. The joined voice is
 * decoded (WAV or MP3), brought to {@link VOICE_LUFS} with its peaks limited and stored as WAV.
 */
export async function generateVoice(
  event: GenerateVoiceEvent,
  deps: { voice: SpeechSynthesizer; blobs: BlobStore; jobs: JobStore },
): Promise<VoiceAsset> {
  const segments = narrationSegments(event.script);
  const starts = segmentStarts(segments);
  const voiceName = event.request.voice ?? 'default';
  // Jobs stored before languages existed have no request.language (English); an English take at
  // the voice's own pace keeps the key it had before, so those takes are still reused.
  const { language, voiceSpeed: speed } = event.request;
  const spoken = [...(language && language !== 'en' ? [`language:${language}`] : []), ...(speed !== undefined && speed !== 1 ? [`speed:${speed}`] : [])];
  const segmentBases = segments.map((text) => `assets/voice/seg/${contentHash(deps.voice.cacheKey, voiceName, text, ...spoken)}`);
  const hints = event.script.scenes.map((scene) => scene.durationHint ?? '-');
  // The mix's version is part of the key: a voice joined before normalization is never reused as if normalized.
  const joinedBase = `assets/voice/${contentHash(deps.voice.cacheKey, voiceName, 'segments', ...segmentBases, 'hints', ...hints, 'mix', VOICE_MIX_VERSION)}`;
  const total = segments.length;

  const joined = await readTake(deps.blobs, `${joinedBase}.json`);
  if (joined) {
    await deps.jobs.updateStep(event.jobId, 'voice', { total, done: total, reused: total });
    return { ...joined, segmentStarts: starts, reused: true };
  }

  await deps.jobs.updateStep(event.jobId, 'voice', { total, done: 0, reused: 0 });
  let reused = 0;
  const takes = await inBatches(segments, VOICE_CONCURRENCY, async (text, i) => {
    const base = segmentBases[i]!;
    const stored = await readTake(deps.blobs, `${base}.json`);
    if (stored) {
      reused++;
      return stored;
    }
    const speech = await deps.voice.synthesize({ text, voice: event.request.voice, language, speed });
    if (speech.words.length === 0) throw new Error('The voice returned no word timings.');
    const take = await writeTake(deps.blobs, base, speech.audio, speech.contentType, speech.extension, { durationMs: speech.durationMs, words: speech.words });
    await deps.jobs.addSpend(event.jobId, 'voice', speech.spend);
    return take;
  });

  const extension = takes[0]!.audioKey.slice(takes[0]!.audioKey.lastIndexOf('.') + 1);
  const audios = await Promise.all(takes.map((take) => deps.blobs.get(take.audioKey)));
  // Each take's own measure (its bytes, not the provider's figure) places the silences and the words.
  const silences = hintSilences(event.script, audios.map((audio) => takeDurationMs(extension, audio)));
  const result = concatAudio(
    extension,
    audios.map((audio, i) => ({ audio, silenceAfterMs: silences[i]! })),
  );
  const words = takes.flatMap((take, i) =>
    take.words.map((w) => ({
      ...w,
      charStart: w.charStart + starts[i]!,
      startMs: Math.round(w.startMs + result.offsetsMs[i]!),
      endMs: Math.round(w.endMs + result.offsetsMs[i]!),
    })),
  );
  // One loudness for every voice as heard in the (stereo) video, peaks limited: the music's levels are set against it.
  const pcm = normalizeLoudness(await decodeAudio(result.audio), VOICE_LUFS, dbToGain(VOICE_PEAK_DB), { played: true });
  const stored = await writeTake(deps.blobs, joinedBase, encodeWav16(pcm), 'audio/wav', 'wav', { durationMs: Math.round(pcmDurationMs(pcm)), words });
  await deps.jobs.updateStep(event.jobId, 'voice', { total, done: total, reused });
  return { ...stored, segmentStarts: starts, reused: reused === total };
}
