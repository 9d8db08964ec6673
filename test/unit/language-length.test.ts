import { describe, expect, it } from 'vitest';
import { EspeakSpeechSynthesizer } from '../../lambdas/adapters/offline/espeak-speech.js';
import { TemplateScriptWriter } from '../../lambdas/adapters/offline/template-script-writer.js';
import { LANGUAGE_TEMPLATES } from '../../lambdas/adapters/offline/template-languages.js';
import { LANGUAGES } from '../../lambdas/core/languages.js';
import { ScriptSchema, VideoRequestSchema, narrationText } from '../../lambdas/core/model.js';
import { generateVoice } from '../../lambdas/core/pipeline/asset-steps.js';
import { computeTimeline } from '../../lambdas/core/pipeline/timing-steps.js';
import type { BlobStore, JobStore } from '../../lambdas/core/ports.js';

/**
 * Length follows the request in every language (issue #14: Arabic 10 s gave 30 s, Japanese 10 s
 * gave 31 s): the offline writer sized by the language's rate, spoken by eSpeak in the language,
 * timed by Compute Duration, no render.
 */

const PROMPTS = {
  es: 'Por qué el mar es salado',
  ar: 'لماذا البحر مالح؟',
  hi: 'एक छोटी कहानी: चाँद पर पहला दिन',
  ja: 'なぜ海はしょっぱいのか',
  zh: '为什么海水是咸的',
  th: 'ทำไมน้ำทะเลถึงเค็ม',
  ru: 'Почему море солёное',
  ko: '바다는 왜 짠가',
} as const;

const voice = new EspeakSpeechSynthesizer();
const blobs = new Map<string, Uint8Array>();
const store = {
  put: async (key: string, body: Uint8Array) => void blobs.set(key, body),
  get: async (key: string) => blobs.get(key)!,
  exists: async (key: string) => blobs.has(key),
} as unknown as BlobStore;
const jobs = { addSpend: async () => undefined, updateStep: async () => ({}), update: async () => undefined } as unknown as JobStore;

describe('a video asked for N seconds lasts N ± 10 % with the offline providers', () => {
  it.each(Object.entries(PROMPTS).flatMap(([language, prompt]) => [10, 30].map((seconds) => [language, seconds, prompt] as const)))(
    '%s, %i s',
    async (language, seconds, prompt) => {
      // Prepare
      const request = VideoRequestSchema.parse({ prompt, seconds, language });
      const { raw } = await new TemplateScriptWriter().write(request);
      const script = ScriptSchema.parse(JSON.parse(raw));
      // Act
      const take = await generateVoice({ jobId: 'j', request, script }, { voice, blobs: store, jobs });
      const timeline = computeTimeline(take, script.scenes.length);
      // Assess
      const lasted = timeline.durationInFrames / timeline.fps;
      expect(lasted).toBeGreaterThanOrEqual(seconds * 0.9);
      expect(lasted).toBeLessThanOrEqual(seconds * 1.1);
    },
    30_000,
  );
});

describe('the offline writer writes in the language', () => {
  it('has templates for every language but English (which has its own writer)', () => {
    expect(Object.keys(LANGUAGE_TEMPLATES).sort()).toEqual(LANGUAGES.filter((l) => l !== 'en').sort());
  });

  it.each(Object.entries(PROMPTS))('%s: the narration is in its script, around the prompt\'s topic', async (language, prompt) => {
    const script = ScriptSchema.parse(JSON.parse((await new TemplateScriptWriter().write(VideoRequestSchema.parse({ prompt, seconds: 30, language }))).raw));
    const text = narrationText(script);
    const script15924: Record<string, RegExp> = { es: /\p{Script=Latin}/u, ar: /\p{Script=Arabic}/u, hi: /\p{Script=Devanagari}/u, ja: /\p{Script=Hiragana}/u, zh: /\p{Script=Han}/u, th: /\p{Script=Thai}/u, ru: /\p{Script=Cyrillic}/u, ko: /\p{Script=Hangul}/u };
    const letters = [...text].filter((c) => /\p{L}/u.test(c));
    expect(letters.filter((c) => script15924[language]!.test(c)).length / letters.length).toBeGreaterThan(0.9);
    expect(text).not.toMatch(/\b(the|and|about)\b/i);
    expect(script.title).toContain(prompt.replace(/[?؟]$/, '').slice(0, 8));
    // The picture's drawn words are the topic's own; the rest of the image prompt is English.
    expect(script.scenes[0]!.imagePrompt).toMatch(/for a short video about/);
  });

  it('notes plainly that a Japanese topic in kanji is shown, not spoken, by the offline voice', async () => {
    const result = await new TemplateScriptWriter().write(VideoRequestSchema.parse({ prompt: '富士山の歴史', seconds: 10, language: 'ja' }));
    expect(result.notes?.[0]).toMatch(/kanji/);
    expect(narrationText(JSON.parse(result.raw))).not.toMatch(/\p{Script=Han}/u);
    const kana = await new TemplateScriptWriter().write(VideoRequestSchema.parse({ prompt: 'なぜ海はしょっぱいのか', seconds: 10, language: 'ja' }));
    expect(kana.notes).toBeDefined(); // 海 is a kanji too
  });
});

describe('a note on the job', () => {
  it('is stored by Generate Script when the writer gives one', async () => {
    const { generateScript } = await import('../../lambdas/core/pipeline/script-steps.js');
    const patches: unknown[] = [];
    const noteJobs = { get: async () => undefined, addSpend: async () => undefined, update: async (_id: string, patch: unknown) => void patches.push(patch) } as unknown as JobStore;
    const request = VideoRequestSchema.parse({ prompt: '富士山の歴史', seconds: 10, language: 'ja' });
    await generateScript({ jobId: 'j', request } as Parameters<typeof generateScript>[0], { writer: new TemplateScriptWriter(), jobs: noteJobs });
    expect(patches).toEqual([{ notes: [expect.stringMatching(/kanji/)] }]);
  });
});
