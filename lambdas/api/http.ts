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
  NotFound,
  TransientError,
} from '../core/errors.js';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Dependencies } from '../shared/dependencies.js';
import { MissingConfiguration } from '../shared/env.js';
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

/** Issues as `[{field, message}]`; the root of the body is called "body". */
export function fieldErrors(error: z.ZodError, root = 'body'): { field: string; message: string }[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: `${key} is not a known field` }));
    }
    return [{ field: issue.path.length ? issue.path.join('.') : root, message: issue.message }];
  });
}

function invalid(fields: { field: string; message: string }[]): HttpError {
  const message = fields
    .slice(0, 5)
    .map((f) => (f.message.startsWith(f.field) ? f.message : `${f.field}: ${f.message}`))
    .join('; ');
  return new HttpError(400, 'invalid_request', message, { fields });
}

/** Parses the JSON body with a schema; a missing, malformed or invalid body is a 400 naming the field. */
export function parseBody<S extends z.ZodType>(event: ApiEvent, schema: S): z.output<S> {
  const text = rawBody(event);
  if (!text.trim()) throw invalid([{ field: 'body', message: 'body is required (a JSON object)' }]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid([{ field: 'body', message: `body is not valid JSON (${(error as Error).message})` }]);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(fieldErrors(parsed.error));
  return parsed.data;
}

/** Parses the query string parameters with a schema. */
export function parseQuery<S extends z.ZodType>(event: ApiEvent, schema: S): z.output<S> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw invalid(fieldErrors(parsed.error, 'query'));
  return parsed.data;
}

/** A path parameter that the route table guarantees. */
export function pathParam(event: ApiEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new HttpError(400, 'invalid_request', `${name} is missing from the path`);
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // not percent-encoded text: no id looks like that, so it is simply not found
  }
}

/** A setting's problem names the setting; any ARN in it (a secret's) stays in the logs. */
function withoutResourceNames(message: string): string {
  return message.replace(/arn:aws[a-z-]*:[^\s"',;)]+/g, '(a server resource)');
}

/**
 * The answer for whatever a handler threw. Unknown errors (an AWS SDK error, a bug) and missing
 * settings are logged in full and answered without their details (which name roles, tables,
 * secrets): the answer carries the request id as the reference to find the log line by.
 */
export function errorResult(error: unknown, requestId: string | undefined, logger: Pick<Logger, 'error' | 'warn'>): ApiResult {
  const answer = (status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    json(status, { error: { code, message, ...extra, ...(requestId ? { requestId } : {}) } }, headers);
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
  if (error instanceof JobStateConflict) return answer(409, 'conflict', error.message);
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

export interface RouteContext {
  event: ApiEvent;
  requestId?: string;
}

type Route<C> = (ctx: C) => Promise<ApiResult>;

/** A handler for a route anyone may call (the Stripe webhook, the OpenAPI document). */
export function publicRoute(deps: Dependencies, run: Route<RouteContext>): (event: ApiEvent) => Promise<ApiResult> {
  const { logger } = deps.observability();
  return async (event) => {
    const requestId = event.requestContext?.requestId;
    try {
      // Not through CloudFront (the execute-api address): refused before anything else runs.
      if (!cameThroughCloudFront(event, await deps.originVerify())) return { ...NOT_THROUGH_CLOUDFRONT };
      return await run({ event, ...(requestId ? { requestId } : {}) });
    } catch (error) {
      return errorResult(error, requestId, logger);
    }
  };
}

/** A handler for a signed-in caller: the Clerk session token is verified before `run` sees the request. */
export function userRoute(deps: Dependencies, run: Route<RouteContext & { caller: Caller }>): (event: ApiEvent) => Promise<ApiResult> {
  const auth = deps.auth();
  const { logger } = deps.observability();
  return publicRoute(deps, async (ctx) => {
    const caller = await authenticate(ctx.event, auth, logger);
    return run({ ...ctx, caller });
  });
}

/** A handler for operators: a signed-in caller with the admin role (docs/api.md), else 403. */
export function adminRoute(deps: Dependencies, run: Route<RouteContext & { caller: Caller }>): (event: ApiEvent) => Promise<ApiResult> {
  return userRoute(deps, async (ctx) => {
    if (!ctx.caller.admin) throw new HttpError(403, 'forbidden', 'This operator endpoint needs the admin role.');
    return run(ctx);
  });
}
