import type { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import { ProviderRejected, ProviderTimeout, ProviderUnavailable } from '../../core/errors.js';
import type { MusicGenerator, MusicRequest, Spend } from '../../core/ports.js';
import { lazyElevenLabsClient, loadElevenLabsSdk, type ElevenLabsSdk } from './elevenlabs-client.js';
import { errorForHttpStatus, errorForNetworkFailure, isTimeout, parseRetryAfterMs, retryOnceIfSoon, shortDetail } from '../../core/provider-errors.js';

export const DEFAULT_ELEVENLABS_MUSIC_MODEL_ID = 'music_v1';
/** MP3, 44.1 kHz, 128 kbit/s: on every plan; prepareMusicBed decodes it to the bed's WAV. */
const OUTPUT_FORMAT = 'mp3_44100_128';
/** The lengths ElevenLabs music accepts (ms). */
const MIN_LENGTH_MS = 3000;
const MAX_LENGTH_MS = 600_000;

/**
 * US dollars per minute of music. Assumption (2026): Eleven Music is billed per minute of audio
 * generated; its API price resold by third parties is $0.69–0.75 a minute, and ElevenLabs' own
 * plans bill it in credits. $0.75 a minute is an estimate for the job's cost line, not a quote.
 */
export const ELEVENLABS_MUSIC_USD_PER_MINUTE = 0.75;

export interface ElevenLabsMusicOptions {
  apiKey: () => Promise<string>;
  /** The SDK's `baseUrl` (default https://api.elevenlabs.io); requests go to `{baseUrl}/v1/music`. */
  baseUrl?: string;
  modelId?: string;
  /** Per request. Default 240 s (composing takes longer than speaking). */
  timeoutMs?: number;
  maxRateLimitWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Composes an instrumental bed with ElevenLabs music (`music.compose`: a prompt, `musicLengthMs`,
 * `forceInstrumental`), the same vendor, key and SDK as the voice. ElevenLabs refuses a seed
 * together with a prompt, so the request's seed only names the bed's content address. The SDK's
 * retries are off (`maxRetries: 0`); the state machine owns retry policy.
 */
export class ElevenLabsMusicGenerator implements MusicGenerator {
  readonly name = 'elevenlabs';
  readonly cacheKey: string;
  private readonly modelId: string;
  private readonly elevenLabs: () => Promise<ElevenLabsClient>;

  constructor(private readonly options: ElevenLabsMusicOptions) {
    this.modelId = options.modelId ?? DEFAULT_ELEVENLABS_MUSIC_MODEL_ID;
    this.cacheKey = `elevenlabs-music/${this.modelId}/${OUTPUT_FORMAT}`;
    this.elevenLabs = lazyElevenLabsClient({ apiKey: options.apiKey, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}), timeoutMs: options.timeoutMs ?? 240_000 });
  }

  async compose(request: MusicRequest): Promise<{ bytes: Uint8Array; spend: Spend }> {
    const lengthMs = Math.min(MAX_LENGTH_MS, Math.max(MIN_LENGTH_MS, Math.round(request.lengthMs)));
    const bytes = await retryOnceIfSoon(() => this.call(request.prompt, lengthMs), {
      maxWaitMs: this.options.maxRateLimitWaitMs ?? 5000,
      ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
    });
    if (bytes.byteLength === 0) throw new ProviderUnavailable('ElevenLabs returned no music.');
    const minutes = lengthMs / 60_000;
    return { bytes, spend: { units: { musicSeconds: Math.round(lengthMs / 1000) }, usd: minutes * ELEVENLABS_MUSIC_USD_PER_MINUTE } };
  }

  private async call(prompt: string, musicLengthMs: number): Promise<Uint8Array> {
    const client = await this.elevenLabs();
    const timeoutMs = this.options.timeoutMs ?? 240_000;
    try {
      const stream = await client.music.compose(
        { prompt, musicLengthMs, forceInstrumental: true, modelId: this.modelId as never, outputFormat: OUTPUT_FORMAT },
        // The SDK's own timeout stops waiting for headers only; this one bounds the body too.
        { abortSignal: AbortSignal.timeout(timeoutMs + 1000) },
      );
      return new Uint8Array(await new Response(stream).arrayBuffer());
    } catch (error) {
      throw toNamedError(error, await loadElevenLabsSdk());
    }
  }
}

function describeDetail(body: unknown): { status?: string; message?: string } {
  const detail = (body as { detail?: unknown } | undefined)?.detail;
  if (typeof detail === 'string') return { message: detail };
  if (Array.isArray(detail)) {
    // FastAPI validation errors: [{loc: ['body', 'music_length_ms'], msg: '…'}]
    return { message: (detail as { loc?: unknown[]; msg?: string }[]).map((d) => [Array.isArray(d.loc) ? d.loc.join('.') : '', d.msg].filter(Boolean).join(': ')).join('; ') };
  }
  if (detail && typeof detail === 'object') return detail as { status?: string; message?: string };
  return typeof body === 'string' ? { message: body } : {};
}

function toNamedError(error: unknown, { ElevenLabsError, ElevenLabsTimeoutError }: ElevenLabsSdk): Error {
  const timedOut = () => new ProviderTimeout('ElevenLabs did not answer the music request in time.', { cause: error });
  if (error instanceof ElevenLabsTimeoutError) return timedOut();
  if (error instanceof ElevenLabsError) {
    const { statusCode } = error;
    if (statusCode === undefined) {
      if (error.cause === 'timeout' || isTimeout(error.cause) || /^"?timeout"?$/i.test(error.message)) return timedOut();
      return errorForNetworkFailure('ElevenLabs', error.cause ?? error, 'the music request');
    }
    const { status, message } = describeDetail(error.body);
    if (status === 'quota_exceeded') {
      return new ProviderRejected(`ElevenLabs refused the music: the quota is used up (${statusCode} quota_exceeded)${message ? `: ${shortDetail(message)}` : ''}.`, { cause: error });
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
  if (isTimeout(error)) return timedOut();
  return error instanceof Error ? error : new Error(String(error));
}
