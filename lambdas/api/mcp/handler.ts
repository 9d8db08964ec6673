// The composition root first: in the cloud bundle its modules initialize zod, which the SDK's
// modules use as they load (test/cloud/bundle.test.ts loads the bundle).
import { fromEnvironment } from '../../shared/dependencies.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { mcpServer, type RouteAnswer, type RouteCall } from '../../mcp/server.js';
import { createVideoHandler } from '../create-video/handler.js';
import { getCreditsHandler } from '../get-credits/handler.js';
import { getVideoHandler } from '../get-video/handler.js';
import { HttpError, rawBody, userRoute, type ApiEvent, type ApiResult, type RouteHandler } from '../http.js';
import { listVideosHandler } from '../list-videos/handler.js';
import { listVoicesHandler } from '../list-voices/handler.js';
import { API_ROUTES, routeKey } from '../routes.js';

const deps = fromEnvironment();
const { logger } = deps.observability();

/**
 * The routes the tools run, built in this function from its own dependencies: the same handlers
 * the routes' own functions run, so a tool checks, debits, limits and answers exactly as its
 * route does (the caller's token checked again by each, as its route would).
 */
const ROUTES: Record<string, RouteHandler> = {
  CreateVideo: await createVideoHandler(deps),
  GetVideo: getVideoHandler(deps),
  ListVideos: listVideosHandler(deps),
  GetCredits: getCreditsHandler(deps),
  ListVoices: await listVoicesHandler(deps),
};

/** Headers of the MCP request that are not the caller's to pass on: the transport's, and the body's own. */
const OWN_HEADERS = new Set(['content-length', 'content-type', 'accept', 'mcp-session-id', 'mcp-protocol-version', 'idempotency-key', 'last-event-id']);

/**
 * The event API Gateway would give the route for this call: the MCP request's caller (its
 * Authorization, its cookies, the origin's headers) and request context, the route's method and
 * path, and the tool's arguments as its path parameters, query string and JSON body.
 */
export function routeEvent(event: ApiEvent, routeId: string, call: RouteCall): ApiEvent {
  const route = API_ROUTES.find((r) => r.id === routeId);
  if (!route) throw new Error(`No route ${routeId} in the route table.`);
  const pathParameters = Object.fromEntries(Object.entries(call.pathParameters ?? {}).map(([name, value]) => [name, encodeURIComponent(value)]));
  const rawPath = route.path.replace(/\{(\w+)\}/g, (_, name: string) => pathParameters[name] ?? '');
  const caller = Object.fromEntries(Object.entries(event.headers ?? {}).filter(([name]) => !OWN_HEADERS.has(name.toLowerCase())));
  const query = call.query ?? {};
  return {
    ...event,
    routeKey: routeKey(route),
    rawPath,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: { ...caller, ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}), ...call.headers },
    ...(Object.keys(query).length ? { queryStringParameters: query } : { queryStringParameters: undefined }),
    ...(Object.keys(pathParameters).length ? { pathParameters } : { pathParameters: undefined }),
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    isBase64Encoded: false,
    requestContext: { ...event.requestContext, routeKey: routeKey(route), http: { ...event.requestContext.http, method: route.method, path: rawPath } },
  };
}

/** The route's answer as the tool reads it: status and JSON body. */
function answerOf(result: ApiResult): RouteAnswer {
  let body: unknown;
  try {
    body = result.body ? JSON.parse(result.body) : undefined;
  } catch {
    body = undefined; // every route answers JSON; a tool gets no text it did not expect
  }
  return { status: result.statusCode ?? 200, body };
}

/** The API Gateway event as the web-standard Request the SDK's transport takes. */
function webRequest(event: ApiEvent): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers.set(name, value);
  return new Request(`https://${event.requestContext.domainName ?? 'localhost'}${event.rawPath}`, { method: 'POST', headers, body: rawBody(event) });
}

/** The API's codes for the transport's refusals (a message that is not JSON-RPC, a wrong Accept or Content-Type). */
const TRANSPORT_CODES: Record<number, string> = {
  400: 'invalid_request',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_media_type',
};

/**
 * The transport refused the request (its body is a JSON-RPC error without an id): answered in the
 * API's error shape like every other refusal, the JSON-RPC code kept as `jsonrpcCode`. MCP clients
 * read only the status of such an answer.
 */
async function transportError(response: Response): Promise<HttpError> {
  let error: { code?: unknown; message?: unknown } | undefined;
  try {
    error = ((await response.json()) as { error?: { code?: unknown; message?: unknown } }).error;
  } catch {
    error = undefined;
  }
  const message = typeof error?.message === 'string' ? error.message : 'This is not an MCP request this server takes.';
  return new HttpError(response.status, TRANSPORT_CODES[response.status] ?? 'invalid_request', message, typeof error?.code === 'number' ? { jsonrpcCode: error.code } : {});
}

/**
 * POST /api/mcp: the MCP server over Streamable HTTP, stateless (no session: each request a new
 * server and transport) with JSON answers, for a signed-in caller; each tool call runs its route
 * for that caller.
 */
export const handler = userRoute(deps, async ({ event }) => {
  const server = mcpServer(
    async (routeId, call) => {
      const run = ROUTES[routeId];
      if (!run) throw new Error(`The MCP function does not run the route ${routeId}.`);
      return answerOf(await run(routeEvent(event, routeId, call)));
    },
    (error) => logger.error('MCP tool failed', { error: error as Error }),
  );
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
  await server.connect(transport);
  try {
    const response = await transport.handleRequest(webRequest(event));
    if (response.status >= 400) throw await transportError(response);
    return {
      statusCode: response.status,
      headers: { ...Object.fromEntries(response.headers.entries()), 'cache-control': 'no-store' },
      body: await response.text(),
    };
  } finally {
    await server.close();
  }
});
