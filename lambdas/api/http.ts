/**
 * The HTTP plumbing every route handler shares: API Gateway HTTP API (payload v2) events in,
 * structured results out, JSON bodies checked with zod, and errors turned into clear 4xx/5xx
 * answers (`{"error": {"code", "message", "fields"?}}`). The local server feeds the same events.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import {
  IdempotencyKeyReused,
  InsufficientCredits,
  InvalidInput,
  JobStateConflict,
  LimitExceeded,
  NotFound,
  TransientError,
} from '../core/errors.js';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Dependencies } from '../shared/dependencies.js';
import { MissingConfiguration } from '../shared/env.js';
import { scopeFor } from '../core/api-keys.js';
import { authenticate, type Caller } from './auth.js';
import { cameThroughCloudFront, NOT_THROUGH_CLOUDFRONT } from './origin-verify.js';

export type ApiEvent = APIGatewayProxyEventV2;
export type ApiResult = APIGatewayProxyStructuredResultV2;

/** An answer decided by a handler: status, machine-readable code, a sentence, extra fields. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode: status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** A request header (API Gateway lower-cases their names). */
export function header(event: ApiEvent, name: string): string | undefined {
  return event.headers?.[name.toLowerCase()];
}

/** The body as the client sent it (API Gateway base64-encodes bodies it considers binary). */
export function rawBody(event: ApiEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/**
 * The product's own body limits, checked before anything else a function does (authentication
 * included): far below API Gateway's 10 MB and Lambda's 6 MB, so a big body costs nothing past
 * this check. JSON requests are small; a Stripe event can be larger.
 */
export const MAX_JSON_BODY_BYTES = 64 * 1024;
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/** The body's size in bytes as the client sent it. */
export function bodyBytes(event: ApiEvent): number {
  if (!event.body) return 0;
  return Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** A body over `maxBytes` is a 413 `too_large`. */
export function checkBodySize(event: ApiEvent, maxBytes: number): void {
  if (bodyBytes(event) <= maxBytes) return;
  const limit = maxBytes >= 1024 * 1024 ? `${maxBytes / (1024 * 1024)} MiB` : `${maxBytes / 1024} KiB`;
  throw new HttpError(413, 'too_large', `The body is larger than this route takes (${limit}).`);
}

/** Names from the client (unknown keys) in answers: short, printable, never a 10 kB echo. */
function quoted(name: string): string {
  const printable = name.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}

/** Issues as `[{field, message}]`; the root of the body is called "body". */
export function fieldErrors(error: z.ZodError, root = 'body'): { field: string; message: string }[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map((p) => quoted(String(p)));
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...path, quoted(key)].join('.'), message: `${quoted(key)} is not a known field` }));
    }
    return [{ field: path.length ? path.join('.') : root, message: issue.message }];
  });
}

/** At most this many problems are listed (a body with 10,000 unknown keys gets a short answer). */
const MAX_FIELDS = 10;

function invalid(fields: { field: string; message: string }[]): HttpError {
  const listed = fields.slice(0, MAX_FIELDS);
  const message = listed
    .slice(0, 5)
    .map((f) => (f.message.startsWith(f.field) ? f.message : `${f.field}: ${f.message}`))
    .join('; ');
  return new HttpError(400, 'invalid_request', message, { fields: listed });
}

/** JSON nested deeper than this is refused: no request of this API needs more than three levels. */
const MAX_BODY_DEPTH = 16;
/** C0 controls other than tab, newline and carriage return, and DEL: never part of a prompt or an id. */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** A surrogate code unit outside a pair: not Unicode text, and not storable as UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The first problem with the text of a parsed body, whatever its schema: nesting beyond
 * {@link MAX_BODY_DEPTH}, a lone surrogate, or a control character in any string or key. Checked
 * before the schema, so nothing downstream (DynamoDB, a provider, a log) sees such text.
 */
function textProblem(value: unknown): { field: string; message: string } | undefined {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: item, path } = stack.pop()!;
    const field = path.length ? path.join('.') : 'body';
    if (path.length > MAX_BODY_DEPTH) return { field: 'body', message: `body is nested too deeply (at most ${MAX_BODY_DEPTH} levels)` };
    if (typeof item === 'string') {
      if (LONE_SURROGATE.test(item)) return { field, message: `${field} is not valid Unicode text (it holds a lone surrogate)` };
      if (CONTROL_CHARACTERS.test(item)) return { field, message: `${field} must not contain control characters` };
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        const name = quoted(key);
        if (LONE_SURROGATE.test(key) || CONTROL_CHARACTERS.test(key)) return { field: [...path, name].join('.'), message: `${name} is not a known field` };
        stack.push({ value: child, path: [...path, name] });
      }
    }
  }
  return undefined;
}

/** Parses the JSON body with a schema; a missing, malformed or invalid body is a 400 naming the field. */
export function parseBody<S extends z.ZodType>(event: ApiEvent, schema: S): z.output<S> {
  const text = rawBody(event);
  if (!text.trim()) throw invalid([{ field: 'body', message: 'body is required (a JSON object)' }]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the input: not echoed.
    throw invalid([{ field: 'body', message: 'body is not valid JSON' }]);
  }
  const problem = textProblem(value);
  if (problem) throw invalid([problem]);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(fieldErrors(parsed.error));
  return parsed.data;
}

/** An optional request header checked with a schema; a bad one is a 400 naming the header. */
export function parseHeader<S extends z.ZodType>(event: ApiEvent, name: string, schema: S): z.output<S> | undefined {
  const value = header(event, name);
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(fieldErrors(parsed.error, name));
  return parsed.data;
}

/** Parses the query string parameters with a schema. */
export function parseQuery<S extends z.ZodType>(event: ApiEvent, schema: S): z.output<S> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw invalid(fieldErrors(parsed.error, 'query'));
  return parsed.data;
}

/**
 * A path parameter, checked with its schema before the handler looks anything up. A value that
 * cannot name anything (an over-long id, undecodable bytes, `..%2f`) is a 404 — there is no such
 * `what` — answered without a storage call and without echoing the value.
 */
export function pathParam<S extends z.ZodType>(event: ApiEvent, name: string, schema: S, what: string): z.output<S> {
  const raw = event.pathParameters?.[name];
  let value: string | undefined;
  try {
    value = raw === undefined ? undefined : decodeURIComponent(raw);
  } catch {
    value = undefined; // not percent-encoded text: nothing is named so
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(404, 'not_found', `No such ${what} (${parsed.error.issues[0]?.message ?? `bad ${name}`}).`);
  return parsed.data;
}

/**
 * AWS error names (`AccessDeniedException`, `ResourceNotFoundException`, `NoSuchBucket` …): the
 * codes of AWS's error shapes, which an answer never names (they tell an attacker what stands
 * behind the API). The log line keeps them.
 */
const AWS_ERROR_NAME = /\b(?:[A-Z][A-Za-z]*(?:Exception|Fault)|AccessDenied|NoSuch[A-Z][A-Za-z]*|ExpiredToken|InvalidAccessKeyId|SignatureDoesNotMatch)\b/g;

/**
 * A setting's problem names the setting; any ARN in it (a secret's) and any AWS error name stay
 * in the logs.
 */
export function withoutResourceNames(message: string): string {
  return message.replace(/arn:aws[a-z-]*:[^\s"',;)]+/g, '(a server resource)').replace(AWS_ERROR_NAME, 'an AWS error');
}

/** What an error answers, before it is an HTTP result: the status, the code and message, the extra fields and headers. */
export interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
  extra: Record<string, unknown>;
  headers: Record<string, string>;
}

/**
 * The answer an error gets (pure but for logging what a person must not see): the product's own
 * errors say what is wrong; anything else is logged in full and answered as an internal error.
 */
export function errorAnswer(error: unknown, requestId: string | undefined, logger: Pick<Logger, 'error' | 'warn'>): ErrorAnswer {
  const answer = (status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): ErrorAnswer => ({
    status,
    code,
    message,
    extra,
    headers,
  });
  if (error instanceof HttpError) return answer(error.status, error.code, error.message, error.extra, error.headers);
  if (error instanceof InsufficientCredits) {
    return answer(402, 'insufficient_credits', error.message, { balance: error.balance, needed: error.needed });
  }
  if (error instanceof NotFound) return answer(404, 'not_found', error.message);
  if (error instanceof InvalidInput) {
    const [field, ...rest] = error.message.split(': ');
    return answer(400, 'invalid_request', error.message, rest.length ? { fields: [{ field, message: rest.join(': ') }] } : {});
  }
  if (error instanceof IdempotencyKeyReused) return answer(422, 'idempotency_key_reused', error.message);
  if (error instanceof JobStateConflict) return answer(409, error.code, error.message);
  if (error instanceof LimitExceeded) {
    const { limit, max, retryAfterSeconds } = error;
    return answer(429, 'limit_exceeded', error.message, { limit, max, retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
  }
  if (error instanceof MissingConfiguration) {
    logger.error('not configured', { error, requestId });
    return answer(503, 'not_configured', withoutResourceNames(error.message));
  }
  if (error instanceof TransientError) {
    logger.warn('transient failure', { error });
    return answer(503, 'unavailable', 'The service is busy; try again in a moment.', {}, { 'retry-after': '1' });
  }
  logger.error('unhandled error', { error: error as Error, requestId });
  return answer(500, 'internal', 'Something went wrong on our side.');
}

/**
 * The answer for whatever a handler threw. Unknown errors (an AWS SDK error, a bug) and missing
 * settings are logged in full and answered without their details (which name roles, tables,
 * secrets): the answer carries the request id as the reference to find the log line by.
 */
export function errorResult(error: unknown, requestId: string | undefined, logger: Pick<Logger, 'error' | 'warn'>): ApiResult {
  const { status, code, message, extra, headers } = errorAnswer(error, requestId, logger);
  return json(status, { error: { code, message, ...extra, ...(requestId ? { requestId } : {}) } }, headers);
}

export interface RouteContext {
  event: ApiEvent;
  requestId?: string;
}

type Route<C> = (ctx: C) => Promise<ApiResult>;

/** A route's Lambda handler: an API Gateway event in, its answer out. */
export type RouteHandler = (event: ApiEvent) => Promise<ApiResult>;

export interface RouteOptions {
  /** The largest body this route takes (default {@link MAX_JSON_BODY_BYTES}); more is a 413. */
  maxBodyBytes?: number;
}

export interface UserRouteOptions extends RouteOptions {
  /**
   * Only a signed-in person may call it, never an API key (managing keys, buying credits): a key
   * is answered 403. Keep in step with the route's `sessionOnly` in routes.ts (the OpenAPI document).
   */
  sessionOnly?: boolean;
}

/** A handler for a route anyone may call (the Stripe webhook, the OpenAPI document). */
export function publicRoute(deps: Dependencies, run: Route<RouteContext>, options: RouteOptions = {}): (event: ApiEvent) => Promise<ApiResult> {
  const { logger } = deps.observability();
  return async (event) => {
    const requestId = event.requestContext?.requestId;
    try {
      // Not through CloudFront (the execute-api address): refused before anything else runs.
      if (!cameThroughCloudFront(event, await deps.originVerify())) return { ...NOT_THROUGH_CLOUDFRONT };
      checkBodySize(event, options.maxBodyBytes ?? MAX_JSON_BODY_BYTES);
      return await run({ event, ...(requestId ? { requestId } : {}) });
    } catch (error) {
      return errorResult(error, requestId, logger);
    }
  };
}

/**
 * A handler for a signed-in caller: the Clerk session token, or an API key, is verified before
 * `run` sees the request. A key needs the scope of the method (`read` for GET, else `write`), and
 * is refused on session-only routes; either is a 403 naming what is missing.
 */
export function userRoute(deps: Dependencies, run: Route<RouteContext & { caller: Caller }>, options: UserRouteOptions = {}): (event: ApiEvent) => Promise<ApiResult> {
  const auth = deps.auth();
  const { logger } = deps.observability();
  const keys = { store: () => deps.apiKeyStore() };
  return publicRoute(
    deps,
    async (ctx) => {
      const caller = await authenticate(ctx.event, auth, logger, keys);
      if (caller.via === 'apiKey') {
        if (options.sessionOnly) {
          throw new HttpError(403, 'session_required', 'This route needs a signed-in session (the dashboard); an API key cannot manage API keys or buy credits.');
        }
        const scope = scopeFor(ctx.event.requestContext?.http?.method ?? 'POST');
        if (!caller.scopes?.includes(scope)) {
          throw new HttpError(403, 'missing_scope', `This API key lacks the "${scope}" scope this request needs.`, { scope });
        }
      }
      return run({ ...ctx, caller });
    },
    options,
  );
}

/** A handler for operators: a signed-in caller with the admin role (docs/api.md), else 403. */
export function adminRoute(deps: Dependencies, run: Route<RouteContext & { caller: Caller }>, options: RouteOptions = {}): (event: ApiEvent) => Promise<ApiResult> {
  return userRoute(
    deps,
    async (ctx) => {
      if (!ctx.caller.admin) throw new HttpError(403, 'forbidden', 'This operator endpoint needs the admin role.');
      return run(ctx);
    },
    options,
  );
}
