import type { ElevenLabs, ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import { baseLanguage } from '../../core/languages.js';
import { wordsFromAlignment } from '../../core/alignment.js';
import { InvalidInput, ProviderRejected, ProviderTimeout, ProviderUnavailable } from '../../core/errors.js';
import { mp3DurationMs } from '../../core/mp3-duration.js';
import { decodeMp3, encodeWav16, pcmDurationMs } from '../../core/pcm.js';
import { timeStretch } from '../../core/time-stretch.js';
import type { Speech, SpeechSynthesizer } from '../../core/ports.js';
import { lazyElevenLabsClient, loadElevenLabsSdk, type ElevenLabsSdk } from './elevenlabs-client.js';
import { errorForHttpStatus, errorForNetworkFailure, isTimeout, parseRetryAfterMs, retryOnceIfSoon, shortDetail } from '../../core/provider-errors.js';
import { DEFAULT_ELEVENLABS_VOICE_ID, ELEVENLABS_REACHABLE_SPEEDS } from './elevenlabs-voices.js';

type BodyTextToSpeechFullWithTimestamps = ElevenLabs.BodyTextToSpeechFullWithTimestamps;
export { DEFAULT_ELEVENLABS_VOICE_ID };
export const DEFAULT_ELEVENLABS_MODEL_ID = 'eleven_multilingual_v2';
/** Models that speak English only: another language goes to {@link DEFAULT_ELEVENLABS_MODEL_ID}. */
const ENGLISH_ONLY_MODELS = new Set(['eleven_monolingual_v1', 'eleven_turbo_v2', 'eleven_flash_v2', 'eleven_english_sts_v2']);
/**
 * Models that take `language_code` (ISO 639-1) to enforce the language: the v2.5 and v3 models.
 * Multilingual v2 does not (its API reference): it reads the language from the text.
 */
const LANGUAGE_CODE_MODELS = /_v2_5$|_v3$/;
/** `voice_settings.speed` ElevenLabs accepts (its API reference). */
export const ELEVENLABS_SPEED_RANGE = { min: 0.7, max: 1.2 } as const;

/** MP3, 44.1 kHz, 128 kbit/s: available on every plan, and what the renderer plays. */
const OUTPUT_FORMAT = 'mp3_44100_128';

/**
 * US dollars per character, by model. Assumption (ElevenLabs API pricing, 2025): the
 * Multilingual v2 / v3 models bill 1 credit per character at $0.10 per 1,000 characters
 * (pay-as-you-go API price); Flash and Turbo bill half a credit, $0.05 per 1,000. Subscription
 * plans make a credit cheaper or dearer; this is an estimate for the job's cost line.
 */
export function elevenLabsUsdPerCharacter(modelId: string): number {
  return /flash|turbo/i.test(modelId) ? 0.05 / 1000 : 0.1 / 1000;
}

export interface ElevenLabsSpeechOptions {
  apiKey: () => Promise<string>;
  /** The SDK's `baseUrl` (default https://api.elevenlabs.io); requests go to `{baseUrl}/v1/…`. */
  baseUrl?: string;
  /** Used when a request names no voice. */
  voiceId?: string;
  modelId?: string;
  /** Per request. Default 120 s (a 90 s narration takes well under that). */
  timeoutMs?: number;
  maxRateLimitWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface ElevenLabsDetail {
  detail?: { status?: string; message?: string } | { msg?: string; loc?: unknown[] }[] | string;
}

/**
 * Speaks with ElevenLabs (`textToSpeech.convertWithTimestamps`): MP3 audio plus a character
 * alignment, turned into the same word timings the offline voice gives. The SDK's retries are
 * off (`maxRetries: 0`); the state machine owns retry policy.
 */
export class ElevenLabsSpeechSynthesizer implements SpeechSynthesizer {
  readonly name = 'elevenlabs';
  readonly cacheKey: string;
  private readonly voiceId: string;
  private readonly modelId: string;
  private readonly elevenLabs: () => Promise<ElevenLabsClient>;

  constructor(private readonly options: ElevenLabsSpeechOptions) {
    this.voiceId = options.voiceId ?? DEFAULT_ELEVENLABS_VOICE_ID;
    this.modelId = options.modelId ?? DEFAULT_ELEVENLABS_MODEL_ID;
    // The voice is part of the asset key already (request.voice or 'default'): the default voice is not.
    this.cacheKey = `elevenlabs/${this.modelId}/${this.voiceId}/${OUTPUT_FORMAT}`;
    this.elevenLabs = lazyElevenLabsClient({ apiKey: options.apiKey, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}), timeoutMs: options.timeoutMs ?? 120_000 });
  }

  /**
   * A language other than English goes to a multilingual model (the configured one when it is,
   * else Multilingual v2), with `language_code` where the model takes it. `speed` goes into
   * `voice_settings.speed` up to ElevenLabs' 1.2; past it the take is time-stretched to the
   * speed (WAV then). A speed outside {@link ELEVENLABS_REACHABLE_SPEEDS} is refused naming `voiceSpeed`.
   */
  async synthesize(input: { text: string; voice?: string; language?: string; speed?: number }): Promise<Speech> {
    const { text, speed } = input;
    if (text.trim() === '') throw new InvalidInput('There is no text to speak.');
    if (speed !== undefined && !(speed >= ELEVENLABS_REACHABLE_SPEEDS.min && speed <= ELEVENLABS_REACHABLE_SPEEDS.max)) {
      throw new InvalidInput(`voiceSpeed: ElevenLabs speaks from ${ELEVENLABS_REACHABLE_SPEEDS.min} to ${ELEVENLABS_REACHABLE_SPEEDS.max} times its voice's pace.`);
    }
    // What ElevenLabs itself is asked for; the rest (1.2 → 1.3) is a time stretch of its take.
    const askedSpeed = speed === undefined ? undefined : Math.min(speed, ELEVENLABS_SPEED_RANGE.max);
    const stretch = speed !== undefined && askedSpeed !== undefined ? speed / askedSpeed : 1;
    const language = baseLanguage(input.language);
    const modelId = language !== 'en' && ENGLISH_ONLY_MODELS.has(this.modelId) ? DEFAULT_ELEVENLABS_MODEL_ID : this.modelId;
    const voiceId = input.voice ?? this.voiceId;
    const request = {
      text,
      modelId,
      outputFormat: OUTPUT_FORMAT,
      ...(input.language !== undefined && LANGUAGE_CODE_MODELS.test(modelId) ? { languageCode: language } : {}),
      ...(askedSpeed !== undefined && askedSpeed !== 1 ? { voiceSettings: { speed: askedSpeed } } : {}),
    } as const;
    const answer = await retryOnceIfSoon(() => this.convert(voiceId, request), {
      maxWaitMs: this.options.maxRateLimitWaitMs ?? 5000,
      ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
    });

    const audio = Buffer.from(answer.audioBase64 ?? '', 'base64');
    if (audio.byteLength === 0) throw new ProviderUnavailable('ElevenLabs returned no audio.');
    const alignment = answer.alignment ?? answer.normalizedAlignment;
    if (!alignment || alignment.characters.length === 0) {
      throw new ProviderUnavailable('ElevenLabs returned audio without character timings; the captions need them.');
    }
    let words;
    try {
      words = wordsFromAlignment(
        text,
        {
          characters: alignment.characters,
          startTimesSeconds: alignment.characterStartTimesSeconds,
          endTimesSeconds: alignment.characterEndTimesSeconds,
        },
        language,
      );
    } catch (error) {
      throw new ProviderUnavailable(`ElevenLabs returned unusable timings: ${(error as Error).message}`, { cause: error });
    }
    const spend = { units: { characters: text.length }, usd: text.length * elevenLabsUsdPerCharacter(modelId) };
    if (stretch !== 1) {
      // Faster than ElevenLabs speaks: its take, shortened by the stretch, as WAV; every word's time with it.
      const faster = timeStretch(await decodeMp3(audio), stretch);
      const at = (ms: number) => Math.round(ms / stretch);
      return {
        audio: encodeWav16(faster),
        contentType: 'audio/wav',
        extension: 'wav',
        durationMs: Math.round(pcmDurationMs(faster)),
        words: words.map((w) => ({ ...w, startMs: at(w.startMs), endMs: at(w.endMs) })),
        spend,
      };
    }
    const spokenUntilMs = Math.round(Math.max(0, ...alignment.characterEndTimesSeconds) * 1000);
    const durationMs = Math.max(mp3DurationMs(audio) ?? 0, spokenUntilMs, words.at(-1)?.endMs ?? 0);
    return { audio, contentType: 'audio/mpeg', extension: 'mp3', durationMs, words, spend };
  }

  private async convert(voiceId: string, request: BodyTextToSpeechFullWithTimestamps) {
    const client = await this.elevenLabs();
    const timeoutMs = this.options.timeoutMs ?? 120_000;
    try {
      return await client.textToSpeech.convertWithTimestamps(
        voiceId,
        request,
        // The SDK's own timeout stops waiting for headers only; this one bounds the body too.
        { abortSignal: AbortSignal.timeout(timeoutMs + 1000) },
      );
    } catch (error) {
      throw toNamedError(error, voiceId, await loadElevenLabsSdk());
    }
  }
}

function describeDetail(body: unknown): { status?: string; message?: string } {
  const detail = (body as ElevenLabsDetail | undefined)?.detail;
  if (typeof detail === 'string') return { message: detail };
  if (Array.isArray(detail)) {
    // FastAPI validation errors: [{loc: ['body', 'text'], msg: 'Field required'}]
    return { message: detail.map((d) => [Array.isArray(d.loc) ? d.loc.join('.') : '', d.msg].filter(Boolean).join(': ')).join('; ') };
  }
  if (detail && typeof detail === 'object') return detail;
  return typeof body === 'string' ? { message: body } : {};
}

function toNamedError(error: unknown, voiceId: string, { ElevenLabsError, ElevenLabsTimeoutError }: ElevenLabsSdk): Error {
  const timedOut = () => new ProviderTimeout('ElevenLabs did not answer the voice request in time.', { cause: error });
  if (error instanceof ElevenLabsTimeoutError) return timedOut();
  if (error instanceof ElevenLabsError) {
    const { statusCode } = error;
    if (statusCode === undefined) {
      // The SDK aborts its timer with the string "timeout", which reaches here as an "unknown" error.
      if (error.cause === 'timeout' || isTimeout(error.cause) || /^"?timeout"?$/i.test(error.message)) return timedOut();
      return errorForNetworkFailure('ElevenLabs', error.cause ?? error, 'the voice request');
    }
    const { status, message } = describeDetail(error.body);
    if (statusCode >= 200 && statusCode < 300) {
      return new ProviderUnavailable(`ElevenLabs sent an unreadable answer (${statusCode}).`, { cause: error });
    }
    if (status === 'quota_exceeded') {
      return new ProviderRejected(`ElevenLabs refused the request: the character quota is used up (${statusCode} quota_exceeded)${message ? `: ${shortDetail(message)}` : ''}.`, { cause: error });
    }
    if (status === 'voice_not_found') {
      return new ProviderRejected(`ElevenLabs has no voice "${voiceId}" (${statusCode} voice_not_found). Use a voice id from your ElevenLabs voice library.`, { cause: error });
    }
    const retryAfterMs = parseRetryAfterMs(error.rawResponse?.headers.get('retry-after'));
    return errorForHttpStatus({
      provider: 'ElevenLabs',
      status: statusCode,
      detail: [status, message].filter(Boolean).join(': ') || undefined,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      keyVariable: 'ELEVENLABS_API_KEY',
      cause: error,
    });
  }
  // The SDK checks answers against its schema; a malformed one fails that check.
  const name = (error as Error | undefined)?.name ?? '';
  if (/json|parse|validation/i.test(name) || error instanceof SyntaxError) {
    return new ProviderUnavailable(`ElevenLabs sent an unexpected answer (${shortDetail((error as Error).message)}).`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
