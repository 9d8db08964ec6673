import { describe, expect, it } from 'vitest';
import { EspeakSpeechSynthesizer, espeakVoiceFor } from '../../lambdas/adapters/offline/espeak-speech.js';
import { espeakVoiceCatalog } from '../../lambdas/adapters/offline/espeak-voices.js';
import { elevenLabsVoiceCatalog } from '../../lambdas/adapters/providers/elevenlabs-voices.js';
import { VideoRequestSchema, type Script } from '../../lambdas/core/model.js';
import { generateVoice } from '../../lambdas/core/pipeline/asset-steps.js';
import type { BlobStore, JobStore, SpeechSynthesizer } from '../../lambdas/core/ports.js';
import { checkVoice, checkVoiceSpeed, voicesFor } from '../../lambdas/core/voices.js';

/** The voice follows the video's language and speed (issue #14). */

const voice = new EspeakSpeechSynthesizer();

describe('eSpeak speaks the video\'s language', () => {
  it('picks the default voice from the language', () => {
    expect(espeakVoiceFor('zh')).toBe('cmn');
    expect(espeakVoiceFor('zh-Hans-CN')).toBe('cmn');
    expect(espeakVoiceFor('pt-BR')).toBe('pt-br');
    expect(espeakVoiceFor('pt')).toBe('pt');
    expect(espeakVoiceFor('es-419')).toBe('es-419');
    expect(espeakVoiceFor('ar')).toBe('ar');
    expect(espeakVoiceFor('ja')).toBe('ja');
    expect(espeakVoiceFor('en-GB')).toBe('en-gb');
    expect(espeakVoiceFor('en')).toBeUndefined(); // the deployment's default voice
  });

  it('does not spell Arabic out with the English voice: the Arabic voice is used', async () => {
    const text = 'اليوم نتحدث عن سبب ملوحة البحر.';
    const arabic = await voice.synthesize({ text, language: 'ar' });
    const english = await voice.synthesize({ text, voice: 'en-us' });
    expect(arabic.durationMs).toBeLessThan(english.durationMs * 0.6);
    expect(arabic.words.map((w) => w.text)).toEqual(['اليوم', 'نتحدث', 'عن', 'سبب', 'ملوحة', 'البحر']);
  });

  it('splits eSpeak\'s phrase-long word events into Intl.Segmenter words, time shared by characters', async () => {
    const text = '今天我们来看看为什么海水是咸的。';
    const speech = await voice.synthesize({ text, language: 'zh' });
    expect(speech.words.length).toBeGreaterThan(5);
    expect(speech.words.map((w) => w.text).join('')).toBe('今天我们来看看为什么海水是咸的');
    for (const [i, w] of speech.words.entries()) {
      expect(text.slice(w.charStart, w.charStart + w.text.length)).toBe(w.text);
      expect(w.endMs).toBeGreaterThan(w.startMs);
      if (i > 0) expect(w.startMs).toBeGreaterThanOrEqual(speech.words[i - 1]!.endMs);
    }
    expect(speech.words.at(-1)!.endMs).toBeLessThanOrEqual(speech.durationMs);
  });

  it('speaks faster at a higher voiceSpeed, word timings inside the audio', async () => {
    const text = 'Hoy vamos a ver por qué el mar es salado. Parece sencillo, pero hay más de lo que uno imagina.';
    const [slow, normal, fast] = await Promise.all([0.8, 1, 1.3].map((speed) => voice.synthesize({ text, language: 'es', speed })));
    expect(slow!.durationMs).toBeGreaterThan(normal!.durationMs * 1.1);
    expect(fast!.durationMs).toBeLessThan(normal!.durationMs * 0.85);
    for (const take of [slow!, normal!, fast!]) {
      expect(take.words).toHaveLength(20);
      expect(take.words.at(-1)!.endMs).toBeLessThanOrEqual(take.durationMs);
    }
    await expect(voice.synthesize({ text, speed: 2 })).rejects.toThrow(/voiceSpeed/);
  });
});

describe('a voice of another language', () => {
  it('is refused offline, naming voice (it would spell the words out)', () => {
    const catalog = espeakVoiceCatalog();
    expect(() => checkVoice('en-us', catalog, 'ar')).toThrow(/^voice: .*Arabic/);
    expect(checkVoice('ar', catalog, 'ar')).toBe('ar');
    expect(checkVoice('cmn', catalog, 'zh-Hans')).toBe('cmn');
    expect(checkVoice('pt-br', catalog, 'pt')).toBe('pt-br');
    expect(checkVoice('en-gb', catalog, undefined)).toBe('en-gb');
  });

  it('is accepted for ElevenLabs, whose voices speak every language of its multilingual model', () => {
    expect(checkVoice('JBFqnCBsd6RMkjVDRZzb', elevenLabsVoiceCatalog(), 'ja')).toBe('JBFqnCBsd6RMkjVDRZzb');
  });
});

describe('voice segments are stored under their language and speed', () => {
  it('speaks again when only the language or the speed changes, and passes both to the provider', async () => {
    const blobs = new Map<string, Uint8Array>();
    const store = {
      put: async (key: string, body: Uint8Array) => void blobs.set(key, body),
      get: async (key: string) => blobs.get(key)!,
      exists: async (key: string) => blobs.has(key),
    } as unknown as BlobStore;
    const asked: { language?: string; speed?: number }[] = [];
    const espeak: SpeechSynthesizer = {
      name: 'espeak',
      cacheKey: voice.cacheKey,
      synthesize: async (input) => (asked.push({ language: input.language, speed: input.speed }), voice.synthesize(input)),
    };
    const jobs = { addSpend: async () => undefined, updateStep: async () => ({}) } as unknown as JobStore;
    const script: Script = { title: 't', hook: 'Hola.', style: 's', scenes: ['Uno.', 'Dos.', 'Tres.'].map((narration) => ({ narration, imagePrompt: 'sea' })) };
    const run = (input: object) => generateVoice({ jobId: 'j', request: VideoRequestSchema.parse({ prompt: 'El mar', ...input }), script }, { voice: espeak, blobs: store, jobs });
    await run({ language: 'es' });
    expect(asked).toEqual(Array(4).fill({ language: 'es', speed: undefined }));
    asked.length = 0;
    await run({ language: 'es', voiceSpeed: 1.2 });
    expect(asked).toEqual(Array(4).fill({ language: 'es', speed: 1.2 }));
    asked.length = 0;
    await run({ language: 'pt' });
    expect(asked).toHaveLength(4);
    asked.length = 0;
    await run({ language: 'es', voiceSpeed: 1.2 });
    expect(asked).toHaveLength(0);
  });
});

describe('voiceSpeed the provider cannot reach', () => {
  it('is refused before the order is paid, naming voiceSpeed; ElevenLabs and eSpeak reach the whole 0.8–1.3', () => {
    // ElevenLabs speaks up to 1.2 itself; the voice step time-stretches its take the rest of the way.
    expect(() => checkVoiceSpeed(1.3, elevenLabsVoiceCatalog())).not.toThrow();
    expect(() => checkVoiceSpeed(0.8, elevenLabsVoiceCatalog())).not.toThrow();
    expect(() => checkVoiceSpeed(1.3, espeakVoiceCatalog())).not.toThrow();
    expect(() => checkVoiceSpeed(undefined, elevenLabsVoiceCatalog())).not.toThrow();
    const narrow = { ...elevenLabsVoiceCatalog(), speeds: { min: 0.9, max: 1.1 } };
    expect(() => checkVoiceSpeed(1.2, narrow)).toThrow(/^voiceSpeed: ElevenLabs speaks from 0\.9 to 1\.1/);
  });

  it('lists the voices of one language (GET /api/voices?language=)', () => {
    expect(voicesFor(espeakVoiceCatalog(), 'zh').map((v) => v.id)).toEqual(['cmn', 'cmn-latn-pinyin', 'hak', 'yue', 'zh', 'zh-cmn', 'zh-yue']);
    expect(voicesFor(espeakVoiceCatalog(), 'pt-BR').map((v) => v.id)).toEqual(['pt', 'pt-br', 'pt-pt']);
    expect(voicesFor(elevenLabsVoiceCatalog(), 'ja').length).toBe(elevenLabsVoiceCatalog().voices.length);
  });
});
