/**
 * A small HTTP server on 127.0.0.1 for vendor stubs: records every request, and plays
 * scripted faults (an error status, a hung response, a reset connection, a broken JSON body)
 * on the next requests to a named route before answering normally.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  route: string;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, when it was JSON. */
  json?: unknown;
}

/** What a stub can do instead of answering properly. */
export type Fault =
  /** Answer with this status, body (JSON-encoded unless a string) and headers. */
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Read the request, then never answer (until the stub stops): a client timeout. */
  | 'hang'
  /** Destroy the connection without an answer: ECONNRESET / "other side closed". */
  | 'reset'
  /** 200 with `Content-Type: application/json` and a truncated JSON body. */
  | 'malformed-json';

export interface StubContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  body: string;
  json?: unknown;
}

/** Matches a request to a route name and its handler; returns undefined when nothing matches. */
export type Router = (method: string, path: string) => { route: string; handle: (ctx: StubContext) => Promise<void> | void } | undefined;

export interface StubServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  readonly requests: RecordedRequest[];
  /** Queues faults for the next requests to `route` ('*' for any route), in order. */
  fail(route: string, ...faults: Fault[]): void;
  /** Requests recorded for one route. */
  requestsTo(route: string): RecordedRequest[];
  /** Forgets recorded requests and queued faults. */
  reset(): void;
  stop(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text).toString(), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function playFault(fault: Fault, res: ServerResponse): void {
  if (fault === 'hang') return; // the socket stays open until stop()
  if (fault === 'reset') {
    res.socket?.destroy();
    return;
  }
  if (fault === 'malformed-json') {
    const text = '{"id": "broken", "choices": [{"message": ';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text).toString() });
    res.end(text);
    return;
  }
  const body = fault.body === undefined ? '' : typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body);
  const contentType = typeof fault.body === 'string' ? 'text/plain' : 'application/json';
  res.writeHead(fault.status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body).toString(), ...fault.headers });
  res.end(body);
}

export interface StubServerOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Called for every request as it arrives (serve.ts logs them). */
  onRequest?: (request: RecordedRequest) => void;
}

/** Starts a stub on 127.0.0.1 (port 0: any free port unless given). */
export async function startStubServer(name: string, router: Router, options: StubServerOptions = {}): Promise<StubServer> {
  const requests: RecordedRequest[] = [];
  const faults: { route: string; fault: Fault }[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(req);
      let json: unknown;
      if (body && /json/.test(req.headers['content-type'] ?? '')) {
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
      }
      const match = router(req.method ?? 'GET', url.pathname);
      const route = match?.route ?? 'unknown';
      const recorded: RecordedRequest = { route, method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, ...(json === undefined ? {} : { json }) };
      requests.push(recorded);
      options.onRequest?.(recorded);
      const index = faults.findIndex((f) => f.route === route || f.route === '*');
      if (index >= 0) {
        const [{ fault }] = faults.splice(index, 1) as [{ route: string; fault: Fault }];
        playFault(fault, res);
        return;
      }
      if (!match) {
        sendJson(res, 404, { error: `${name} stub: no route for ${req.method} ${url.pathname}` });
        return;
      }
      await match.handle({ req, res, url, body, ...(json === undefined ? {} : { json }) });
    })().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `${name} stub failed: ${(error as Error).message}` });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    fail(route, ...list) {
      for (const fault of list) faults.push({ route, fault });
    },
    requestsTo(route) {
      return requests.filter((r) => r.route === route);
    },
    reset() {
      requests.length = 0;
      faults.length = 0;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy(); // hung responses included
      });
      return stopped;
    },
  };
}
