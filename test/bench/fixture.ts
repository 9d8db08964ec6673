/**
 * The bench's fixed scene set: one 30 s, 1080×1920 short built by the product's own offline
 * steps (template script, procedural images, eSpeak voice, caption pages, scene timing) from a
 * fixed prompt, so every run — and both renderers — draw the same pictures, words and timing.
 * Cached on disk by content; a rerun only rebuilds when the inputs change.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EspeakSpeechSynthesizer } from '../../lambdas/adapters/offline/espeak-speech.js';
import { ProceduralImageGenerator } from '../../lambdas/adapters/offline/procedural-image-generator.js';
import { writeTemplateScript } from '../../lambdas/adapters/offline/template-script-writer.js';
import { FPS, FRAME_SIZES, narrationSegments, narrationText, type Script } from '../../lambdas/core/model.js';
import { segmentStarts } from '../../lambdas/core/pipeline/asset-steps.js';
import { seedFrom } from '../../lambdas/core/pipeline/content-key.js';
import { buildCaptions, computeTimeline } from '../../lambdas/core/pipeline/timing-steps.js';
import type { ShortVideoProps } from '../../lambdas/core/video-props.js';
import { serveFiles } from '../support/render-fixtures.js';

export const BENCH_PROMPT = 'Why octopuses have three hearts';
export const BENCH_SECONDS = 30;
export const BENCH_FRAMES = BENCH_SECONDS * FPS;
const FIXTURE_VERSION = 'v1';

/** The scene set as files plus the props that point at them (URLs filled in by {@link serveFixture}). */
export interface Fixture {
  dir: string;
  script: Script;
  /** File names under `dir`, one per scene. */
  images: string[];
  audio: string;
  /** Props with `imageUrl`/`audioUrl` holding file names; see {@link serveFixture}. */
  props: ShortVideoProps;
}

/** Builds (or loads) the fixed scene set under `dir`. */
export async function loadFixture(dir: string): Promise<Fixture> {
  const script = writeTemplateScript(BENCH_PROMPT, BENCH_SECONDS);
  const key = createHash('sha256').update(FIXTURE_VERSION).update(JSON.stringify(script)).digest('hex').slice(0, 12);
  const fixtureDir = join(dir, `fixture-${key}`);
  const propsFile = join(fixtureDir, 'props.json');
  const cached = await readFile(propsFile, 'utf8').catch(() => undefined);
  if (cached) return JSON.parse(cached) as Fixture;

  await mkdir(fixtureDir, { recursive: true });
  const { width, height } = FRAME_SIZES['9:16'];
  const generator = new ProceduralImageGenerator();
  const images: string[] = [];
  for (const [index, scene] of script.scenes.entries()) {
    const image = await generator.generate({
      prompt: scene.imagePrompt,
      style: script.style,
      aspect: '9:16',
      width,
      height,
      seed: seedFrom(scene.imagePrompt, index),
    });
    const name = `scene-${index}.png`;
    await writeFile(join(fixtureDir, name), image.bytes);
    images.push(name);
  }
  const speech = await new EspeakSpeechSynthesizer().synthesize({ text: narrationText(script) });
  const audio = `voice.${speech.extension}`;
  await writeFile(join(fixtureDir, audio), speech.audio);

  const voice = { durationMs: speech.durationMs, words: speech.words, segmentStarts: segmentStarts(narrationSegments(script)) };
  const timeline = computeTimeline(voice, script.scenes.length);
  // Exactly 30 s: the last scene (and the voice) are cut at the 900th frame.
  const scenes = timeline.scenes
    .map((scene, i) => ({ ...scene, imageUrl: images[i]! }))
    .filter((scene) => scene.startFrame < BENCH_FRAMES - timeline.crossfadeFrames)
    .map((scene) => ({ ...scene, durationInFrames: Math.min(scene.durationInFrames, BENCH_FRAMES - scene.startFrame) }));
  const props: ShortVideoProps = {
    title: script.title,
    width,
    height,
    fps: FPS,
    durationInFrames: BENCH_FRAMES,
    crossfadeFrames: timeline.crossfadeFrames,
    scenes,
    audioUrl: audio,
    captions: buildCaptions(speech.words, 'bold').filter((page) => page.startMs < BENCH_SECONDS * 1000),
    captionStyle: 'bold',
  };
  const fixture: Fixture = { dir: fixtureDir, script, images, audio, props };
  await writeFile(propsFile, JSON.stringify(fixture, null, 1));
  return fixture;
}

/** Serves the fixture's files on 127.0.0.1 (with CORS, like the local S3 bucket) and returns props with real URLs. */
export async function serveFixture(fixture: Fixture): Promise<{ props: ShortVideoProps; close: () => Promise<void> }> {
  const files = new Map<string, { body: Uint8Array; contentType: string }>();
  for (const name of [...fixture.images, fixture.audio]) {
    const contentType = name.endsWith('.png') ? 'image/png' : name.endsWith('.wav') ? 'audio/wav' : 'application/octet-stream';
    files.set(`/${name}`, { body: await readFile(join(fixture.dir, name)), contentType });
  }
  const server = await serveFiles(files);
  const props: ShortVideoProps = {
    ...fixture.props,
    scenes: fixture.props.scenes.map((scene) => ({ ...scene, imageUrl: server.url(`/${scene.imageUrl}`) })),
    audioUrl: server.url(`/${fixture.props.audioUrl}`),
  };
  return { props, close: server.close };
}
