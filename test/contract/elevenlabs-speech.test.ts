import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ElevenLabsSpeechSynthesizer, elevenLabsUsdPerCharacter } from '../../lambdas/adapters/providers/elevenlabs-speech.js';
import { spokenWords } from '../../lambdas/core/alignment.js';
import { ProviderRateLimited, ProviderRejected, ProviderTimeout, ProviderUnavailable, TRANSIENT_ERROR_NAMES } from '../../lambdas/core/errors.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import { playedLoudness } from '../../lambdas/core/loudness.js';
import { VOICE_LUFS } from '../../lambdas/core/mix-levels.js';
import { decodeWav } from '../../lambdas/core/pcm.js';
import { generateVoice } from '../../lambdas/core/pipeline/asset-steps.js';
import type { JobStore, Spend } from '../../lambdas/core/ports.js';
import { MemoryBlobStore } from '../support/render-blob-store.js';
import {
  elevenLabsBusy,
  ELEVENLABS_QUOTA_EXCEEDED,
  ELEVENLABS_STUB_KEY,
  startElevenLabsStub,
  stubAlignment,
  type ElevenLabsStub,
} from '../support/stubs/elevenlabs-stub.js';

const run = promisify(execFile);
const TEXT = 'Did you know octopuses have three hearts?\nTwo pump blood to the gills — one to the body, "mostly".';

async function probeSeconds(audio: Uint8Array): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), 'elevenlabs-contract-'));
  try {
    const file = path.join(dir, 'voice.mp3');
    await writeFile(file, audio);
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name,duration', '-of', 'json', file]);
    const format = (JSON.parse(stdout) as { format: { format_name: string; duration: string } }).format;
    expect(format.format_name).toBe('mp3');
    return Number(format.duration);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('ElevenLabsSpeechSynthesizer against an ElevenLabs stub (@elevenlabs/elevenlabs-js)', () => {
  let stub: ElevenLabsStub;
  let slept: number[];
  const voice = (options: { apiKey?: string; timeoutMs?: number; modelId?: string; voiceId?: string } = {}) =>
    new ElevenLabsSpeechSynthesizer({
      apiKey: async () => options.apiKey ?? ELEVENLABS_STUB_KEY,
      baseUrl: stub.baseUrl,
      timeoutMs: options.timeoutMs ?? 10_000,
      ...(options.modelId ? { modelId: options.modelId } : {}),
      ...(options.voiceId ? { voiceId: options.voiceId } : {}),
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error);

  beforeAll(async () => {
    stub = await startElevenLabsStub();
  });
  afterAll(async () => {
    await stub.stop();
  });
  beforeEach(() => {
    stub.reset();
    slept = [];
  });

  it('calls convertWithTimestamps and returns a real MP3 as long as the narration', async () => {
    // Act
    const speech = await voice().synthesize({ text: TEXT });

    // Assess: the request, in ElevenLabs' wire format
    const [call] = stub.requestsTo('tts');
    expect(call!.path).toBe('/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb/with-timestamps');
    expect(call!.query.get('output_format')).toBe('mp3_44100_128');
    expect(call!.headers['xi-api-key']).toBe(ELEVENLABS_STUB_KEY);
    expect(call!.json).toMatchObject({ text: TEXT, model_id: 'eleven_multilingual_v2' });
    // Assess: the audio
    expect(speech.contentType).toBe('audio/mpeg');
    expect(speech.extension).toBe('mp3');
    const seconds = await probeSeconds(speech.audio);
    expect(Math.abs(speech.durationMs - seconds * 1000)).toBeLessThan(60);
    expect(speech.durationMs).toBeGreaterThanOrEqual(speech.words.at(-1)!.endMs);
    // Assess: the cost
    expect(speech.spend).toEqual({ units: { characters: TEXT.length }, usd: TEXT.length * elevenLabsUsdPerCharacter('eleven_multilingual_v2') });
  });

  it('turns the character alignment into the word timings the offline voice gives', async () => {
    // Act
    const { words } = await voice().synthesize({ text: TEXT });

    // Assess: every word, without edge punctuation, at its offset in the text
    expect(words.map((w) => w.text)).toEqual(spokenWords(TEXT).map((w) => w.text));
    expect(words.map((w) => w.text)).toContain('hearts');
    expect(words.map((w) => w.text)).toContain('mostly');
    expect(words.map((w) => w.text)).not.toContain('—');
    for (const word of words) expect(TEXT.slice(word.charStart, word.charStart + word.text.length)).toBe(word.text);
    // Times come from the alignment: a word starts with its first character and ends with its last
    const { starts, ends } = stubAlignment(TEXT);
    const hearts = words.find((w) => w.text === 'hearts')!;
    expect(hearts.startMs).toBe(Math.round(starts[hearts.charStart]! * 1000));
    expect(hearts.endMs).toBe(Math.round(ends[hearts.charStart + 'hearts'.length - 1]! * 1000));
    for (let i = 1; i < words.length; i++) expect(words[i]!.startMs).toBeGreaterThanOrEqual(words[i - 1]!.endMs);
  });

  it('uses the request voice over the default, and the configured model', async () => {
    const speech = await voice({ modelId: 'eleven_flash_v2_5' }).synthesize({ text: 'Hello there.', voice: 'stub-voice-2' });
    const [call] = stub.requestsTo('tts');
    expect(call!.path).toBe('/v1/text-to-speech/stub-voice-2/with-timestamps');
    expect(call!.json).toMatchObject({ model_id: 'eleven_flash_v2_5' });
    expect(speech.spend.usd).toBeCloseTo(12 * 0.00005, 10);
  });

  it('names an unknown voice and a used-up quota as permanent errors', async () => {
    const unknown = await failure(voice().synthesize({ text: 'Hi.', voice: 'en-us' }));
    stub.fail('tts', ELEVENLABS_QUOTA_EXCEEDED);
    const quota = await failure(voice().synthesize({ text: 'Hi.' }));
    expect(unknown).toBeInstanceOf(ProviderRejected);
    expect(unknown!.message).toMatch(/ElevenLabs has no voice "en-us"/);
    expect(quota).toBeInstanceOf(ProviderRejected);
    expect(quota!.message).toMatch(/character quota is used up/);
  });

  it('explains a refused key (401)', async () => {
    const error = await failure(voice({ apiKey: 'sk_wrong' }).synthesize({ text: 'Hi.' }));
    expect(error).toBeInstanceOf(ProviderRejected);
    expect(error!.message).toBe('ElevenLabs refused the API key (401): invalid_api_key: Invalid API key. Check ELEVENLABS_API_KEY.');
  });

  it('throws ProviderRateLimited for a 429 without retrying (SDK retries off)', async () => {
    stub.fail('tts', elevenLabsBusy());
    const error = await failure(voice().synthesize({ text: 'Hi.' }));
    expect(error).toBeInstanceOf(ProviderRateLimited);
    expect(error!.message).toMatch(/too_many_concurrent_requests/);
    expect(stub.requestsTo('tts')).toHaveLength(1);
  });

  it('waits out a short Retry-After once, in-process', async () => {
    stub.fail('tts', elevenLabsBusy(1));
    const speech = await voice().synthesize({ text: 'Hi.' });
    expect(speech.words).toHaveLength(1);
    expect(slept).toEqual([1000]);
  });

  it('turns a 500, a reset connection and malformed JSON into ProviderUnavailable', async () => {
    stub.fail('tts', { status: 500, body: 'Internal Server Error' });
    const server = await failure(voice().synthesize({ text: 'Hi.' }));
    stub.fail('tts', 'reset');
    const reset = await failure(voice().synthesize({ text: 'Hi.' }));
    stub.fail('tts', 'malformed-json');
    const malformed = await failure(voice().synthesize({ text: 'Hi.' }));
    for (const error of [server, reset, malformed]) {
      expect(error).toBeInstanceOf(ProviderUnavailable);
      expect(TRANSIENT_ERROR_NAMES).toContain(error!.name);
    }
  });

  it('turns a hung response into ProviderTimeout', async () => {
    stub.fail('tts', 'hang');
    const error = await failure(voice({ timeoutMs: 300 }).synthesize({ text: 'Hi.' }));
    expect(error).toBeInstanceOf(ProviderTimeout);
  });

  it('refuses audio without timings, which the captions need', async () => {
    stub.omitAlignmentOnce();
    const error = await failure(voice().synthesize({ text: 'Hi.' }));
    expect(error).toBeInstanceOf(ProviderUnavailable);
    expect(error!.message).toMatch(/without character timings/);
  });

  it('is paid once per segment: the Generate Voice step speaks each segment once, joins the MP3 takes and reuses them', async () => {
    // Prepare
    const blobs = new MemoryBlobStore();
    const spends: Spend[] = [];
    const jobs = {
      addSpend: async (_jobId: string, _step: string, spend: Spend) => void spends.push(spend),
      updateStep: async () => ({ status: 'running' }),
    } as unknown as JobStore;
    const script = {
      title: 'Hearts',
      hook: 'Octopuses have three hearts.',
      style: 'watercolor',
      scenes: [1, 2, 3].map((i) => ({ narration: `Heart number ${i} works hard.`, imagePrompt: `heart ${i}` })),
    };
    const event = { jobId: 'job-1', request: VideoRequestSchema.parse({ prompt: 'octopus hearts' }), script };
    const deps = { voice: voice(), blobs, jobs };

    // Act
    const first = await generateVoice(event, deps);
    const again = await generateVoice(event, deps);

    // Assess
    // ElevenLabs' MP3 takes are decoded, joined, leveled and stored as WAV (lambdas/core/mix-levels.ts).
    expect(first.audioKey).toMatch(/\.wav$/);
    expect(first.words[0]).toMatchObject({ text: 'Octopuses', charStart: 0 });
    expect(first.segmentStarts).toHaveLength(4);
    // Scene 2's words are placed in the whole narration and after the takes before them.
    const heart2 = first.words.find((w) => w.charStart === first.segmentStarts[2])!;
    expect(heart2.text).toBe('Heart');
    expect(heart2.startMs).toBeGreaterThan(first.words.find((w) => w.charStart === first.segmentStarts[1])!.endMs);
    const joined = decodeWav(await blobs.get(first.audioKey));
    expect(Math.round((joined.channels[0]!.length / joined.sampleRate) * 1000)).toBe(first.durationMs);
    expect(Math.abs(playedLoudness(joined) - VOICE_LUFS)).toBeLessThanOrEqual(0.3);
    expect(again.reused).toBe(true);
    // One call per segment (the hook and three narrations), each paid once; the second run speaks nothing.
    // (ElevenLabs' previous_text/next_text could carry the neighbours' words for a smoother join; not sent yet.)
    expect(stub.requestsTo('tts').map((r) => (r.json as { text: string }).text).sort()).toEqual([script.hook, ...script.scenes.map((s) => s.narration)].sort());
    expect(spends).toHaveLength(4);
  });
  it('speaks another language with a multilingual model and a speed inside ElevenLabs\' range', async () => {
    // Prepare
    stub.reset();
    const text = 'Por qué el mar es salado.';
    // Act
    const multilingual = await voice().synthesize({ text, language: 'es', speed: 1.15 });
    const flash = await voice({ modelId: 'eleven_flash_v2_5' }).synthesize({ text, language: 'pt-BR', speed: 0.8 });
    const englishOnly = await voice({ modelId: 'eleven_flash_v2' }).synthesize({ text, language: 'es' });
    const chinese = await voice().synthesize({ text: '海水是咸的。', language: 'zh' });
    // Assess
    const bodies = stub.requestsTo('tts').map((r) => r.json as { model_id: string; language_code?: string; voice_settings?: { speed?: number } });
    expect(bodies[0]).toMatchObject({ model_id: 'eleven_multilingual_v2', voice_settings: { speed: 1.15 } });
    expect(bodies[0]!.language_code).toBeUndefined(); // multilingual v2 takes no language_code: it reads the text
    expect(bodies[1]).toMatchObject({ model_id: 'eleven_flash_v2_5', language_code: 'pt', voice_settings: { speed: 0.8 } });
    // An English-only model cannot speak Spanish: the multilingual one does.
    expect(bodies[2]).toMatchObject({ model_id: 'eleven_multilingual_v2' });
    expect(bodies[2]!.voice_settings).toBeUndefined();
    expect(multilingual.words.map((w) => w.text)).toEqual(['Por', 'qué', 'el', 'mar', 'es', 'salado']);
    expect(flash.words).toHaveLength(6);
    expect(englishOnly.words).toHaveLength(6);
    expect(chinese.words.length).toBeGreaterThan(1);
    expect(chinese.words.map((w) => w.text).join('')).toBe('海水是咸的');
  });

  it('reaches 1.3: ElevenLabs speaks at its 1.2 and the take is time-stretched, words and length with it', async () => {
    stub.reset();
    const text = 'The ocean is salty because rivers carry minerals into it.';
    const normal = await voice().synthesize({ text, speed: 1.2 });
    const faster = await voice().synthesize({ text, speed: 1.3 });
    const bodies = stub.requestsTo('tts').map((r) => r.json as { voice_settings?: { speed?: number } });
    expect(bodies.map((b) => b.voice_settings?.speed)).toEqual([1.2, 1.2]);
    expect(faster.extension).toBe('wav');
    const played = decodeWav(faster.audio);
    expect(Math.round((played.channels[0]!.length / played.sampleRate) * 1000)).toBe(faster.durationMs);
    // 1.3 / 1.2 as fast: shorter by that factor, and so is every word's time.
    expect(faster.durationMs / normal.durationMs).toBeCloseTo(1.2 / 1.3, 1);
    expect(faster.words.map((w) => w.text)).toEqual(normal.words.map((w) => w.text));
    const last = normal.words.at(-1)!;
    expect(faster.words.at(-1)!.endMs).toBe(Math.round(last.endMs / (1.3 / 1.2)));
  });

  it('refuses a speed it cannot reach, naming voiceSpeed, without calling ElevenLabs', async () => {
    stub.reset();
    const error = await failure(voice().synthesize({ text: 'Fast.', speed: 1.4 }));
    expect(error?.name).toBe('InvalidInput');
    expect(error?.message).toMatch(/^voiceSpeed: ElevenLabs speaks from 0\.7 to 1\.3/);
    expect(stub.requestsTo('tts')).toHaveLength(0);
  });
});
