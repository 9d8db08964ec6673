/**
 * Replicate's predictions API on 127.0.0.1, in Replicate's wire format: `POST
 * /v1/models/{owner}/{name}/predictions` (Bearer token; `Prefer: wait[=n]` returns the
 * finished prediction, otherwise it starts and `GET /v1/predictions/{id}` is polled),
 * `POST /v1/predictions/{id}/cancel`, problem+json errors (`{"title","detail","status"}`), and
 * the output file itself: a real PNG served by the stub, so the adapter fetches the bytes.
 */
import { encodePng } from '../png.js';
import { sendJson, startStubServer, type Fault, type StubContext, type StubServer, type StubServerOptions } from './stub-server.js';

export const REPLICATE_STUB_TOKEN = 'r8_stub_token';
export const REPLICATE_STUB_MODELS = ['ideogram-ai/ideogram-v3-turbo'];
const ASPECT_RATIOS = ['1:3', '3:1', '1:2', '2:1', '9:16', '16:9', '10:16', '16:10', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '1:1'];

/** How the next prediction ends. */
export type ReplicateOutcome =
  | 'image'
  /** Succeeds with `output: null` (nothing drawn). */
  | 'empty-output'
  /** Succeeds with the URL inside an array, as many image models answer. */
  | 'array-output'
  /** Fails with this error, as when the model refuses a prompt. */
  | { failed: string };

export interface ReplicateStubOptions extends StubServerOptions {
  token?: string;
  /**
   * 'sync' answers `Prefer: wait` with the finished prediction; 'async' starts it and lets
   * `pollsUntilDone` polls pass before it succeeds (as when the wait runs out).
   */
  mode?: 'sync' | 'async';
  pollsUntilDone?: number;
  /**
   * Where output URLs point. Default: this stub over http (the SDK passes such URLs through as
   * strings). Give an https origin (e.g. https://replicate.delivery) to get FileOutput objects
   * from the SDK; the test's fetch must then map that origin to {@link ReplicateStub.url}.
   */
  outputOrigin?: string;
}

export interface ReplicateStub extends StubServer {
  /** `baseUrl` for the replicate SDK (it includes `/v1`). */
  baseUrl: string;
  /** Queues how the next predictions end, in order; afterwards 'image'. */
  outcome(...outcomes: ReplicateOutcome[]): void;
  fail(route: 'create' | 'poll' | 'cancel' | 'file' | '*', ...faults: Fault[]): void;
  setMode(mode: 'sync' | 'async', pollsUntilDone?: number): void;
}

interface Prediction {
  id: string;
  model: string;
  version: string;
  input: Record<string, unknown>;
  logs: string;
  output: unknown;
  data_removed: boolean;
  error: string | null;
  status: 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled';
  created_at: string;
  started_at?: string;
  completed_at?: string;
  urls: Record<string, string>;
  metrics?: Record<string, number>;
}

/** A real PNG: a vertical two-colour gradient of the given size. */
export function gradientPng(width: number, height: number, seed: number): Buffer {
  const top = [(seed * 53) % 256, (seed * 97) % 256, (seed * 193) % 256];
  const bottom = [255 - top[0]!, 255 - top[1]!, 255 - top[2]!];
  const pixels = new Uint8Array(width * 3 * height);
  for (let y = 0; y < height; y++) {
    const t = height > 1 ? y / (height - 1) : 0;
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) pixels[(y * width + x) * 3 + c] = Math.round(top[c]! * (1 - t) + bottom[c]! * t);
    }
  }
  return encodePng(width, height, 3, pixels);
}

/** Small pixel sizes per aspect ratio: enough for a real image, quick to make and render. */
function sizeFor(aspect: string): { width: number; height: number } {
  const [w, h] = aspect.split(':').map(Number) as [number, number];
  const scale = 160 / Math.max(w, h);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

export async function startReplicateStub(options: ReplicateStubOptions = {}): Promise<ReplicateStub> {
  const token = options.token ?? REPLICATE_STUB_TOKEN;
  let mode = options.mode ?? 'sync';
  let pollsUntilDone = options.pollsUntilDone ?? 2;
  const outcomes: ReplicateOutcome[] = [];
  const predictions = new Map<string, { prediction: Prediction; polls: number; outcome: ReplicateOutcome }>();
  const files = new Map<string, Buffer>();
  let counter = 0;
  let origin = '';

  const authorized = (ctx: StubContext) => {
    if (ctx.req.headers.authorization === `Bearer ${token}`) return true;
    sendJson(ctx.res, 401, { title: 'Unauthenticated', detail: 'You did not pass a valid authentication token', status: 401 }, { 'content-type': 'application/problem+json' });
    return false;
  };

  const finish = (entry: { prediction: Prediction; outcome: ReplicateOutcome }) => {
    const { prediction, outcome } = entry;
    prediction.completed_at = new Date().toISOString();
    if (typeof outcome === 'object') {
      prediction.status = 'failed';
      prediction.error = outcome.failed;
      return;
    }
    prediction.status = 'succeeded';
    prediction.metrics = { predict_time: 2.5, image_count: 1 };
    if (outcome === 'empty-output') {
      prediction.output = null;
      return;
    }
    const aspect = String(prediction.input.aspect_ratio ?? '1:1');
    const { width, height } = sizeFor(aspect);
    const seed = Number(prediction.input.seed ?? counter);
    files.set(prediction.id, gradientPng(width, height, Number.isFinite(seed) ? seed : counter));
    const url = `${options.outputOrigin ?? origin}/files/${prediction.id}/output.png`;
    prediction.output = outcome === 'array-output' ? [url] : url;
  };

  const create = (ctx: StubContext, model: string) => {
    if (!authorized(ctx)) return;
    if (!REPLICATE_STUB_MODELS.includes(model)) {
      sendJson(ctx.res, 404, { title: 'Not found', detail: 'The requested resource could not be found.', status: 404 });
      return;
    }
    const input = (ctx.json as { input?: Record<string, unknown> } | undefined)?.input;
    if (!input || typeof input.prompt !== 'string' || input.prompt.trim() === '') {
      sendJson(ctx.res, 422, { title: 'Input validation failed', detail: '- input: prompt is required', status: 422, invalid_fields: [{ type: 'required', field: 'input', description: 'prompt is required' }] });
      return;
    }
    if (input.aspect_ratio !== undefined && !ASPECT_RATIOS.includes(String(input.aspect_ratio))) {
      sendJson(ctx.res, 422, {
        title: 'Input validation failed',
        detail: `- input.aspect_ratio: aspect_ratio must be one of the following: ${ASPECT_RATIOS.map((a) => `"${a}"`).join(', ')}`,
        status: 422,
      });
      return;
    }
    counter += 1;
    const id = `stubpred${counter.toString().padStart(6, '0')}`;
    const prediction: Prediction = {
      id,
      model,
      version: 'hidden',
      input,
      logs: '',
      output: null,
      data_removed: false,
      error: null,
      status: 'starting',
      created_at: new Date().toISOString(),
      urls: {
        get: `${origin}/v1/predictions/${id}`,
        cancel: `${origin}/v1/predictions/${id}/cancel`,
        stream: `${origin}/v1/stream/${id}`,
        web: `https://replicate.com/p/${id}`,
      },
    };
    const entry = { prediction, polls: 0, outcome: outcomes.shift() ?? 'image' };
    predictions.set(id, entry);
    const waits = /^wait(=\d+)?$/.test(String(ctx.req.headers.prefer ?? ''));
    if (waits && mode === 'sync') finish(entry);
    else {
      prediction.status = 'processing';
      prediction.started_at = new Date().toISOString();
    }
    sendJson(ctx.res, 201, prediction);
  };

  const poll = (ctx: StubContext, id: string) => {
    if (!authorized(ctx)) return;
    const entry = predictions.get(id);
    if (!entry) {
      sendJson(ctx.res, 404, { title: 'Not found', detail: 'The requested resource could not be found.', status: 404 });
      return;
    }
    if (entry.prediction.status === 'processing' || entry.prediction.status === 'starting') {
      entry.polls += 1;
      if (entry.polls >= pollsUntilDone) finish(entry);
    }
    sendJson(ctx.res, 200, entry.prediction);
  };

  const cancel = (ctx: StubContext, id: string) => {
    if (!authorized(ctx)) return;
    const entry = predictions.get(id);
    if (!entry) {
      sendJson(ctx.res, 404, { title: 'Not found', detail: 'The requested resource could not be found.', status: 404 });
      return;
    }
    if (entry.prediction.status === 'processing' || entry.prediction.status === 'starting') entry.prediction.status = 'canceled';
    sendJson(ctx.res, 200, entry.prediction);
  };

  const file = (ctx: StubContext, id: string) => {
    const png = files.get(id);
    if (!png) {
      sendJson(ctx.res, 404, { detail: 'file not found' });
      return;
    }
    ctx.res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) });
    ctx.res.end(png);
  };

  const server = await startStubServer(
    'Replicate',
    (method, path) => {
      let m = /^\/v1\/models\/([^/]+\/[^/]+)\/predictions$/.exec(path);
      if (m && method === 'POST') return { route: 'create', handle: (ctx) => create(ctx, m![1]!) };
      m = /^\/v1\/predictions\/([^/]+)$/.exec(path);
      if (m && method === 'GET') return { route: 'poll', handle: (ctx) => poll(ctx, m![1]!) };
      m = /^\/v1\/predictions\/([^/]+)\/cancel$/.exec(path);
      if (m && method === 'POST') return { route: 'cancel', handle: (ctx) => cancel(ctx, m![1]!) };
      m = /^\/files\/([^/]+)\/output\.png$/.exec(path);
      if (m && method === 'GET') return { route: 'file', handle: (ctx) => file(ctx, m![1]!) };
      return undefined;
    },
    { ...(options.port === undefined ? {} : { port: options.port }), ...(options.onRequest ? { onRequest: options.onRequest } : {}) },
  );
  origin = server.url;
  const resetServer = server.reset;
  return Object.assign(server, {
    baseUrl: `${server.url}/v1`,
    outcome(...list: ReplicateOutcome[]) {
      outcomes.push(...list);
    },
    setMode(next: 'sync' | 'async', polls?: number) {
      mode = next;
      if (polls !== undefined) pollsUntilDone = polls;
    },
    reset() {
      resetServer();
      outcomes.length = 0;
    },
  }) as ReplicateStub;
}

/** Replicate's 429 (problem+json) with a Retry-After in seconds. */
export function replicateThrottled(retryAfterSeconds: number): Fault {
  return {
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds), 'content-type': 'application/problem+json' },
    body: { title: 'Request was throttled.', detail: `Request was throttled. Expected available in ${retryAfterSeconds} seconds.`, status: 429 },
  };
}
