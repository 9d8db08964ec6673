/**
 * A typed client for the HTTP API (docs/api.md). Every call sends the session token as
 * `Authorization: Bearer …`; an error answer becomes an {@link ApiError} carrying the server's
 * own message, so screens can show it as is.
 */
import { STEPS, jobProgress, type Job, type StepName } from '../../../lambdas/core/job.js';
import type { ShortVideoProps } from '../../../lambdas/core/video-props.js';
import type { VoiceOption } from '../config.js';
import { stableUrl } from './stable-urls.js';
import type {
  CreateVideoInput,
  CreditPack,
  Credits,
  LedgerEntry,
  Me,
  MetricSeries,
  Page,
  StepView,
  Video,
  VideoError,
} from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The route does not exist (yet) on this server. */
  get notAvailable(): boolean {
    return this.status === 404 || this.status === 501;
  }
}

export type TokenSource = () => Promise<string | null>;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Reads the message out of the error bodies the API may send: {error:{message}}, {message}, {error:"…"}. */
function errorFrom(status: number, body: unknown, statusText: string): ApiError {
  if (isObject(body)) {
    const inner = isObject(body.error) ? body.error : body;
    const message = str(inner.message) ?? str(body.error) ?? str(body.message);
    const list = Array.isArray(inner.fields) ? inner.fields : Array.isArray(inner.issues) ? inner.issues : [];
    const field = str(inner.field) ?? (isObject(list[0]) ? str(list[0].field) : undefined);
    if (message) return new ApiError(status, message, str(inner.code) ?? str(inner.name), field);
  }
  const fallback =
    status === 401
      ? 'Your session has ended. Sign in again.'
      : status === 403
        ? 'You are not allowed to do that.'
        : status >= 500
          ? 'The server had a problem. Try again in a moment.'
          : statusText || `Request failed (${status}).`;
  return new ApiError(status, fallback);
}

export class Api {
  constructor(
    private readonly getToken: TokenSource,
    private readonly base = '',
    private readonly onUnauthorized?: () => void,
  ) {}

  /** One call: JSON in, JSON out, with the session token. */
  async request<T>(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
    const token = await this.getToken();
    const headers: Record<string, string> = { Accept: 'application/json', ...init.headers };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch {
      throw new ApiError(0, 'Cannot reach the server. Check your connection and try again.');
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      if (response.status === 401) this.onUnauthorized?.();
      throw errorFrom(response.status, body, response.statusText);
    }
    return body as T;
  }

  async me(): Promise<Me> {
    const raw = await this.request<Json>('GET', '/api/me');
    const roles = Array.isArray(raw.roles) ? raw.roles : [];
    return {
      userId: str(raw.userId) ?? str(raw.id) ?? '',
      admin: raw.admin === true || raw.isAdmin === true || raw.role === 'admin' || roles.includes('admin'),
      balance: num(raw.balance),
      creditPriceCents: num(raw.creditPriceCents),
      currency: str(raw.currency),
    };
  }

  /** The voices the server's voice provider offers (GET /api/voices), as the form's options. */
  async voices(): Promise<VoiceOption[]> {
    const raw = await this.request<Json>('GET', '/api/voices');
    const voices = Array.isArray(raw.voices) ? raw.voices.filter(isObject) : [];
    return voices.flatMap((v) => {
      const id = str(v.id);
      if (!id) return [];
      const name = str(v.name) ?? id;
      // eSpeak's ids are language codes, several of one language: the code tells them apart.
      return [{ id, label: str(v.language) && name !== id ? `${name} (${id})` : name }];
    });
  }

  async createVideo(input: CreateVideoInput, idempotencyKey: string): Promise<{ id: string; status: string }> {
    const raw = await this.request<Json>('POST', '/api/videos', { body: input, headers: { 'Idempotency-Key': idempotencyKey } });
    return { id: str(raw.id) ?? str(raw.jobId) ?? '', status: str(raw.status) ?? 'QUEUED' };
  }

  async listVideos(cursor?: string, limit = 24): Promise<Page<Video>> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor) query.set('cursor', cursor);
    const raw = await this.request<Json>('GET', `/api/videos?${query}`);
    const items = Array.isArray(raw.items) ? raw.items : Array.isArray(raw.videos) ? raw.videos : [];
    return { items: items.filter(isObject).map(toVideo), nextCursor: str(raw.nextCursor) ?? str(raw.cursor) };
  }

  async getVideo(id: string): Promise<Video> {
    return toVideo(await this.request<Json>('GET', `/api/videos/${encodeURIComponent(id)}`));
  }

  async deleteVideo(id: string): Promise<void> {
    await this.request('DELETE', `/api/videos/${encodeURIComponent(id)}`);
  }

  async retryVideo(id: string): Promise<void> {
    await this.request('POST', `/api/videos/${encodeURIComponent(id)}/retry`);
  }

  async credits(cursor?: string): Promise<Credits> {
    const query = cursor ? `?${new URLSearchParams({ cursor })}` : '';
    const raw = await this.request<Json>('GET', `/api/credits${query}`);
    const ledgerRaw = Array.isArray(raw.entries) ? raw.entries : Array.isArray(raw.ledger) ? raw.ledger : [];
    const nextCursor = str(raw.nextCursor);
    return {
      balance: num(raw.balance) ?? 0,
      ledger: ledgerRaw.filter(isObject).map(toLedgerEntry),
      nextCursor,
    };
  }

  /** Starts a Stripe Checkout and returns the page to send the buyer to. */
  async checkout(pack: CreditPack): Promise<string> {
    const raw = await this.request<Json>('POST', '/api/billing/checkout', { body: { credits: pack.credits } });
    const url = str(raw.url) ?? str(raw.checkoutUrl);
    if (!url) throw new ApiError(502, 'Checkout did not return a payment page.');
    return url;
  }

  /** Local mode only: a purchase fed through the real webhook handler as a locally signed event. */
  async simulatePurchase(pack: CreditPack): Promise<void> {
    await this.request('POST', '/api/dev/purchase', { body: { credits: pack.credits } });
  }

  health(): Promise<unknown> {
    return this.request('GET', '/api/health');
  }

  queueStatus(): Promise<unknown> {
    return this.request('GET', '/api/queue/status');
  }

  alerts(): Promise<unknown> {
    return this.request('GET', '/api/alerts');
  }

  async metrics(metric: string, from: Date, to: Date, periodSeconds: number): Promise<MetricSeries[]> {
    const query = new URLSearchParams({ metric, from: from.toISOString(), to: to.toISOString(), period: String(periodSeconds) });
    return toSeries(metric, await this.request<unknown>('GET', `/api/metrics?${query}`));
  }
}

/** Local mode: the dev session route hands out a token for a user id. */
export async function devSession(userId: string, admin: boolean, base = ''): Promise<string> {
  const raw = await new Api(async () => null, base).request<Json>('POST', '/api/dev/session', { body: { userId, ...(admin ? { admin } : {}) } });
  const token = str(raw.token);
  if (!token) throw new ApiError(502, 'The server did not return a session token.');
  return token;
}

function toStep(raw: unknown): StepView {
  const s = isObject(raw) ? raw : {};
  const status = str(s.status);
  return {
    status: status === 'running' || status === 'succeeded' || status === 'failed' ? status : 'pending',
    startedAt: str(s.startedAt),
    endedAt: str(s.endedAt),
    durationMs: num(s.durationMs),
    attempts: num(s.attempts),
    done: num(s.done),
    total: num(s.total),
    error: str(s.error),
  };
}

function toError(raw: unknown): VideoError | undefined {
  if (typeof raw === 'string' && raw) return { message: raw };
  if (!isObject(raw)) return undefined;
  const message = str(raw.message) ?? str(raw.reason);
  if (!message) return undefined;
  const step = str(raw.step);
  return { message, name: str(raw.name) ?? str(raw.code), step: STEPS.includes(step as StepName) ? (step as StepName) : undefined };
}

/** Maps a job as the API sends it (GET /api/videos, /api/videos/{id}) onto {@link Video}. */
export function toVideo(raw: Json): Video {
  const request = isObject(raw.request) ? raw.request : raw;
  // Steps come as a list of {name, …} (docs/api.md); a {name: state} map is read too.
  const stepsRaw: Json = Array.isArray(raw.steps)
    ? Object.fromEntries(raw.steps.filter(isObject).map((s) => [String(s.name), s]))
    : isObject(raw.steps)
      ? raw.steps
      : {};
  const steps: Video['steps'] = {};
  for (const name of STEPS) if (name in stepsRaw) steps[name] = toStep(stepsRaw[name]);
  const status = str(raw.status);
  const video: Video = {
    id: str(raw.id) ?? str(raw.jobId) ?? '',
    status: status === 'RUNNING' || status === 'SUCCEEDED' || status === 'FAILED' ? status : 'QUEUED',
    request: {
      prompt: str(request.prompt) ?? '',
      seconds: num(request.seconds) ?? 30,
      aspect: request.aspect === '1:1' || request.aspect === '16:9' ? request.aspect : '9:16',
      voice: str(request.voice),
      captionStyle: request.captionStyle === 'karaoke' || request.captionStyle === 'minimal' ? request.captionStyle : 'bold',
    },
    title: str(raw.title),
    createdAt: str(raw.createdAt) ?? new Date(0).toISOString(),
    updatedAt: str(raw.updatedAt),
    startedAt: str(raw.startedAt),
    finishedAt: str(raw.finishedAt),
    currentStep: STEPS.includes(str(raw.currentStep) as StepName) ? (raw.currentStep as StepName) : undefined,
    progress: 0,
    steps,
    error: toError(raw.error) ?? toError(raw.reason),
    videoUrl: stable(str(raw.videoUrl) ?? str(raw.outputUrl) ?? str(raw.url)),
    downloadUrl: stable(str(raw.downloadUrl)),
    thumbnailUrl: stable(str(raw.thumbnailUrl)),
    preview: isObject(raw.preview) ? toPreview(raw.preview as unknown as ShortVideoProps) : undefined,
    credits: num(raw.credits) ?? (isObject(raw.cost) ? num(raw.cost.credits) : undefined),
    refunded: raw.refunded === true,
    forfeited: raw.forfeited === true,
    durationMs: num(raw.durationMs),
    sceneCount: num(raw.sceneCount),
    attempt: num(raw.attempt),
  };
  const progress = num(raw.progress);
  video.progress =
    progress !== undefined
      ? Math.max(0, Math.min(100, progress))
      : Object.keys(steps).length === STEPS.length
        ? jobProgress({ status: video.status, steps: steps as Job['steps'] })
        : video.status === 'SUCCEEDED'
          ? 100
          : 0;
  return video;
}

const stable = (url: string | undefined) => (url === undefined ? undefined : stableUrl(url));

/** The preview's props with their asset URLs kept stable across polls. */
function toPreview(props: ShortVideoProps): ShortVideoProps {
  return {
    ...props,
    audioUrl: stableUrl(props.audioUrl),
    scenes: props.scenes.map((scene) => ({ ...scene, imageUrl: stableUrl(scene.imageUrl) })),
  };
}

export function toLedgerEntry(raw: Json): LedgerEntry {
  const at = str(raw.at) ?? str(raw.createdAt) ?? '';
  return {
    id: str(raw.entryId) ?? str(raw.id) ?? `${at}#${String(raw.delta)}`,
    at,
    delta: num(raw.delta) ?? 0,
    kind: str(raw.kind) ?? 'grant',
    note: str(raw.note) ?? '',
    jobId: str(raw.jobId),
  };
}

/** Accepts {points:[{t,value}]}, {series:[…]}, {datapoints:[{timestamp,value}]} or [{t,value}]. */
function toSeries(metric: string, raw: unknown): MetricSeries[] {
  const point = (p: unknown) => {
    if (!isObject(p)) return undefined;
    const t = str(p.t) ?? str(p.timestamp) ?? str(p.time) ?? str(p.at);
    const value = num(p.value) ?? num(p.v) ?? num(p.count);
    return t !== undefined && value !== undefined ? { t, value } : undefined;
  };
  const one = (s: unknown, name: string): MetricSeries | undefined => {
    const list = Array.isArray(s) ? s : isObject(s) ? (s.points ?? s.datapoints ?? s.values) : undefined;
    if (!Array.isArray(list)) return undefined;
    const points = list.map(point).filter((p): p is { t: string; value: number } => p !== undefined);
    points.sort((a, b) => a.t.localeCompare(b.t));
    const o = isObject(s) ? s : {};
    return { metric: str(o.label) ?? str(o.metric) ?? str(o.name) ?? name, unit: str(o.unit), step: str(o.step), stat: str(o.stat), points };
  };
  if (isObject(raw) && Array.isArray(raw.series)) {
    return raw.series.map((s, i) => one(s, `${metric} ${i + 1}`)).filter((s): s is MetricSeries => s !== undefined);
  }
  const single = one(raw, metric);
  return single ? [single] : [];
}
