import Groq from 'groq-sdk';
import { ProviderTimeout, ProviderUnavailable } from '../../core/errors.js';
import type { VideoRequest } from '../../core/model.js';
import type { ScriptWriter, Spend } from '../../core/ports.js';
import { errorForHttpStatus, errorForNetworkFailure, parseRetryAfterMs, retryOnceIfSoon, shortDetail } from '../../core/provider-errors.js';
import { draftScript, type ChatMessage } from '../../core/script-prompt.js';

export const GROQ_MODEL = 'llama-3.3-70b-versatile';

/** Groq's published on-demand prices for llama-3.3-70b-versatile, US dollars per million tokens. */
export const GROQ_USD_PER_MILLION = { input: 0.59, output: 0.79 } as const;

export interface GroqScriptWriterOptions {
  /** Resolves the API key (environment or Secrets Manager) on first use. */
  apiKey: () => Promise<string>;
  /** The SDK's `baseURL` (default https://api.groq.com); requests go to `{baseURL}/openai/v1/…`. */
  baseURL?: string;
  model?: string;
  /** Per request. Default 45 s: two calls (answer + repair) fit the step's 120 s Lambda. */
  timeoutMs?: number;
  /** A 429 asking for at most this wait is retried once in-process. Default 5 s. */
  maxRateLimitWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The usage block Groq returns with every completion. */
interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

/** What Groq's JSON mode puts in a 400 when the model's output was not JSON. */
interface GroqErrorBody {
  error?: { message?: string; code?: string; failed_generation?: string };
  message?: string;
  code?: string;
  failed_generation?: string;
}

/**
 * Writes scripts with Groq's `llama-3.3-70b-versatile` in JSON mode (groq-sdk). The answer is
 * validated against the script schema; an invalid one gets one repair attempt quoting the
 * error, then `ScriptInvalid`. The SDK's own retries are off (`maxRetries: 0`): the state
 * machine owns retry policy; only a short Retry-After is honoured here, once.
 */
export class GroqScriptWriter implements ScriptWriter {
  readonly name = 'groq';
  private readonly model: string;
  private client?: Promise<Groq>;

  constructor(private readonly options: GroqScriptWriterOptions) {
    this.model = options.model ?? GROQ_MODEL;
  }

  async write(request: VideoRequest): Promise<{ raw: string; spend: Spend }> {
    const { raw, spend } = await draftScript(
      request,
      (messages) =>
        retryOnceIfSoon(() => this.complete(messages), {
          maxWaitMs: this.options.maxRateLimitWaitMs ?? 5000,
          ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
        }),
      'Groq',
    );
    return { raw, spend };
  }

  /** One client per writer, made when the key is first needed; a failed key lookup is retried next time. */
  private groq(): Promise<Groq> {
    if (!this.client) {
      const pending = this.options.apiKey().then(
        (apiKey) =>
          new Groq({
            apiKey,
            ...(this.options.baseURL ? { baseURL: this.options.baseURL } : {}),
            maxRetries: 0,
            timeout: this.options.timeoutMs ?? 45_000,
          }),
      );
      pending.catch(() => {
        if (this.client === pending) this.client = undefined;
      });
      this.client = pending;
    }
    return this.client;
  }

  /** One chat completion in JSON mode; failures become named errors. */
  private async complete(messages: ChatMessage[]): Promise<{ content: string; spend: Spend }> {
    const groq = await this.groq();
    let completion: unknown;
    try {
      completion = await groq.chat.completions.create({
        model: this.model,
        messages,
        response_format: { type: 'json_object' },
        temperature: 0.6,
        max_completion_tokens: 2048,
      });
    } catch (error) {
      const failed = failedGeneration(error);
      // JSON mode refused the model's own output: that is a bad answer, so it gets the repair.
      if (failed !== undefined) return { content: failed, spend: this.spend({}) };
      throw toNamedError(error);
    }
    const { choices, usage } = (completion ?? {}) as { choices?: { message?: { content?: unknown } }[]; usage?: Usage };
    if (!Array.isArray(choices)) {
      throw new ProviderUnavailable('Groq sent an answer that is not a chat completion.');
    }
    const content = choices[0]?.message?.content;
    return { content: typeof content === 'string' ? content : '', spend: this.spend(usage ?? {}) };
  }

  private spend(usage: Usage): Spend {
    const input = usage.prompt_tokens ?? 0;
    const output = usage.completion_tokens ?? 0;
    const usd = (input * GROQ_USD_PER_MILLION.input + output * GROQ_USD_PER_MILLION.output) / 1_000_000;
    return { units: { inputTokens: input, outputTokens: output }, usd };
  }
}

/** The text Groq's JSON mode rejected (400 `json_validate_failed`), if that is what this is. */
function failedGeneration(error: unknown): string | undefined {
  if (!(error instanceof Groq.APIError) || error.status !== 400) return undefined;
  const body = error.error as GroqErrorBody | undefined;
  const inner = body?.error ?? body;
  if (inner?.code !== 'json_validate_failed') return undefined;
  return inner.failed_generation ?? '';
}

function toNamedError(error: unknown): Error {
  if (error instanceof Groq.APIConnectionTimeoutError) return new ProviderTimeout('Groq did not answer the script request in time.', { cause: error });
  if (error instanceof Groq.APIConnectionError) return errorForNetworkFailure('Groq', error.cause ?? error, 'the script request');
  if (error instanceof Groq.APIError && typeof error.status === 'number') {
    const body = error.error as GroqErrorBody | undefined;
    const headers = error.headers;
    const retryAfterMs = parseRetryAfterMs(headers?.get('retry-after-ms') ? String(Number(headers.get('retry-after-ms')) / 1000) : headers?.get('retry-after'));
    return errorForHttpStatus({
      provider: 'Groq',
      status: error.status,
      detail: body?.error?.message ?? body?.message ?? shortDetail(error.message),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      keyVariable: 'GROQ_API_KEY',
      cause: error,
    });
  }
  if (error instanceof SyntaxError) return new ProviderUnavailable(`Groq sent an unreadable answer (${error.message}).`, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}
