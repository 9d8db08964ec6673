/**
 * The local HTTP server: the same route table and handler modules the API Lambdas use, fed
 * API Gateway HTTP API (payload v2) events made from Node requests, so a route behaves the same
 * behind API Gateway and here. Anything outside /api is the dashboard (frontend/dist) when it is
 * built, or a short page saying it is not.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { API_ROUTES, routeKey, type ApiRoute } from '../../lambdas/api/routes.js';
import type { FunctionContract } from './contract/types.js';
import { FunctionError, InvokeError, type FunctionHost } from './function-host.js';
import { TOO_MANY_REQUESTS, type GatewayThrottle } from './gateway-throttle.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the dashboard's build lands (`vite build`). */
export const FRONTEND_DIST = path.join(ROOT, 'frontend', 'dist');
/**
 * API Gateway HTTP APIs take request bodies up to 10 MB and pass them on: the functions refuse
 * what is over their own limits (Lambda's 6 MB, then the product's, lambdas/api/http.ts).
 */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/**
 * After a body went over the limit, how much more is read (and dropped) before answering, so the
 * client, still sending, reads the 413 instead of a reset connection; past this the connection is
 * closed after the answer.
 */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_MAX_MS = 10_000;

export type RouteHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export interface LocalRoute {
  method: string;
  path: string;
  summary: string;
  handler: RouteHandler;
}

/** API Gateway's own answers when the integration fails (HTTP API, Lambda proxy integration). */
const GATEWAY_ERRORS = {
  internal: { statusCode: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Internal Server Error' }) },
  tooLarge: { statusCode: 413, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Request Entity Too Large' }) },
} satisfies Record<string, APIGatewayProxyStructuredResultV2>;

/**
 * The deployed routes as API Gateway serves them: each route of the contract invokes its own
 * function through the local Lambda (its environment, identity, limits). A function that fails
 * or times out gets API Gateway's 500; an event over Lambda's 6 MB, its 413.
 */
export function contractRoutes(host: FunctionHost, functions: readonly Pick<FunctionContract, 'id' | 'route'>[], routes: readonly ApiRoute[] = API_ROUTES): LocalRoute[] {
  return functions.flatMap((fn) => {
    if (!fn.route) return [];
    const summary = routes.find((r) => r.id === fn.id)?.summary ?? fn.id;
    const handler: RouteHandler = async (event) => {
      try {
        const result = (await host.invoke(fn.id, event)) as APIGatewayProxyStructuredResultV2 | unknown;
        // Payload format 2.0: an answer without a statusCode is a JSON body of a 200.
        if (result && typeof result === 'object' && 'statusCode' in result) return result as APIGatewayProxyStructuredResultV2;
        return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
      } catch (error) {
        if (error instanceof InvokeError && error.status === 413) return GATEWAY_ERRORS.tooLarge;
        if (error instanceof FunctionError || error instanceof InvokeError) return GATEWAY_ERRORS.internal;
        throw error;
      }
    };
    return [{ method: fn.route.method, path: fn.route.path, summary, handler }];
  });
}

interface CompiledRoute extends LocalRoute {
  pattern: RegExp;
  params: string[];
  literalSegments: number;
}

function compile(route: LocalRoute): CompiledRoute {
  const params: string[] = [];
  const segments = route.path.split('/').filter(Boolean);
  const pattern = segments
    .map((segment) => {
      const param = segment.match(/^\{(\w+)\}$/)?.[1];
      if (param) {
        params.push(param);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^/${pattern}/?$`), params, literalSegments: segments.length - params.length };
}

const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded|xml|[\w.+-]+\+json)|text\/)/i;

/** The request's body was over {@link GATEWAY_MAX_BODY_BYTES}; `drained` says whether all of it was read. */
class BodyTooLarge extends Error {
  constructor(readonly drained: boolean) {
    super('The body is larger than API Gateway takes (10 MB).');
    this.name = 'BodyTooLarge';
  }
}

/** The client closed the connection before its request was complete. */
class ClientGone extends Error {
  constructor() {
    super('The client closed the connection mid-request.');
    this.name = 'ClientGone';
  }
}

/** The announced Content-Length is over API Gateway's limit. */
function declaredTooLarge(req: IncomingMessage): boolean {
  const length = Number(req.headers['content-length']);
  return Number.isFinite(length) && length > GATEWAY_MAX_BODY_BYTES;
}

/**
 * The whole body, or {@link BodyTooLarge} once it is over the limit — thrown only after the rest
 * has been read and dropped (up to {@link DRAIN_MAX_BYTES} or {@link DRAIN_MAX_MS}), because
 * answering while the client still sends would make closing the connection reset it, and the
 * client would see no answer at all.
 */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    let timer: NodeJS.Timeout | undefined;
    const tooLarge = (drained: boolean) => {
      clearTimeout(timer);
      req.removeAllListeners('data');
      if (!drained) req.pause();
      reject(new BodyTooLarge(drained));
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (over) {
        if (size > GATEWAY_MAX_BODY_BYTES + DRAIN_MAX_BYTES) tooLarge(false);
        return;
      }
      if (size > GATEWAY_MAX_BODY_BYTES) {
        over = true;
        chunks.length = 0;
        timer = setTimeout(() => tooLarge(false), DRAIN_MAX_MS);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (over ? tooLarge(true) : resolve(Buffer.concat(chunks))));
    // The client went away mid-body: nobody is left to answer.
    req.on('close', () => {
      clearTimeout(timer);
      if (!req.complete) reject(new ClientGone());
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A whole HTTP/1.1 answer as bytes, for a socket no ServerResponse owns; the connection closes after it. */
function rawJsonAnswer(status: number, body: unknown): string {
  const text = JSON.stringify(body);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`;
}

/** Text from the request in an answer: short, never a 10 kB echo. */
function truncated(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A Node request as API Gateway's HTTP API (payload format 2.0) hands it to a Lambda. */
export function toApiGatewayEvent(
  req: IncomingMessage,
  body: Buffer,
  match: { route: { method: string; path: string }; pathParameters: Record<string, string> },
): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') {
      // API Gateway moves cookies out of the headers into `cookies`.
      cookies = (Array.isArray(value) ? value.join('; ') : value).split(/;\s*/).filter(Boolean);
      continue;
    }
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const textual = body.length === 0 || TEXT_TYPES.test(headers['content-type'] ?? 'application/json');
  const now = new Date();
  const key = routeKey(match.route);
  return {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(match.pathParameters).length ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: (headers.host ?? '127.0.0.1').split('.')[0] ?? 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, { statusCode: status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) });
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** A file of the built dashboard; unknown paths without an extension get index.html (client-side routes). */
async function serveStatic(res: ServerResponse, dir: string, pathname: string): Promise<boolean> {
  const root = path.resolve(dir);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false; // not percent-encoded text: no file is named so
  }
  if (decoded.includes('\0')) return false;
  let file = path.resolve(root, `.${decoded}`);
  if (file !== root && !file.startsWith(`${root}${path.sep}`)) return false;
  let info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    file = path.join(file, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if (!info?.isFile()) {
    if (path.extname(pathname)) return false;
    file = path.join(root, 'index.html');
    info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return false;
  }
  const body = await readFile(file);
  const immutable = file.includes(`${path.sep}assets${path.sep}`);
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': String(body.length),
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(body);
  return true;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The page at / while the dashboard is not built: what this is, and the API to use meanwhile. */
export function placeholderPage(routes: readonly Pick<LocalRoute, 'method' | 'path' | 'summary'>[]): string {
  const rows = routes
    .map((r) => `<tr><td><code>${r.method}</code></td><td><code>${escapeHtml(r.path)}</code></td><td>${escapeHtml(r.summary)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ai-shorts (local)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
td{padding:.2rem .8rem .2rem 0;vertical-align:top}code{font-size:.9em}</style></head>
<body><h1>ai-shorts is running</h1>
<p>The dashboard is not built yet (no <code>frontend/dist</code>). The API is here; its OpenAPI document is at
<a href="/api/openapi.json">/api/openapi.json</a>.</p>
<p>Get a local session token with <code>curl -X POST -d '{"userId":"me"}' ${'$'}ORIGIN/api/dev/session</code>
and send it as <code>Authorization: Bearer &lt;token&gt;</code>.</p>
<table>${rows}</table></body></html>`;
}

export interface ApiServerOptions {
  routes: LocalRoute[];
  port?: number;
  /** Serve the dashboard from here when it exists. Default frontend/dist. */
  staticDir?: string;
  /** Told about every request when it is answered. */
  onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
  onError?: (error: unknown) => void;
  /** API Gateway's per-route throttle (gateway-throttle.ts): an empty bucket answers 429. None: no throttling. */
  throttle?: GatewayThrottle;
  /**
   * What the local CloudFront adds to every /api request it forwards (`runtime.originHeaders`),
   * replacing a client's own copies as CloudFront does. None: the server is the API's own address.
   */
  originHeaders?: Readonly<Record<string, string>>;
}

export interface ApiServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Starts the API on 127.0.0.1. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const routes = options.routes.map(compile).sort((a, b) => b.literalSegments - a.literalSegments);
  const staticDir = options.staticDir ?? FRONTEND_DIST;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://local');
    } catch {
      res.on('finish', () => options.onRequest?.({ method: req.method ?? '', path: truncated(req.url ?? ''), status: res.statusCode, ms: Date.now() - started }));
      return sendJson(res, 400, { error: { code: 'bad_request', message: 'The request target is not a valid path.' } });
    }
    res.on('finish', () => options.onRequest?.({ method: req.method ?? '', path: url.pathname, status: res.statusCode, ms: Date.now() - started }));
    void (async () => {
      try {
        if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
          const candidates = routes.map((route) => ({ route, match: url.pathname.match(route.pattern) })).filter((c) => c.match);
          if (candidates.length === 0) return sendJson(res, 404, { error: { code: 'not_found', message: `No route ${truncated(url.pathname)}.` } });
          const found = candidates.find((c) => c.route.method === req.method);
          if (!found) {
            const allow = [...new Set(candidates.map((c) => c.route.method))].join(', ');
            return sendJson(res, 405, { error: { code: 'method_not_allowed', message: `${req.method} is not allowed here; use ${allow}.` } }, { allow });
          }
          if (options.throttle && !options.throttle.take(routeKey(found.route))) return send(res, TOO_MANY_REQUESTS);
          const pathParameters = Object.fromEntries(found.route.params.map((name, i) => [name, found.match![i + 1]!]));
          const body = await readBody(req);
          const event = toApiGatewayEvent(req, body, { route: found.route, pathParameters });
          Object.assign(event.headers, options.originHeaders);
          return send(res, await found.route.handler(event));
        }
        if (req.method === 'GET' || req.method === 'HEAD') {
          if (existsSync(staticDir) && (await serveStatic(res, staticDir, url.pathname))) return;
          if (url.pathname === '/' || url.pathname === '/index.html') {
            const html = placeholderPage(routes).replace('$ORIGIN', `http://${req.headers.host ?? '127.0.0.1'}`);
            return send(res, { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html });
          }
        }
        sendJson(res, 404, { error: { code: 'not_found', message: `Nothing at ${truncated(url.pathname)}.` } });
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          // A body that was not read to its end leaves the connection unusable: close it after the answer.
          return sendJson(res, 413, { error: { code: 'too_large', message: error.message } }, error.drained ? {} : { connection: 'close' });
        }
        if (error instanceof ClientGone) return;
        options.onError?.(error);
        if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: 'Something went wrong on our side.' } });
      }
    })();
  };
  const server = createServer(handle);
  // `Expect: 100-continue`: an announced body over the limit is refused before it is sent.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (declaredTooLarge(req)) {
      return sendJson(res, 413, { error: { code: 'too_large', message: new BodyTooLarge(false).message } }, { connection: 'close' });
    }
    res.writeContinue();
    handle(req, res);
  });
  // CONNECT (a proxy tunnel): not a method of this API; Node would close the socket unanswered.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.end(rawJsonAnswer(405, { error: { code: 'method_not_allowed', message: 'CONNECT is not allowed here.' } }));
  });
  // Requests Node cannot parse (a bad request line, headers over its 16 KB): a JSON answer, then close.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    socket.end(
      rawJsonAnswer(status, {
        error: {
          code: status === 431 ? 'headers_too_large' : status === 408 ? 'timeout' : 'bad_request',
          message: status === 431 ? 'The request headers are too large.' : status === 408 ? 'The request took too long to arrive.' : 'The request is not valid HTTP.',
        },
      }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
