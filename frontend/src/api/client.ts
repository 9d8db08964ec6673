/**
 * The dashboard's API calls, through the typed client generated from GET /api/openapi.json
 * (lambdas/api/client/shorts-client.ts): paths, parameters and answers are checked by `tsc`, so a
 * field or metric the API does not have fails the build. Every call sends the session token as
 * `Authorization: Bearer …`; an error answer becomes an {@link ApiError} carrying the server's
 * own message, so screens can show it as is.
 */
import type { StepName } from '../../../lambdas/core/job.js';
import type { ShortVideoProps } from '../../../lambdas/core/video-props.js';
import {
  ApiError,
  apiError,
  createShortsClient,
  UNREACHABLE,
  unwrap,
  type MetricName,
  type Schemas,
  type ShortsClient,
} from '../../../lambdas/api/client/shorts-client.js';
import type { VoiceOption } from '../config.js';
import { stableUrl } from './stable-urls.js';
import type { CreateVideoInput, CreditPack, Credits, Me, MetricSeries, Page, StepView, Video } from './types.js';

export { ApiError };

export type TokenSource = () => Promise<string | null>;

/** The metrics the Ops page charts (GET /api/metrics). */
export const OPS_METRICS = ['jobs_created', 'jobs_succeeded', 'jobs_failed', 'success_rate', 'step_duration_p50', 'step_duration_p95'] as const satisfies readonly MetricName[];

export class Api {
  /** The typed client (openapi-fetch over the generated types): every documented call goes through it. */
  readonly client: ShortsClient;

  constructor(
    private readonly getToken: TokenSource,
    private readonly base = '',
    private readonly onUnauthorized?: () => void,
  ) {
    this.client = createShortsClient({ baseUrl: base, token: getToken, ...(onUnauthorized ? { onUnauthorized } : {}) });
  }

  /**
   * One call outside the OpenAPI document (the local-only /api/dev routes): JSON in, JSON out,
   * with the session token. Everything in the document goes through the typed client.
   */
  async request<T>(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
    const token = await this.getToken();
    const headers: Record<string, string> = { Accept: 'application/json', ...init.headers };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    } catch {
      throw new ApiError(0, UNREACHABLE);
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
      throw apiError(response.status, body, response.statusText);
    }
    return body as T;
  }

  me(): Promise<Me> {
    return unwrap(this.client.GET('/api/me'));
  }

  /** The voices the server's voice provider offers (GET /api/voices), as the form's options. */
  async voices(): Promise<VoiceOption[]> {
    const { voices } = await unwrap(this.client.GET('/api/voices'));
    // eSpeak's ids are language codes, several of one language: the code tells them apart.
    return voices.map((v) => ({ id: v.id, label: v.language && v.name !== v.id ? `${v.name} (${v.id})` : v.name }));
  }

  createVideo(input: CreateVideoInput, idempotencyKey: string): Promise<Schemas['CreatedVideo']> {
    return unwrap(this.client.POST('/api/videos', { body: input, params: { header: { 'Idempotency-Key': idempotencyKey } } }));
  }

  async listVideos(cursor?: string, limit = 24): Promise<Page<Video>> {
    const page = await unwrap(this.client.GET('/api/videos', { params: { query: { limit, ...(cursor ? { cursor } : {}) } } }));
    return { items: page.videos.map(toVideo), nextCursor: page.nextCursor };
  }

  async getVideo(id: string): Promise<Video> {
    return toVideo(await unwrap(this.client.GET('/api/videos/{id}', { params: { path: { id } } })));
  }

  async deleteVideo(id: string): Promise<void> {
    await unwrap(this.client.DELETE('/api/videos/{id}', { params: { path: { id } } }));
  }

  async retryVideo(id: string): Promise<void> {
    await unwrap(this.client.POST('/api/videos/{id}/retry', { params: { path: { id } } }));
  }

  async credits(cursor?: string): Promise<Credits> {
    const answer = await unwrap(this.client.GET('/api/credits', { params: { query: cursor ? { cursor } : {} } }));
    return { balance: answer.balance, ledger: answer.entries, nextCursor: answer.nextCursor };
  }

  /** Starts a Stripe Checkout and returns the page to send the buyer to. */
  async checkout(pack: CreditPack): Promise<string> {
    return (await unwrap(this.client.POST('/api/billing/checkout', { body: { credits: pack.credits } }))).url;
  }

  /** Local mode only: a purchase fed through the real webhook handler as a locally signed event. */
  async simulatePurchase(pack: CreditPack): Promise<void> {
    await this.request('POST', '/api/dev/purchase', { body: { credits: pack.credits } });
  }

  /** The health checks; a failing check is a 503 whose body is the same report, shown as such. */
  async health(): Promise<Schemas['Health']> {
    const answer = await this.client.GET('/api/health').catch(() => {
      throw new ApiError(0, UNREACHABLE);
    });
    if (answer.response.status === 503 && answer.error && 'checks' in answer.error) return answer.error;
    return unwrap(Promise.resolve(answer));
  }

  queueStatus(): Promise<Schemas['QueueStatus']> {
    return unwrap(this.client.GET('/api/queue/status'));
  }

  alerts(): Promise<Schemas['Alerts']> {
    return unwrap(this.client.GET('/api/alerts'));
  }

  /** One series, its periods with nothing to measure (`value: null`) left out; a ratio in percent. */
  async metrics(metric: MetricName, from: Date, to: Date, periodSeconds: number): Promise<MetricSeries> {
    const query = { metric, from: from.toISOString(), to: to.toISOString(), period: periodSeconds };
    return toChartSeries(await unwrap(this.client.GET('/api/metrics', { params: { query } })));
  }
}

/** Local mode: the dev session route hands out a token for a user id. */
export async function devSession(userId: string, admin: boolean, base = ''): Promise<string> {
  const { token } = await new Api(async () => null, base).request<{ token?: unknown }>('POST', '/api/dev/session', { body: { userId, ...(admin ? { admin } : {}) } });
  if (typeof token !== 'string' || !token) throw new ApiError(502, 'The server did not return a session token.');
  return token;
}

const METRIC_LABELS: Record<MetricName, string> = {
  jobs_created: 'Created',
  jobs_succeeded: 'Succeeded',
  jobs_failed: 'Failed',
  success_rate: 'Success rate',
  error_rate: 'Error rate',
  job_duration_p50: 'p50',
  job_duration_p95: 'p95',
  step_duration_p50: 'p50',
  step_duration_p95: 'p95',
  cost_usd: 'Cost',
};

/** A series of GET /api/metrics as a chart draws it. */
export function toChartSeries(series: Schemas['MetricSeries']): MetricSeries {
  const percent = series.unit === 'ratio';
  return {
    id: series.metric,
    label: METRIC_LABELS[series.metric],
    unit: series.unit === 'ratio' ? 'percent' : series.unit,
    points: series.points.flatMap((p) => (p.value === null ? [] : [{ t: p.at, value: percent ? p.value * 100 : p.value }])),
  };
}

/** A video of GET /api/videos (summary) or GET /api/videos/{id} (detail) as the screens show it. */
export function toVideo(raw: Schemas['VideoSummary'] | Schemas['VideoDetail']): Video {
  const detail = 'steps' in raw ? raw : undefined;
  const steps: Partial<Record<StepName, StepView>> = {};
  for (const { name, label: _label, ...state } of detail?.steps ?? []) steps[name] = state;
  return {
    id: raw.id,
    status: raw.status,
    request: {
      prompt: raw.prompt,
      seconds: raw.seconds,
      aspect: raw.aspect,
      voice: raw.voice,
      captionStyle: raw.captionStyle,
      language: raw.language,
      music: raw.music,
      ...(raw.captionPosition ? { captionPosition: raw.captionPosition } : {}),
      ...(raw.captionSize ? { captionSize: raw.captionSize } : {}),
      ...(raw.brand ? { brand: true } : {}),
      ...(raw.voiceSpeed !== undefined ? { voiceSpeed: raw.voiceSpeed } : {}),
    },
    title: raw.title,
    createdAt: raw.createdAt,
    updatedAt: raw.updatedAt,
    startedAt: detail?.startedAt,
    finishedAt: detail?.finishedAt,
    currentStep: raw.currentStep,
    progress: raw.progress,
    steps,
    error: raw.error,
    videoUrl: stable(detail?.videoUrl),
    downloadUrl: stable(detail?.downloadUrl),
    thumbnailUrl: stable(raw.thumbnailUrl),
    preview: detail?.preview ? toPreview(detail.preview) : undefined,
    credits: raw.credits,
    refunded: detail?.refunded ?? false,
    forfeited: detail?.forfeited ?? false,
    durationMs: detail?.durationMs,
    sceneCount: detail?.sceneCount,
    attempt: detail?.attempt,
    ...reviewFields(detail),
    ...notesOf(detail),
  };
}

/**
 * The detail's `notes` (added to the API with the languages of #14, on another branch): read
 * without trusting their type, so this compiles with and without the field in the document.
 */
function notesOf(detail: Schemas['VideoDetail'] | undefined): Pick<Video, 'notes'> {
  const notes = (detail as { notes?: unknown } | undefined)?.notes;
  const lines = Array.isArray(notes) ? notes.filter((n): n is string => typeof n === 'string' && n.trim() !== '') : [];
  return lines.length ? { notes: lines } : {};
}

/** The review fields of a detail (storyboard, review, versions), their URLs kept stable across polls. */
function reviewFields(detail: Schemas['VideoDetail'] | undefined): Pick<Video, 'storyboard' | 'review' | 'versions'> {
  if (!detail) return {};
  const { storyboard, review, versions } = detail;
  return {
    ...(storyboard
      ? { storyboard: { ...storyboard, scenes: storyboard.scenes.map((scene) => (scene.imageUrl ? { ...scene, imageUrl: stableUrl(scene.imageUrl) } : scene)) } }
      : {}),
    ...(review ? { review } : {}),
    ...(versions ? { versions } : {}),
  };
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
