import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openBrowser, renderMedia, selectComposition } from '@remotion/renderer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACK_MS, RELEASE_MS } from '../../frontend/remotion/music-mix.js';
import { EspeakSpeechSynthesizer } from '../../lambdas/adapters/offline/espeak-speech.js';
import { LocalRemotionRenderer } from '../../lambdas/adapters/offline/remotion-renderer.js';
import { mixSoundtrack } from '../../lambdas/adapters/offline/soundtrack.js';
import { integratedLoudness } from '../../lambdas/core/loudness.js';
import { speechSpans, type SpeechSpan } from '../../lambdas/core/mix-levels.js';
import type { Script } from '../../lambdas/core/model.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import { prepareMusicBed } from '../../lambdas/core/music-bed.js';
import { decodeWav, encodeWav16, type PcmAudio } from '../../lambdas/core/pcm.js';
import { generateVoice } from '../../lambdas/core/pipeline/asset-steps.js';
import type { JobStore } from '../../lambdas/core/ports.js';
import { COMPOSITION_ID, type CaptionPage, type ShortVideoProps } from '../../lambdas/core/video-props.js';
import { ffmpegLoudness, silentStretches } from '../support/loudness.js';
import { MemoryBlobStore } from '../support/render-blob-store.js';
import { sceneImage, serveFiles } from '../support/render-fixtures.js';

/**
 * The mix as the platforms hear it: an eSpeak voice leveled by Generate Voice and a music bed
 * prepared by prepareMusicBed, rendered by Remotion itself (renderMedia, audio only: what Remotion
 * Lambda plays from the same composition) and by the layered render's premix. Loudness by ffmpeg's
 * ebur128; the ducking measured on stems: the same props with the voice silent (the music as mixed)
 * and with no music (the voice).
 */

const run = promisify(execFile);
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'music-mix');
// Shared with test/integration/render.test.ts: the bundle cached there is reused.
const WORK_DIR = join(process.cwd(), 'test-artifacts', 'remotion-work');
const FPS = 30;

const script: Script = {
  title: 'Tides',
  hook: 'Why does the sea have tides?',
  style: 'watercolor',
  scenes: [
    { narration: 'The moon pulls on the oceans.', imagePrompt: 'moon', durationHint: 6 },
    { narration: 'Twice a day the water rises and falls.', imagePrompt: 'beach' },
  ],
};

/** Decoded samples between `from` and `to` ms, all spans joined. */
function slices(audio: PcmAudio, spans: SpeechSpan[]): PcmAudio {
  const at = (ms: number) => Math.round((ms / 1000) * audio.sampleRate);
  return {
    sampleRate: audio.sampleRate,
    channels: audio.channels.map((channel) => {
      const parts = spans.map((s) => channel.subarray(at(s.fromMs), at(s.toMs)));
      const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let offset = 0;
      for (const part of parts) {
        out.set(part, offset);
        offset += part.length;
      }
      return out;
    }),
  };
}

/** The gaps between speech spans (and before/after), at least `minMs` long, without the ramps when `ramps`. */
function pauses(spans: SpeechSpan[], endMs: number, minMs: number, ramps: boolean): SpeechSpan[] {
  const edges = [{ fromMs: 0, toMs: 0 }, ...spans, { fromMs: endMs, toMs: endMs }];
  const out: SpeechSpan[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const fromMs = edges[i]!.toMs + (ramps ? RELEASE_MS : 0);
    const toMs = edges[i + 1]!.fromMs - (ramps ? ATTACK_MS : 0);
    if (toMs - fromMs >= minMs) out.push({ fromMs, toMs });
  }
  return out;
}

describe('the music mix', () => {
  let server: Awaited<ReturnType<typeof serveFiles>>;
  let props: ShortVideoProps;
  let spans: SpeechSpan[];
  let voicePcm: PcmAudio;
  let bedPcm: PcmAudio;
  const files: Record<string, string> = {};
  const pcm = async (name: string) => decodeWav(new Uint8Array(await readFile(files[name]!)));

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    // The voice as Generate Voice makes it (eSpeak takes, joined with the hint's pause, leveled).
    const blobs = new MemoryBlobStore();
    const jobs = { addSpend: async () => {}, updateStep: async () => ({ status: 'running' }) } as unknown as JobStore;
    const voice = await generateVoice(
      { jobId: 'mix', request: VideoRequestSchema.parse({ prompt: 'tides', seconds: 10 }), script },
      { voice: new EspeakSpeechSynthesizer(), blobs, jobs },
    );
    const voiceWav = await blobs.get(voice.audioKey);
    voicePcm = decodeWav(voiceWav);
    // A bed shorter than the video (it must loop): a chord over pink noise, quiet as uploaded.
    const bedFile = join(ARTIFACTS, 'bed-source.mp3');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i',
      "aevalsrc='0.1*sin(2*PI*220*t)+0.08*sin(2*PI*277*t)+0.07*sin(2*PI*330*t)':s=44100:d=4",
      '-f', 'lavfi', '-i', 'anoisesrc=color=pink:sample_rate=44100:amplitude=0.05:duration=4:seed=5',
      '-filter_complex', 'amix=inputs=2:normalize=0,aformat=channel_layouts=stereo', '-c:a', 'libmp3lame', bedFile]);
    const bed = await prepareMusicBed(new Uint8Array(await readFile(bedFile)));
    bedPcm = decodeWav(bed.wav);
    const silent = encodeWav16({ sampleRate: voicePcm.sampleRate, channels: voicePcm.channels.map((c) => new Float32Array(c.length)) });
    server = await serveFiles(
      new Map([
        ['/scene.png', { body: sceneImage(360, 360, ['#1e3a8a', '#9333ea', '#f472b6']), contentType: 'image/png' }],
        ['/voice.wav', { body: voiceWav, contentType: 'audio/wav' }],
        ['/silent.wav', { body: silent, contentType: 'audio/wav' }],
        ['/bed.wav', { body: bed.wav, contentType: 'audio/wav' }],
      ]),
    );
    const captions: CaptionPage[] = voice.words.map((w) => ({ startMs: w.startMs, endMs: w.endMs, tokens: [{ text: w.text, fromMs: w.startMs, toMs: w.endMs }] }));
    spans = speechSpans(captions);
    console.log(`voice ${voice.durationMs} ms, speech spans ${JSON.stringify(spans)}`);
    // The video runs a second past the voice: the bed fills the end and fades out.
    const durationInFrames = Math.ceil(((voice.durationMs + 1000) / 1000) * FPS);
    props = {
      title: script.title,
      width: 360,
      height: 360,
      fps: FPS,
      durationInFrames,
      crossfadeFrames: 0,
      scenes: [{ imageUrl: server.url('/scene.png'), startFrame: 0, durationInFrames }],
      audioUrl: server.url('/voice.wav'),
      captions,
      captionStyle: 'minimal',
      music: { url: server.url('/bed.wav'), durationMs: bed.durationMs, speech: spans },
    };

    // Remotion's own mix, audio only, twice: the mix and the music stem (the voice silent). Remotion
    // sums its tracks unscaled (amix normalize=0), so the voice stem is the mix minus the music.
    const renderer = new LocalRemotionRenderer({ blobs, workDir: WORK_DIR });
    const serveUrl = await renderer.bundle();
    const browser = await openBrowser('chrome', { browserExecutable: '/usr/bin/chromium', chromiumOptions: { gl: null }, chromeMode: 'chrome-for-testing', logLevel: 'error' });
    try {
      const variants: Record<string, ShortVideoProps> = {
        mix: props,
        music: { ...props, audioUrl: server.url('/silent.wav') },
      };
      for (const [name, inputProps] of Object.entries(variants)) {
        const shared = { serveUrl, inputProps, puppeteerInstance: browser, chromeMode: 'chrome-for-testing' as const, logLevel: 'error' as const };
        const composition = await selectComposition({ ...shared, id: COMPOSITION_ID });
        files[name] = join(ARTIFACTS, `remotion-${name}.wav`);
        const started = Date.now();
        await renderMedia({ ...shared, composition, codec: 'wav', outputLocation: files[name]!, concurrency: 1 });
        console.log(`audio-only render of ${composition.durationInFrames} frames: ${Date.now() - started} ms`);
      }
    } finally {
      await browser.close({ silent: true });
    }
    const [mix, music] = await Promise.all([pcm('mix'), pcm('music')]);
    files.voice = join(ARTIFACTS, 'remotion-voice.wav');
    await writeFile(files.voice, encodeWav16({ sampleRate: mix.sampleRate, channels: mix.channels.map((c, k) => c.map((x, i) => x - music.channels[k]![i]!)) }));
    // The layered render's premix of the same props, and its music stem.
    files.layered = join(ARTIFACTS, 'layered-mix.wav');
    await writeFile(files.layered, encodeWav16(mixSoundtrack(props, voicePcm, bedPcm)));
    const silentVoice = { sampleRate: voicePcm.sampleRate, channels: voicePcm.channels.map((c) => new Float32Array(c.length)) };
    files.layeredMusic = join(ARTIFACTS, 'layered-music.wav');
    await writeFile(files.layeredMusic, encodeWav16(mixSoundtrack(props, silentVoice, bedPcm)));
  }, 240_000);

  afterAll(async () => {
    await server?.close();
  });

  it('has speech spans and a pause long enough to hear the bed come up', () => {
    expect(spans.length).toBeGreaterThanOrEqual(2);
    expect(pauses(spans, (props.durationInFrames / FPS) * 1000, 1000, false).length).toBeGreaterThanOrEqual(1);
  });

  it('the final mix is -14 ± 1 LUFS integrated (ffmpeg ebur128)', async () => {
    const lufs = await ffmpegLoudness(files.mix!);
    console.log(`mix ${lufs} LUFS`);
    expect(lufs).toBeGreaterThanOrEqual(-15);
    expect(lufs).toBeLessThanOrEqual(-13);
  });

  it('a voice-only video is also about -14 LUFS (the voice stem: what the same props play without music)', async () => {
    const lufs = await ffmpegLoudness(files.voice!);
    expect(lufs).toBeGreaterThanOrEqual(-15);
    expect(lufs).toBeLessThanOrEqual(-13);
  });

  it('the music is at least 10 dB under the voice while it speaks, and comes up in pauses', async () => {
    const [voice, music] = await Promise.all([pcm('voice'), pcm('music')]);
    const voiceOverSpeech = integratedLoudness(slices(voice, spans));
    const musicOverSpeech = integratedLoudness(slices(music, spans));
    console.log(`over speech: voice ${voiceOverSpeech.toFixed(1)} LUFS, music ${musicOverSpeech.toFixed(1)} LUFS`);
    expect(voiceOverSpeech - musicOverSpeech).toBeGreaterThanOrEqual(10);
    // Span by span too (those long enough to measure).
    for (const span of spans.filter((s) => s.toMs - s.fromMs >= 400)) {
      expect(integratedLoudness(slices(voice, [span])) - integratedLoudness(slices(music, [span]))).toBeGreaterThanOrEqual(10);
    }
    // In the long pause (away from the ramps) the bed is several dB louder than under speech.
    const endMs = (props.durationInFrames / FPS) * 1000;
    const gaps = pauses(spans, endMs - 1500, 400, true);
    expect(gaps.length).toBeGreaterThanOrEqual(1);
    expect(integratedLoudness(slices(music, gaps)) - musicOverSpeech).toBeGreaterThanOrEqual(6);
  });

  it('has no silent stretch (silencedetect -45 dB, 0.4 s)', async () => {
    expect(await silentStretches(files.mix!)).toEqual([]);
    expect(await silentStretches(files.layered!)).toEqual([]);
  });

  it("the layered render's premix sounds as Remotion's mix: loudness within 0.5 LU, the same ducking", async () => {
    expect(Math.abs((await ffmpegLoudness(files.layered!)) - (await ffmpegLoudness(files.mix!)))).toBeLessThanOrEqual(0.5);
    const [remotion, layered] = await Promise.all([pcm('music'), pcm('layeredMusic')]);
    expect(Math.abs(integratedLoudness(slices(layered, spans)) - integratedLoudness(slices(remotion, spans)))).toBeLessThanOrEqual(0.5);
    const gaps = pauses(spans, (props.durationInFrames / FPS) * 1000, 400, false);
    expect(Math.abs(integratedLoudness(slices(layered, gaps)) - integratedLoudness(slices(remotion, gaps)))).toBeLessThanOrEqual(0.5);
  });
});
