/**
 * Groq's OpenAI-compatible chat completions API on 127.0.0.1, in Groq's wire format:
 * `POST /openai/v1/chat/completions` with a Bearer key, JSON mode (`response_format`
 * `json_object`, which needs the word "json" in the messages), Groq's error bodies
 * (`{"error":{"message","type","code"}}`) and its JSON-mode refusal (400
 * `json_validate_failed` with `failed_generation`). By default it answers with a valid
 * script sized from the system prompt ("exactly N scenes"); tests can queue other answers.
 */
import { sendJson, startStubServer, type Fault, type StubContext, type StubServer, type StubServerOptions } from './stub-server.js';

export const GROQ_STUB_KEY = 'gsk_stub_key';
export const GROQ_MODELS = ['llama-3.3-70b-versatile', 'llama-3.1-8b-instant'];

/** What the model says next: text content, or JSON mode rejecting it. */
export type GroqAnswer = { content: string } | { jsonValidateFailed: string };

export interface GroqStub extends StubServer {
  /** `baseURL` for groq-sdk (it appends `/openai/v1/...`). */
  baseURL: string;
  /** Queues what the next completions answer, in order; afterwards the default script again. */
  answer(...answers: GroqAnswer[]): void;
  fail(route: 'chat' | '*', ...faults: Fault[]): void;
}

interface ChatRequest {
  model?: string;
  messages?: { role: string; content: string }[];
  response_format?: { type?: string };
}

function groqError(message: string, type: string, code: string | null, extra: Record<string, unknown> = {}) {
  return { error: { message, type, code, ...extra } };
}

/** A valid script for the topic, shaped by the prompt's scene count, as a model would write it. */
export function stubScript(topic: string, scenes: number): string {
  const subject = topic.replace(/\s+/g, ' ').trim().slice(0, 80) || 'the topic';
  return JSON.stringify({
    title: `All about ${subject}`.slice(0, 60),
    hook: `Here is something surprising about ${subject}.`,
    style: 'soft watercolor illustration, warm morning light, muted teal and amber palette',
    scenes: Array.from({ length: scenes }, (_, i) => ({
      narration: `Part ${i + 1}: a short and clear fact about ${subject}, told simply.`,
      imagePrompt: `A calm wide shot showing ${subject}, detail number ${i + 1}, centered subject`,
    })),
  });
}

function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export async function startGroqStub(options: StubServerOptions & { apiKey?: string } = {}): Promise<GroqStub> {
  const apiKey = options.apiKey ?? GROQ_STUB_KEY;
  const answers: GroqAnswer[] = [];
  let counter = 0;

  const chat = (ctx: StubContext) => {
    if (ctx.req.headers.authorization !== `Bearer ${apiKey}`) {
      sendJson(ctx.res, 401, groqError('Invalid API Key', 'invalid_request_error', 'invalid_api_key'));
      return;
    }
    const request = ctx.json as ChatRequest | undefined;
    if (!request || !Array.isArray(request.messages) || request.messages.length === 0) {
      sendJson(ctx.res, 400, groqError("'messages' : property 'messages' is missing", 'invalid_request_error', null));
      return;
    }
    if (!request.model || !GROQ_MODELS.includes(request.model)) {
      sendJson(
        ctx.res,
        404,
        groqError(`The model \`${request.model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found'),
      );
      return;
    }
    const allText = request.messages.map((m) => m.content).join('\n');
    if (request.response_format?.type === 'json_object' && !/json/i.test(allText)) {
      sendJson(
        ctx.res,
        400,
        groqError("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", 'invalid_request_error', null),
      );
      return;
    }
    const next = answers.shift();
    if (next && 'jsonValidateFailed' in next) {
      sendJson(
        ctx.res,
        400,
        groqError('Failed to generate JSON. Please adjust your prompt. See \'failed_generation\' for more details.', 'invalid_request_error', 'json_validate_failed', {
          failed_generation: next.jsonValidateFailed,
        }),
      );
      return;
    }
    const system = request.messages.find((m) => m.role === 'system')?.content ?? '';
    const userText = request.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
    const topic = /<topic>\n?([\s\S]*?)\n?<\/topic>/.exec(userText)?.[1] ?? 'the topic';
    const scenes = Number(/exactly (\d+) scenes/.exec(system)?.[1] ?? 4);
    const content = next ? next.content : stubScript(topic, scenes);
    const promptTokens = tokens(allText);
    const completionTokens = tokens(content);
    counter += 1;
    sendJson(
      ctx.res,
      200,
      {
        id: `chatcmpl-stub-${counter}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
        usage: {
          queue_time: 0.01,
          prompt_tokens: promptTokens,
          prompt_time: 0.01,
          completion_tokens: completionTokens,
          completion_time: 0.1,
          total_tokens: promptTokens + completionTokens,
          total_time: 0.11,
        },
        system_fingerprint: 'fp_stub',
        x_groq: { id: `req_stub_${counter}` },
      },
      { 'x-request-id': `req_stub_${counter}` },
    );
  };

  const server = await startStubServer(
    'Groq',
    (method, path) => (method === 'POST' && path === '/openai/v1/chat/completions' ? { route: 'chat', handle: chat } : undefined),
    { ...(options.port === undefined ? {} : { port: options.port }), ...(options.onRequest ? { onRequest: options.onRequest } : {}) },
  );
  const resetServer = server.reset;
  return Object.assign(server, {
    baseURL: server.url,
    answer(...list: GroqAnswer[]) {
      answers.push(...list);
    },
    reset() {
      resetServer();
      answers.length = 0;
    },
  }) as GroqStub;
}

/** Groq's 429 body and headers, with a Retry-After in seconds. */
export function groqRateLimit(retryAfterSeconds: number): Fault {
  return {
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: groqError(
      `Rate limit reached for model \`llama-3.3-70b-versatile\` on tokens per minute (TPM): Limit 6000, Used 5900, Requested 800. Please try again in ${retryAfterSeconds}s.`,
      'tokens',
      'rate_limit_exceeded',
    ),
  };
}
