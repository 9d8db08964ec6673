/**
 * The typed client of the ai-shorts API (docs/api.md "Typed client"): openapi-fetch over the types
 * generated from GET /api/openapi.json (openapi-types.ts, `npm run gen:api`). Paths, parameters,
 * bodies and answers are checked by the compiler, so a renamed route, field or metric fails
 * `tsc` where it is used. The dashboard uses it for every call; API users import it as
 * `ai-shorts/client`.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { ErrorView, GatewayErrorView } from '../schemas.js';
import type { components, operations, paths } from './openapi-types.js';

export type { components, operations, paths };
/** The API's named schemas: `Schemas['VideoDetail']`, `Schemas['MetricSeries']` … */
export type Schemas = components['schemas'];
/** The metrics GET /api/metrics computes. */
export type MetricName = Schemas['MetricsQuery']['metric'];

/** An answer other than 2xx, with the server's own sentence as the message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The API's machine-readable code (`insufficient_credits`, `invalid_request` …); none for API Gateway's own answers. */
    readonly code?: string,
    /** The first field `fields` names, for a 400. */
    readonly field?: string,
    /** The whole `error` object (`fields`, `balance`, `needed`, `limit`, `retryAfterSeconds` …). */
    readonly details?: Schemas['Error']['error'],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The route does not exist on this server. */
  get notAvailable(): boolean {
    return this.status === 404 || this.status === 501;
  }
}

/** Said when the request never got an answer (offline, DNS, refused connection). */
export const UNREACHABLE = 'Cannot reach the server. Check your connection and try again.';

/**
 * The error for an answer: the API's `{"error": {code, message, fields?}}` (lambdas/api/http.ts
 * `errorResult`), or API Gateway's own `{"message": …}` (its throttle's 429, a body over its 10 MB).
 * Any other body (a proxy's HTML page, nothing) gets a sentence by its status.
 */
export function apiError(status: number, body: unknown, statusText = ''): ApiError {
  const ours = ErrorView.safeParse(body);
  if (ours.success) return new ApiError(status, ours.data.error.message, ours.data.error.code, ours.data.error.fields?.[0]?.field, ours.data.error);
  const gateway = GatewayErrorView.safeParse(body);
  if (gateway.success) return new ApiError(status, gateway.data.message);
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

/** A session token or API key, or a function giving one for each request (a Clerk session token lives about a minute). */
export type TokenSource = string | (() => string | null | undefined | Promise<string | null | undefined>);

export interface ShortsClientOptions {
  /** The API's origin, e.g. `https://shorts.example.com` or `http://127.0.0.1:3000` (`shorts dev`); `''` in a page served by it. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`. */
  token?: TokenSource;
  /** Called on every 401 answer (the dashboard signs out). */
  onUnauthorized?: () => void;
  /** Another fetch (tests, a proxy). */
  fetch?: (request: Request) => Promise<Response>;
}

/** openapi-fetch's client of this API: `GET`, `POST`, `DELETE` with typed paths, params, bodies and answers. */
export type ShortsClient = Client<paths>;

/** A typed client of the API; read answers with {@link unwrap}, or look at `{ data, error, response }` yourself. */
export function createShortsClient(options: ShortsClientOptions): ShortsClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { Accept: 'application/json' },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const auth: Middleware = {
    async onRequest({ request }) {
      const token = typeof options.token === 'function' ? await options.token() : options.token;
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) options.onUnauthorized?.();
      return undefined;
    },
  };
  client.use(auth);
  return client;
}

/** What an openapi-fetch call resolves to. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The data of a 2xx answer; any other answer throws an {@link ApiError} carrying the server's
 * message, and a request that got no answer throws one with status 0.
 */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(0, UNREACHABLE);
  }
  if (!answer.response.ok) throw apiError(answer.response.status, answer.error, answer.response.statusText);
  return answer.data as T;
}
