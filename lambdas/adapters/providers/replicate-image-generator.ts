import Replicate, { type Prediction } from 'replicate';
import { ContentRejected, ProviderRejected, ProviderTimeout, ProviderUnavailable } from '../../core/errors.js';
import type { ImageGenerator, ImageRequest, Spend } from '../../core/ports.js';
import { errorForHttpStatus, errorForNetworkFailure, isTimeout, parseRetryAfterMs, retryOnceIfSoon, shortDetail } from '../../core/provider-errors.js';

export const REPLICATE_IMAGE_MODEL = 'ideogram-ai/ideogram-v3-turbo';
/** Replicate's price for one Ideogram v3 Turbo image (per output image, 2025). */
export const REPLICATE_USD_PER_IMAGE = 0.03;

export interface ReplicateImageGeneratorOptions {
  apiToken: () => Promise<string>;
  /** The SDK's `baseUrl`, including `/v1` (default https://api.replicate.com/v1). A bare origin gets `/v1` added. */
  baseUrl?: string;
  model?: `${string}/${string}`;
  /** Seconds Replicate may hold the create request open (`Prefer: wait=n`, at most 60). Default 60. */
  waitSeconds?: number;
  /** Per HTTP request, including the held create request. Default `waitSeconds` + 15 s. */
  requestTimeoutMs?: number;
  /** The whole image: create, polling and download. Default 240 s (the step's Lambda has 300 s). */
  deadlineMs?: number;
  /** Polling interval once the held request ended before the image was ready. Default 1 s. */
  pollIntervalMs?: number;
  /** Whether the SDK hands back FileOutput objects (it fetches each eagerly). Default false: URLs. */
  useFileOutput?: boolean;
  /** A fetch to use instead of the global one (tests map Replicate's https file host to a stub). */
  fetch?: typeof fetch;
  usdPerImage?: number;
  maxRateLimitWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const SAFETY_WORDS = /nsfw|safety|sensitive|flagged|moderation|policy|inappropriate/i;

/** Magic numbers of the image formats the pipeline stores. */
function sniffImageType(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 12 && String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP') {
    return 'image/webp';
  }
  return undefined;
}

/** The prompt Ideogram gets: the scene, then the clause every scene of the video shares. */
export function ideogramPrompt(request: Pick<ImageRequest, 'prompt' | 'style'>): string {
  const scene = request.prompt.trim().replace(/[\s.]+$/u, '');
  const style = request.style.trim().replace(/[\s.]+$/u, '');
  return `${scene}. Style: ${style}. No text, captions, letters or watermarks in the image.`;
}

/**
 * A fetch for one image that turns the first HTTP failure (status ≥ 400, timeout, reset) into
 * a named error and replays it for every later call. The replicate SDK retries 429/5xx five
 * more times without waiting and swallows what fetch throws until its last try; replaying
 * keeps that to one real request and surfaces our error, so retry policy stays in the state machine.
 */
function guardedFetch(base: typeof fetch, timeoutMs: number) {
  let failure: Error | undefined;
  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (failure) throw failure;
    const url = String(input instanceof Request ? input.url : input);
    const what = url.includes('/files/') || !url.includes('/v1/') ? 'the image download' : 'the image request';
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await base(input, { ...init, signal });
    } catch (error) {
      failure = errorForNetworkFailure('Replicate', timeout.aborted ? timeout.reason : error, what);
      throw failure;
    }
    if (response.status >= 400) {
      const text = await response.text().catch(() => '');
      let detail = text;
      try {
        const body = JSON.parse(text) as { detail?: unknown; title?: unknown };
        detail = typeof body.detail === 'string' ? body.detail : typeof body.title === 'string' ? body.title : text;
      } catch {
        // plain-text error body
      }
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'));
      if (what === 'the image download' && response.status !== 429) {
        // Output files expire; a retried step makes a new prediction with a fresh file.
        failure = new ProviderUnavailable(`Replicate's image file could not be downloaded (${response.status})${detail ? `: ${shortDetail(detail)}` : ''}.`);
        throw failure;
      }
      failure = errorForHttpStatus({
        provider: 'Replicate',
        status: response.status,
        detail,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        keyVariable: 'REPLICATE_API_TOKEN',
      });
      throw failure;
    }
    return response;
  };
  return guarded as typeof fetch;
}

/**
 * Draws scene images with Ideogram v3 Turbo on Replicate (replicate SDK `run`, `Prefer: wait`
 * then polling), at the video's aspect ratio with the video's shared style clause, and returns
 * the image's bytes; the pipeline stores them under a content-addressed key, so a retried job
 * never pays for the same image twice.
 */
export class ReplicateImageGenerator implements ImageGenerator {
  readonly name = 'replicate';
  readonly cacheKey: string;
  private readonly model: `${string}/${string}`;
  private readonly baseUrl: string | undefined;

  constructor(private readonly options: ReplicateImageGeneratorOptions) {
    this.model = options.model ?? REPLICATE_IMAGE_MODEL;
    this.cacheKey = `replicate/${this.model}`;
    const base = options.baseUrl?.replace(/\/+$/, '');
    this.baseUrl = base && new URL(base).pathname === '/' ? `${base}/v1` : base;
  }

  async generate(request: ImageRequest): Promise<{ bytes: Uint8Array; contentType: string; spend: Spend }> {
    const auth = await this.options.apiToken();
    return retryOnceIfSoon(() => this.draw(auth, request), {
      maxWaitMs: this.options.maxRateLimitWaitMs ?? 5000,
      ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
    });
  }

  private async draw(auth: string, request: ImageRequest): Promise<{ bytes: Uint8Array; contentType: string; spend: Spend }> {
    const waitSeconds = Math.min(60, Math.max(1, this.options.waitSeconds ?? 60));
    const timeoutMs = this.options.requestTimeoutMs ?? waitSeconds * 1000 + 15_000;
    const deadlineMs = this.options.deadlineMs ?? 240_000;
    const fetch = guardedFetch(this.options.fetch ?? globalThis.fetch, timeoutMs);
    // A client per image: its fetch carries this image's failure state (see guardedFetch).
    const replicate = new Replicate({
      auth,
      ...(this.baseUrl ? { baseUrl: this.baseUrl } : {}),
      fetch,
      useFileOutput: this.options.useFileOutput ?? false,
    });
    const deadline = AbortSignal.timeout(deadlineMs);
    const timedOut = () =>
      new ProviderTimeout(`Replicate did not finish the image within ${Math.round(deadlineMs / 1000)} s (the prediction was canceled).`);
    let output: unknown;
    let last: Prediction | undefined;
    try {
      output = await replicate.run(
        this.model,
        {
          input: {
            prompt: ideogramPrompt(request),
            aspect_ratio: request.aspect,
            // Off: Ideogram's prompt rewriting would vary the style between scenes.
            magic_prompt_option: 'Off',
            seed: request.seed,
          },
          wait: { mode: 'block', timeout: waitSeconds },
          signal: deadline,
        },
        (prediction) => (last = prediction),
      );
      if (deadline.aborted) throw timedOut();
      // The SDK takes a held request that ends while the prediction is still "processing" as
      // finished and returns no output; keep polling until it really is.
      if (last && (last.status === 'starting' || last.status === 'processing')) {
        const finished = await replicate.wait(last, { interval: this.options.pollIntervalMs ?? 1000 }, async () => deadline.aborted);
        if (deadline.aborted) {
          await replicate.predictions.cancel(last.id).catch(() => undefined);
          throw timedOut();
        }
        if (finished.status === 'canceled') throw new ProviderUnavailable('Replicate canceled the prediction before it finished.');
        output = finished.output;
      }
    } catch (error) {
      throw toNamedError(error);
    }
    const { bytes, headerType } = await this.download(output, fetch);
    const contentType = sniffImageType(bytes) ?? headerType;
    if (!contentType || !contentType.startsWith('image/')) {
      throw new ProviderUnavailable(`Replicate's output is not an image (${contentType ?? 'unknown type'}, ${bytes.byteLength} bytes).`);
    }
    return { bytes, contentType, spend: { units: { images: 1 }, usd: this.options.usdPerImage ?? REPLICATE_USD_PER_IMAGE } };
  }

  /** The image behind a run's output: a URL string, a FileOutput, or a list holding one. */
  private async download(output: unknown, fetch: typeof globalThis.fetch): Promise<{ bytes: Uint8Array; headerType?: string }> {
    const first = Array.isArray(output) ? output[0] : output;
    if (first === null || first === undefined || first === '') {
      throw new ProviderUnavailable('Replicate finished the prediction but returned no image.');
    }
    let bytes: Uint8Array;
    let headerType: string | undefined;
    if (typeof first === 'string') {
      const response = await fetch(first);
      try {
        bytes = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        throw errorForNetworkFailure('Replicate', error, 'the image download');
      }
      headerType = response.headers.get('content-type')?.split(';')[0]?.trim();
    } else if (typeof (first as { blob?: unknown }).blob === 'function') {
      // A FileOutput: the SDK already started fetching it through our fetch.
      try {
        const blob = await (first as { blob(): Promise<Blob> }).blob();
        bytes = new Uint8Array(await blob.arrayBuffer());
        headerType = blob.type || undefined;
      } catch (error) {
        throw toNamedError(error);
      }
    } else {
      throw new ProviderUnavailable(`Replicate returned an output that is not an image URL (${typeof first}).`);
    }
    if (bytes.byteLength === 0) throw new ProviderUnavailable('Replicate returned an empty image file.');
    return { bytes, ...(headerType ? { headerType } : {}) };
  }
}

function toNamedError(error: unknown): Error {
  if (error instanceof ProviderRejected || error instanceof ProviderUnavailable || error instanceof ProviderTimeout) return error;
  if (error instanceof Error && error.name === 'ProviderRateLimited') return error;
  const message = error instanceof Error ? error.message : String(error);
  const failed = /^Prediction failed: ([\s\S]*)$/.exec(message);
  if (failed) {
    const reason = shortDetail(failed[1]) ?? 'no reason given';
    // The model refusing a prompt will refuse it again; anything else may pass on a retry.
    // The prompt's own content: a failure the request caused (its refunds are capped, credits.ts).
    if (SAFETY_WORDS.test(reason)) return new ContentRejected(`Replicate refused to draw the scene: ${reason}`, { cause: error });
    return new ProviderUnavailable(`Replicate's prediction failed: ${reason}`, { cause: error });
  }
  if (error instanceof SyntaxError) return new ProviderUnavailable(`Replicate sent an unreadable answer (${error.message}).`, { cause: error });
  if (isTimeout(error)) return new ProviderTimeout('Replicate did not answer in time.', { cause: error });
  // Not a provider failure (every request goes through guardedFetch): let it surface as it is.
  return error instanceof Error ? error : new Error(message);
}
