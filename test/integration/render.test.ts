import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRemotionRenderer } from '../../lambdas/adapters/offline/remotion-renderer.js';
import { InvalidInput, NotFound } from '../../lambdas/core/errors.js';
import type { RenderProgress } from '../../lambdas/core/ports.js';
import type { ShortVideoProps } from '../../lambdas/core/video-props.js';
import { MemoryBlobStore } from '../support/render-blob-store.js';
import { compareVideos } from '../support/video-compare.js';
import {
  evenCaptions,
  evenScenes,
  extractFrame,
  meanVolumeDb,
  probe,
  sceneImage,
  serveFiles,
  toneWav,
} from '../support/render-fixtures.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'render');
// Kept between runs on purpose: the bundle cached here is reused by the next process.
const WORK_DIR = join(process.cwd(), 'test-artifacts', 'remotion-work');
const FPS = 30;
const AUDIO_SECONDS = 3;
const PALETTES = [
  ['#1e3a8a', '#9333ea', '#f472b6'],
  ['#064e3b', '#a3e635', '#fde047'],
  ['#7c2d12', '#fb923c', '#fef3c7'],
] as const;
const NARRATION = 'Octopuses have nine brains and blue blood';

describe('LocalRemotionRenderer', () => {
  const blobs = new MemoryBlobStore();
  const renderer = new LocalRemotionRenderer({ blobs, workDir: WORK_DIR });
  let server: Awaited<ReturnType<typeof serveFiles>>;
  // A bucket without a CORS rule: @remotion/media's <Audio> cannot fetch from the page and
  // falls back to the HTML5 tag, whose file Remotion downloads outside the browser.
  let serverWithoutCors: Awaited<ReturnType<typeof serveFiles>>;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const files = new Map<string, { body: Uint8Array; contentType: string }>();
    for (const [w, h] of [
      [270, 480],
      [360, 360],
    ] as const) {
      PALETTES.forEach((palette, i) =>
        files.set(`/${w}x${h}/scene-${i}.png`, { body: sceneImage(w, h, palette), contentType: 'image/png' }),
      );
    }
    files.set('/voice.wav', { body: toneWav(AUDIO_SECONDS), contentType: 'audio/wav' });
    files.set('/voice-4s.wav', { body: toneWav(4), contentType: 'audio/wav' });
    server = await serveFiles(files);
    serverWithoutCors = await serveFiles(files, { cors: false });
  });

  afterAll(async () => {
    await server?.close();
    await serverWithoutCors?.close();
  });

  function propsFor(
    width: number,
    height: number,
    captionStyle: ShortVideoProps['captionStyle'],
    origin = server,
  ): ShortVideoProps {
    const durationInFrames = AUDIO_SECONDS * FPS;
    const crossfadeFrames = 8;
    return {
      title: 'Octopus facts',
      width,
      height,
      fps: FPS,
      durationInFrames,
      crossfadeFrames,
      scenes: evenScenes(
        PALETTES.map((_, i) => origin.url(`/${width}x${height}/scene-${i}.png`)),
        durationInFrames,
        crossfadeFrames,
      ),
      audioUrl: origin.url('/voice.wav'),
      captions: evenCaptions(NARRATION, AUDIO_SECONDS * 1000, 4),
      captionStyle,
    };
  }

  async function renderToFile(props: ShortVideoProps, name: string): Promise<{ file: string; seen: RenderProgress[] }> {
    const outputKey = `videos/${name}.mp4`;
    const { renderId } = await renderer.start({ jobId: name, props, outputKey });
    const seen: RenderProgress[] = [];
    for (;;) {
      const progress = await renderer.progress(renderId);
      seen.push(progress);
      if (progress.fatalError) throw new Error(progress.fatalError);
      if (progress.done) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const file = join(ARTIFACTS, `${name}.mp4`);
    await writeFile(file, await blobs.get(outputKey));
    return { file, seen };
  }

  it.each([
    { width: 270, height: 480, captionStyle: 'bold' as const, cors: true },
    { width: 360, height: 360, captionStyle: 'karaoke' as const, cors: true },
    { width: 270, height: 480, captionStyle: 'minimal' as const, cors: false },
  ])('renders a $width×$height $captionStyle clip the length of its audio (CORS: $cors)', async ({
    width,
    height,
    captionStyle,
    cors,
  }) => {
    // Prepare
    const props = propsFor(width, height, captionStyle, cors ? server : serverWithoutCors);
    const name = `clip-${width}x${height}-${captionStyle}`;

    // Act
    const { file, seen } = await renderToFile(props, name);

    // Assess
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ done: true, progress: 1, outputKey: `videos/${name}.mp4` });
    expect(last.framesPerSecond).toBeGreaterThan(0);
    expect(seen.slice(0, -1).every((p) => !p.done && p.progress < 1)).toBe(true);
    expect(blobs.objects.get(`videos/${name}.mp4`)?.contentType).toBe('video/mp4');

    const media = await probe(file);
    expect(Math.abs(media.durationSeconds - AUDIO_SECONDS)).toBeLessThan(0.1);
    const video = media.streams.filter((s) => s.codec_type === 'video');
    const audio = media.streams.filter((s) => s.codec_type === 'audio');
    expect(video).toEqual([expect.objectContaining({ codec_name: 'h264', width, height, pix_fmt: 'yuv420p' })]);
    expect(audio).toEqual([expect.objectContaining({ codec_name: 'aac' })]);
    // The tone is about -14 dBFS; silence would be about -91.
    expect(await meanVolumeDb(file)).toBeGreaterThan(-30);

    // Frames to look at: first scene, mid-crossfade into the second, last scene.
    for (const seconds of [0.5, 1.1, 2.6]) {
      await extractFrame(file, seconds, join(ARTIFACTS, `${name}-${seconds.toFixed(1)}s.png`));
    }
  });

  describe('layered (the default) against every frame in Chromium (full, as Remotion Lambda draws)', () => {
    const full = new LocalRemotionRenderer({ blobs, workDir: WORK_DIR, method: 'full', parallelChunks: 1 });

    it.each([
      { width: 270, height: 480, captionStyle: 'bold' as const },
      { width: 360, height: 360, captionStyle: 'minimal' as const },
    ])('draws the same $width×$height $captionStyle video', async ({ width, height, captionStyle }) => {
      // Prepare
      const props = propsFor(width, height, captionStyle);
      const name = `parity-${width}x${height}-${captionStyle}`;
      expect(renderer.method).toBe('layered');

      // Act
      const layered = await renderToFile(props, `${name}-layered`);
      const { renderId } = await full.start({ jobId: `${name}-full`, props, outputKey: `videos/${name}-full.mp4` });
      let progress = await full.progress(renderId);
      while (!progress.done && !progress.fatalError) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        progress = await full.progress(renderId);
      }
      expect(progress.fatalError).toBeUndefined();
      const fullFile = join(ARTIFACTS, `${name}-full.mp4`);
      await writeFile(fullFile, await blobs.get(`videos/${name}-full.mp4`));

      // Assess: same frames (pictures, motion, crossfades, title, captions), frame for frame.
      // What differs is resampling and the full render's JPEG frames (0.984–0.988 measured); the
      // pictures' motion one frame early scored 0.974 (worst frame 0.955), a missing caption lower.
      const comparison = await compareVideos(fullFile, layered.file);
      expect(comparison.frames).toBe(props.durationInFrames);
      expect(comparison.ssim).toBeGreaterThan(0.98);
      expect(comparison.minSsim).toBeGreaterThan(0.97);
      // 42.5–43.5 dB measured; a crossfade that left 12% of the previous scene showing scored 39.4.
      expect(comparison.psnr).toBeGreaterThan(41);
      const media = await probe(layered.file);
      expect(media.streams.filter((s) => s.codec_type === 'video')).toEqual([
        expect.objectContaining({ codec_name: 'h264', width, height, pix_fmt: 'yuv420p', color_space: 'bt709' }),
      ]);
    });

    it('fails with ffmpeg’s own message when it stops half way, without waiting for it', async () => {
      // Prepare: an "ffmpeg" that reads a little of the strips, complains and exits.
      const fake = join(ARTIFACTS, 'ffmpeg-that-fails.sh');
      await writeFile(fake, '#!/bin/sh\nhead -c 20000 >/dev/null\necho "Conversion failed: disk full" >&2\nexit 1\n', { mode: 0o755 });
      const broken = new LocalRemotionRenderer({ blobs, workDir: WORK_DIR, ffmpegExecutable: fake });

      // Act
      const { renderId } = await broken.start({ jobId: 'ffmpeg-fails', props: propsFor(270, 480, 'bold'), outputKey: 'videos/ffmpeg-fails.mp4' });
      let progress = await broken.progress(renderId);
      while (!progress.done && !progress.fatalError) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        progress = await broken.progress(renderId);
      }

      // Assess
      expect(progress.fatalError).toMatch(/ffmpeg failed \(exit 1\): Conversion failed: disk full/);
      expect(await blobs.exists('videos/ffmpeg-fails.mp4')).toBe(false);
    });

    it('names ffmpeg when it cannot run it', async () => {
      const broken = new LocalRemotionRenderer({ blobs, workDir: WORK_DIR, ffmpegExecutable: '/nonexistent/ffmpeg' });

      const { renderId } = await broken.start({ jobId: 'no-ffmpeg', props: propsFor(270, 480, 'bold'), outputKey: 'videos/no-ffmpeg.mp4' });
      let progress = await broken.progress(renderId);
      while (!progress.done && !progress.fatalError) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        progress = await broken.progress(renderId);
      }

      expect(progress.fatalError).toMatch(/ffmpeg at \/nonexistent\/ffmpeg/);
      expect(await blobs.exists('videos/no-ffmpeg.mp4')).toBe(false);
    });
  });

  describe('in pieces rendered side by side (parallelChunks)', () => {
    const chunked = new LocalRemotionRenderer({ blobs, workDir: WORK_DIR, method: 'full', parallelChunks: 2 });
    const FOUR_SECONDS = 4 * FPS;

    function fourSecondProps(): ShortVideoProps {
      return {
        ...propsFor(270, 480, 'bold'),
        durationInFrames: FOUR_SECONDS,
        scenes: evenScenes(
          PALETTES.map((_, i) => server.url(`/270x480/scene-${i}.png`)),
          FOUR_SECONDS,
          8,
        ),
        audioUrl: server.url('/voice-4s.wav'),
        captions: evenCaptions(NARRATION, 4000, 4),
      };
    }

    it('joins the pieces into one clip as long as its audio, with the sound intact', async () => {
      // Prepare: 120 frames, so two pieces of 60.
      const props = fourSecondProps();

      // Act
      const { renderId } = await chunked.start({ jobId: 'chunked', props, outputKey: 'videos/chunked.mp4' });
      let progress = await chunked.progress(renderId);
      while (!progress.done && !progress.fatalError) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        progress = await chunked.progress(renderId);
      }

      // Assess
      expect(progress).toMatchObject({ done: true, progress: 1 });
      const file = join(ARTIFACTS, 'chunked-270x480.mp4');
      await writeFile(file, await blobs.get('videos/chunked.mp4'));
      const media = await probe(file);
      expect(Math.abs(media.durationSeconds - 4)).toBeLessThan(0.1);
      expect(media.streams.filter((s) => s.codec_type === 'video')).toEqual([
        expect.objectContaining({ codec_name: 'h264', width: 270, height: 480, pix_fmt: 'yuv420p' }),
      ]);
      expect(media.streams.filter((s) => s.codec_type === 'audio')).toEqual([expect.objectContaining({ codec_name: 'aac' })]);
      expect(await meanVolumeDb(file)).toBeGreaterThan(-30);
      // Either side of the seam between the pieces (frame 60 is at 2.0 s).
      for (const seconds of [1.95, 2.05]) {
        await extractFrame(file, seconds, join(ARTIFACTS, `chunked-270x480-${seconds.toFixed(2)}s.png`));
      }
    });

    it('fails the whole render when one piece cannot load its picture', async () => {
      // Prepare: the last scene's picture is missing; the piece that meets it first fails.
      const props = fourSecondProps();
      props.scenes[2]!.imageUrl = server.url('/missing.png');

      // Act
      const { renderId } = await chunked.start({ jobId: 'chunked-broken', props, outputKey: 'videos/chunked-broken.mp4' });
      let progress = await chunked.progress(renderId);
      while (!progress.done && !progress.fatalError) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        progress = await chunked.progress(renderId);
      }

      // Assess
      expect(progress.done).toBe(false);
      expect(progress.fatalError).toMatch(/missing\.png|image|error/i);
      expect(await blobs.exists('videos/chunked-broken.mp4')).toBe(false);
    });
  });

  it('rejects props that do not match the schema', async () => {
    const props = { ...propsFor(270, 480, 'bold'), scenes: [] };

    await expect(renderer.start({ jobId: 'bad', props, outputKey: 'videos/bad.mp4' })).rejects.toBeInstanceOf(
      InvalidInput,
    );
  });

  it('reports an unknown render as NotFound', async () => {
    await expect(renderer.progress('no-such-render')).rejects.toBeInstanceOf(NotFound);
  });

  it('reports a render whose picture cannot be loaded as a fatal error', async () => {
    const props = propsFor(270, 480, 'minimal');
    props.scenes[1]!.imageUrl = server.url('/missing.png');

    const { renderId } = await renderer.start({ jobId: 'broken', props, outputKey: 'videos/broken.mp4' });
    let progress = await renderer.progress(renderId);
    while (!progress.done && !progress.fatalError) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      progress = await renderer.progress(renderId);
    }

    expect(progress.done).toBe(false);
    expect(progress.fatalError).toMatch(/missing\.png|image|error/i);
    expect(await blobs.exists('videos/broken.mp4')).toBe(false);
  });
});
