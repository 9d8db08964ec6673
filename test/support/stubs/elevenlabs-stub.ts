/**
 * ElevenLabs' text-to-speech-with-timestamps API on 127.0.0.1, in ElevenLabs' wire format:
 * `POST /v1/text-to-speech/{voice_id}/with-timestamps?output_format=mp3_44100_128` with the
 * `xi-api-key` header, answering `{audio_base64, alignment, normalized_alignment}` where the
 * alignment has one entry per character of the text (`characters`,
 * `character_start_times_seconds`, `character_end_times_seconds`) and the audio is a real MP3
 * (a quiet tone made by ffmpeg) exactly as long as the alignment says. Errors use ElevenLabs'
 * `{"detail": {"status", "message"}}` bodies (422: FastAPI's `{"detail": [...]}`).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sendJson, startStubServer, type Fault, type StubContext, type StubServer, type StubServerOptions } from './stub-server.js';

const run = promisify(execFile);

export const ELEVENLABS_STUB_KEY = 'sk_stub_elevenlabs';
export const ELEVENLABS_STUB_VOICES = ['JBFqnCBsd6RMkjVDRZzb', 'stub-voice-2'];
export const ELEVENLABS_STUB_MODELS = ['eleven_multilingual_v2', 'eleven_flash_v2_5', 'eleven_turbo_v2_5', 'eleven_v3', 'eleven_flash_v2', 'eleven_turbo_v2'];
/** ElevenLabs' `voice_settings.speed` range (its API reference: 0.7–1.2, 1 the voice's own pace). */
export const ELEVENLABS_SPEED_RANGE = { min: 0.7, max: 1.2 };

export interface ElevenLabsStub extends StubServer {
  /** `baseUrl` for @elevenlabs/elevenlabs-js (it appends `/v1/...`). */
  baseUrl: string;
  fail(route: 'tts' | 'music' | '*', ...faults: Fault[]): void;
  /** The next answer has no `alignment` (as when ElevenLabs cannot align). */
  omitAlignmentOnce(): void;
}

/** Seconds each character takes in the stub's "speech": words at a natural pace, pauses at breaks. */
function characterSeconds(char: string): number {
  if (char === '\n') return 0.35;
  if (/\s/.test(char)) return 0.04;
  if (/[.!?]/.test(char)) return 0.12;
  if (/[,;:]/.test(char)) return 0.08;
  return 0.06;
}

/** ElevenLabs-style alignment of `text`, starting after a short lead-in. */
export function stubAlignment(text: string): { characters: string[]; starts: number[]; ends: number[]; totalSeconds: number } {
  const characters = [...text];
  const starts: number[] = [];
  const ends: number[] = [];
  let t = 0.1;
  for (const char of characters) {
    const d = characterSeconds(char);
    starts.push(Number(t.toFixed(3)));
    t += d;
    ends.push(Number(t.toFixed(3)));
  }
  return { characters, starts, ends, totalSeconds: t + 0.25 };
}

const audioCache = new Map<number, Promise<Buffer>>();

/** A real MP3 (mono, 44.1 kHz, 128 kbit/s CBR) of a soft tone lasting `seconds`. */
export function toneMp3(seconds: number): Promise<Buffer> {
  const tenths = Math.max(1, Math.ceil(seconds * 10));
  let audio = audioCache.get(tenths);
  if (!audio) {
    audio = run(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `sine=frequency=220:sample_rate=44100:duration=${tenths / 10}`, '-af', 'volume=0.2', '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', 'pipe:1'],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
    ).then(({ stdout }) => stdout);
    audioCache.set(tenths, audio);
    audio.catch(() => audioCache.delete(tenths));
  }
  return audio;
}

function detail(status: string, message: string) {
  return { detail: { status, message } };
}

export async function startElevenLabsStub(options: StubServerOptions & { apiKey?: string } = {}): Promise<ElevenLabsStub> {
  const apiKey = options.apiKey ?? ELEVENLABS_STUB_KEY;
  let omitAlignment = 0;

  const tts = async (ctx: StubContext, voiceId: string) => {
    if (ctx.req.headers['xi-api-key'] !== apiKey) {
      sendJson(ctx.res, 401, detail('invalid_api_key', 'Invalid API key'));
      return;
    }
    const body = ctx.json as { text?: unknown; model_id?: unknown; language_code?: unknown; voice_settings?: { speed?: unknown } } | undefined;
    if (!body || typeof body.text !== 'string') {
      sendJson(ctx.res, 422, { detail: [{ type: 'missing', loc: ['body', 'text'], msg: 'Field required', input: body ?? null }] });
      return;
    }
    const speed = body.voice_settings?.speed;
    if (speed !== undefined && (typeof speed !== 'number' || speed < ELEVENLABS_SPEED_RANGE.min || speed > ELEVENLABS_SPEED_RANGE.max)) {
      const msg = `Input should be between ${ELEVENLABS_SPEED_RANGE.min} and ${ELEVENLABS_SPEED_RANGE.max}`;
      sendJson(ctx.res, 422, { detail: [{ type: 'range', loc: ['body', 'voice_settings', 'speed'], msg, input: speed }] });
      return;
    }
    if (body.language_code !== undefined && (typeof body.language_code !== 'string' || !/^[a-z]{2}$/.test(body.language_code))) {
      sendJson(ctx.res, 422, { detail: [{ type: 'value_error', loc: ['body', 'language_code'], msg: 'Language code must be ISO 639-1', input: body.language_code }] });
      return;
    }
    if (!ELEVENLABS_STUB_VOICES.includes(voiceId)) {
      sendJson(ctx.res, 404, detail('voice_not_found', `A voice with the voice_id ${voiceId} was not found.`));
      return;
    }
    const modelId = typeof body.model_id === 'string' ? body.model_id : 'eleven_multilingual_v2';
    if (!ELEVENLABS_STUB_MODELS.includes(modelId)) {
      sendJson(ctx.res, 400, detail('model_not_found', `A model with model ID ${modelId} does not exist.`));
      return;
    }
    const format = ctx.url.searchParams.get('output_format') ?? 'mp3_44100_128';
    if (!format.startsWith('mp3_')) {
      sendJson(ctx.res, 400, detail('invalid_output_format', `The stub only speaks MP3, not ${format}.`));
      return;
    }
    const { characters, starts, ends, totalSeconds } = stubAlignment(body.text);
    const audio = await toneMp3(totalSeconds);
    const alignment = { characters, character_start_times_seconds: starts, character_end_times_seconds: ends };
    const answer: Record<string, unknown> = { audio_base64: audio.toString('base64'), alignment, normalized_alignment: alignment };
    if (omitAlignment > 0) {
      omitAlignment -= 1;
      answer.alignment = null;
      answer.normalized_alignment = null;
    }
    sendJson(ctx.res, 200, answer, { 'request-id': `stub-${Date.now()}`, 'x-character-count': String(body.text.length) });
  };

  // POST /v1/music?output_format=…: {prompt, music_length_ms, model_id, force_instrumental} → the MP3 bytes (audio/mpeg).
  const music = async (ctx: StubContext) => {
    if (ctx.req.headers['xi-api-key'] !== apiKey) {
      sendJson(ctx.res, 401, detail('invalid_api_key', 'Invalid API key'));
      return;
    }
    const body = (ctx.json ?? {}) as { prompt?: unknown; composition_plan?: unknown; music_length_ms?: unknown; seed?: unknown; model_id?: unknown };
    if (typeof body.prompt !== 'string' && body.composition_plan === undefined) {
      sendJson(ctx.res, 422, { detail: [{ type: 'value_error', loc: ['body'], msg: 'Either prompt or composition_plan is required', input: body }] });
      return;
    }
    if (body.seed !== undefined && body.prompt !== undefined) {
      sendJson(ctx.res, 400, detail('invalid_request', 'seed cannot be used in conjunction with prompt.'));
      return;
    }
    const lengthMs = typeof body.music_length_ms === 'number' ? body.music_length_ms : 30_000;
    if (lengthMs < 3000 || lengthMs > 600_000) {
      sendJson(ctx.res, 422, { detail: [{ type: 'value_error', loc: ['body', 'music_length_ms'], msg: 'music_length_ms must be between 3000 and 600000', input: lengthMs }] });
      return;
    }
    if (body.model_id !== undefined && !['music_v1', 'music_v2', 'music_v2_5'].includes(String(body.model_id))) {
      sendJson(ctx.res, 400, detail('model_not_found', `A model with model ID ${String(body.model_id)} does not exist.`));
      return;
    }
    const audio = await toneMp3(lengthMs / 1000);
    ctx.res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(audio.byteLength), 'song-id': `stub-song-${Date.now()}` });
    ctx.res.end(audio);
  };

  const server = await startStubServer(
    'ElevenLabs',
    (method, path) => {
      const match = /^\/v1\/text-to-speech\/([^/]+)\/with-timestamps$/.exec(path);
      if (method === 'POST' && match) return { route: 'tts', handle: (ctx) => tts(ctx, decodeURIComponent(match[1]!)) };
      if (method === 'POST' && path === '/v1/music') return { route: 'music', handle: music };
      return undefined;
    },
    { ...(options.port === undefined ? {} : { port: options.port }), ...(options.onRequest ? { onRequest: options.onRequest } : {}) },
  );
  return Object.assign(server, {
    baseUrl: server.url,
    omitAlignmentOnce() {
      omitAlignment += 1;
    },
  }) as ElevenLabsStub;
}

/** ElevenLabs' 429 when too many requests run at once. */
export function elevenLabsBusy(retryAfterSeconds?: number): Fault {
  return {
    status: 429,
    ...(retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(retryAfterSeconds) } }),
    body: detail('too_many_concurrent_requests', 'Too many concurrent requests for your subscription; wait for a request to finish.'),
  };
}

/** ElevenLabs' answer when the character quota is used up (a 401, not a 402). */
export const ELEVENLABS_QUOTA_EXCEEDED: Fault = {
  status: 401,
  body: detail('quota_exceeded', 'This request exceeds your quota of 10000. You have 52 credits remaining, while 640 credits are required for this request.'),
};
