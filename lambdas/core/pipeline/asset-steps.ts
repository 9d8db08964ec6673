import { InvalidInput } from '../errors.js';
import { FRAME_SIZES, narrationSegments, narrationText, type WordTiming } from '../model.js';
import type { BlobStore, ImageGenerator, JobStore, SpeechSynthesizer } from '../ports.js';
import { contentHash, seedFrom } from './content-key.js';
import type { GenerateImageEvent, GenerateVoiceEvent, ImageAsset, VoiceAsset } from './events.js';

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/**
 * Where an image lives: the same provider, prompt, style, size and place always map to the same
 * key. A seed the user chose ("Regenerate") is part of the key only when set, so every key made
 * before seeds existed stays the same.
 */
export function imageKey(generator: Pick<ImageGenerator, 'cacheKey'>, event: GenerateImageEvent): string {
  const { width, height } = FRAME_SIZES[event.aspect];
  const seed = event.scene.seed !== undefined ? [`seed:${event.scene.seed}`] : [];
  return `assets/images/${contentHash(generator.cacheKey, event.scene.imagePrompt, event.style, width, height, event.index, ...seed)}`;
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
    seed: event.scene.seed ?? seedFrom(event.scene.imagePrompt, event.index),
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

/** Generate Voice: speaks the hook and narrations as one take, reusing a stored identical take. */
export async function generateVoice(
  event: GenerateVoiceEvent,
  deps: { voice: SpeechSynthesizer; blobs: BlobStore; jobs: JobStore },
): Promise<VoiceAsset> {
  const text = narrationText(event.script);
  const starts = segmentStarts(narrationSegments(event.script));
  const base = `assets/voice/${contentHash(deps.voice.cacheKey, event.request.voice ?? 'default', text)}`;
  const timingsKey = `${base}.json`;
  if (await deps.blobs.exists(timingsKey)) {
    const stored = JSON.parse(new TextDecoder().decode(await deps.blobs.get(timingsKey))) as {
      audioKey: string;
      durationMs: number;
      words: WordTiming[];
    };
    if (await deps.blobs.exists(stored.audioKey)) return { ...stored, segmentStarts: starts, reused: true };
  }
  const speech = await deps.voice.synthesize({ text, voice: event.request.voice });
  if (speech.words.length === 0) throw new Error('The voice returned no word timings.');
  const audioKey = `${base}.${speech.extension}`;
  await deps.blobs.put(audioKey, speech.audio, speech.contentType);
  const stored = { audioKey, durationMs: speech.durationMs, words: speech.words };
  // Written last: its presence means the audio is complete.
  await deps.blobs.put(timingsKey, new TextEncoder().encode(JSON.stringify(stored)), 'application/json');
  await deps.jobs.addSpend(event.jobId, 'voice', speech.spend);
  return { ...stored, segmentStarts: starts, reused: false };
}
