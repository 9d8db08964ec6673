import { describe, expect, it } from 'vitest';
import type { Script } from '../../lambdas/core/model.js';
import { narrationText, VideoRequestSchema } from '../../lambdas/core/model.js';
import { VOICE_LUFS } from '../../lambdas/core/mix-levels.js';
import { generateVoice } from '../../lambdas/core/pipeline/asset-steps.js';
import { computeTimeline } from '../../lambdas/core/pipeline/timing-steps.js';
import type { BlobStore, JobStore, Spend, SpeechSynthesizer } from '../../lambdas/core/ports.js';
import type { StepPatch } from '../../lambdas/core/job.js';

/**
 * Per-scene voice: each segment its own take, joined with duration-hint silences; words placed in
 * narrationText and in the joined take's time.
 */

const RATE = 8000;
/** 100 ms of tone per character, so a take's length is known exactly. */
function wav(text: string): Uint8Array {
  const samples = text.length * (RATE / 10);
  const bytes = new Uint8Array(44 + samples * 2);
  const view = new DataView(bytes.buffer);
  [...'RIFF'].forEach((c, i) => (bytes[i] = c.charCodeAt(0)));
  view.setUint32(4, 36 + samples * 2, true);
  [...'WAVEfmt '].forEach((c, i) => (bytes[8 + i] = c.charCodeAt(0)));
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, RATE, true);
  view.setUint32(28, RATE * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  [...'data'].forEach((c, i) => (bytes[36 + i] = c.charCodeAt(0)));
  view.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) view.setInt16(44 + i * 2, i % 2 ? 8000 : -8000, true);
  return bytes;
}

function harness() {
  const blobs = new Map<string, Uint8Array>();
  const store = {
    put: async (key: string, body: Uint8Array) => void blobs.set(key, body),
    get: async (key: string) => blobs.get(key)!,
    exists: async (key: string) => blobs.has(key),
  } as unknown as BlobStore;
  const spoken: string[] = [];
  const voice: SpeechSynthesizer = {
    name: 'tone',
    cacheKey: 'tone-v1',
    synthesize: async ({ text }) => {
      spoken.push(text);
      // One "word" per take, spoken from its start to its end.
      return {
        audio: wav(text),
        contentType: 'audio/wav',
        extension: 'wav',
        durationMs: text.length * 100,
        words: [{ text, charStart: 0, startMs: 0, endMs: text.length * 100 }],
        spend: { units: { characters: text.length }, usd: 0 },
      };
    },
  };
  const spends: Spend[] = [];
  const steps: StepPatch[] = [];
  const jobs = {
    addSpend: async (_id: string, _step: string, spend: Spend) => void spends.push(spend),
    updateStep: async (_id: string, _step: string, patch: StepPatch) => {
      steps.push(patch);
      return { status: 'running' };
    },
  } as unknown as JobStore;
  return { deps: { voice, blobs: store, jobs }, spoken, spends, steps };
}

const request = VideoRequestSchema.parse({ prompt: 'Tides and moons', seconds: 10 });
const script: Script = {
  title: 'T',
  hook: 'Hook',
  style: 's',
  scenes: [
    { narration: 'One', imagePrompt: 'a' },
    { narration: 'Two2', imagePrompt: 'b', durationHint: 2 },
    { narration: 'Three', imagePrompt: 'c' },
  ],
};

describe('generateVoice, per segment', () => {
  it('speaks each segment once and places its words in narrationText and the joined time, with a hint\'s silence', async () => {
    const { deps, spoken, spends, steps } = harness();
    const voice = await generateVoice({ jobId: 'j', request, script }, deps);
    expect(spoken).toEqual(['Hook', 'One', 'Two2', 'Three']);
    expect(spends).toHaveLength(4);
    // Hook 400 + One 300 + Two2 400 (+1600 silence: the scene lasts 2 s) + Three 500.
    expect(voice.durationMs).toBe(400 + 300 + 2000 + 500);
    const text = narrationText(script);
    expect(voice.words.map((w) => text.slice(w.charStart, w.charStart + w.text.length))).toEqual(['Hook', 'One', 'Two2', 'Three']);
    expect(voice.words.map((w) => w.startMs)).toEqual([0, 400, 700, 2700]);
    expect(steps.at(-1)).toEqual({ total: 4, done: 4, reused: 0 });
    // The timeline follows: scene 2 runs from 0.7 s to 2.7 s.
    const timeline = computeTimeline(voice, 3, 30);
    expect(timeline.scenes[2]!.startFrame).toBe(Math.round(2.7 * 30) - 6);
  });

  it('speaks again only the segment whose narration changed; the same storyboard is reused whole', async () => {
    const { deps, spoken, steps } = harness();
    await generateVoice({ jobId: 'j', request, script }, deps);
    spoken.length = 0;
    const edited = { ...script, scenes: script.scenes.map((s, i) => (i === 2 ? { ...s, narration: 'Four4' } : s)) };
    const again = await generateVoice({ jobId: 'j', request, script: edited }, deps);
    expect(spoken).toEqual(['Four4']);
    expect(again.reused).toBe(false);
    expect(steps.at(-1)).toEqual({ total: 4, done: 4, reused: 3 });
    spoken.length = 0;
    const same = await generateVoice({ jobId: 'j', request, script: edited }, deps);
    expect(spoken).toEqual([]);
    expect(same.reused).toBe(true);
  });

  it('pads the first scene with the hook counted in', async () => {
    const { deps } = harness();
    const hinted = { ...script, scenes: script.scenes.map((s, i) => (i === 0 ? { ...s, durationHint: 1 } : { narration: s.narration, imagePrompt: s.imagePrompt })) };
    const voice = await generateVoice({ jobId: 'j', request, script: hinted }, deps);
    // Hook 400 + One 300 = 700: 300 ms of silence make the first scene last 1 s.
    expect(voice.words.map((w) => w.startMs)).toEqual([0, 400, 1000, 1400]);
  });
});

describe('generateVoice, levels', () => {
  /** A speech-like take made by ffmpeg: a tone with a syllable rhythm (high crest factor), `gain` quiet, as WAV or MP3. */
  async function take(text: string, ext: 'wav' | 'mp3', gain: number): Promise<Uint8Array> {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { mkdtemp, readFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/ai-shorts-voice-`);
    const file = `${dir}/take.${ext}`;
    const seconds = text.length * 0.1;
    const codec = ext === 'wav' ? ['-c:a', 'pcm_s16le'] : ['-c:a', 'libmp3lame', '-b:a', '64k'];
    await promisify(execFile)('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc='${gain}*sin(2*PI*220*t)*pow(sin(PI*4*t),4)':s=22050:d=${seconds}`, ...codec, file]);
    return new Uint8Array(await readFile(file));
  }

  it.each(['wav', 'mp3'] as const)('stores the joined %s voice as WAV at the voice loudness, peaks limited, words unchanged', async (ext) => {
    // Prepare: quiet and loud takes in the provider's format (eSpeak: WAV; ElevenLabs: MP3).
    const { deps } = harness();
    const gains = [0.05, 0.9, 0.2, 0.6];
    let n = 0;
    deps.voice = {
      ...deps.voice,
      synthesize: async ({ text }) => ({
        audio: await take(text, ext, gains[n++ % gains.length]!),
        contentType: ext === 'wav' ? 'audio/wav' : 'audio/mpeg',
        extension: ext,
        durationMs: text.length * 100,
        words: [{ text, charStart: 0, startMs: 0, endMs: text.length * 100 }],
        spend: { units: { characters: text.length }, usd: 0 },
      }),
    };

    // Act
    const voice = await generateVoice({ jobId: 'j', request, script }, deps);

    // Assess
    const { decodeWav } = await import('../../lambdas/core/pcm.js');
    const { gainToDb, playedLoudness, samplePeak } = await import('../../lambdas/core/loudness.js');
    expect(voice.audioKey).toMatch(/^assets\/voice\/[0-9a-f]{64}\.wav$/);
    const audio = decodeWav(await deps.blobs.get(voice.audioKey));
    // Mono, played on both sides of the video's stereo track.
    expect(audio.channels).toHaveLength(1);
    expect(Math.abs(playedLoudness(audio) - VOICE_LUFS)).toBeLessThanOrEqual(0.3);
    expect(gainToDb(samplePeak(audio))).toBeLessThanOrEqual(-1);
    expect(voice.durationMs).toBe(Math.round((audio.channels[0]!.length / audio.sampleRate) * 1000));
    if (ext === 'wav') {
      // The takes are exactly as long as said: the words are where they were before leveling.
      expect(voice.durationMs).toBe(400 + 300 + 2000 + 500);
      expect(voice.words.map((w) => w.startMs)).toEqual([0, 400, 700, 2700]);
    } else {
      // An MP3 take is its encoder's whole frames, a little longer than the text's 100 ms a character.
      expect(voice.durationMs).toBeGreaterThanOrEqual(3200);
      expect(voice.durationMs).toBeLessThan(3200 + 4 * 120);
    }
  });
});
