/**
 * The HTTP plumbing the local IAM fronts share: a loopback server that closes every socket at
 * once when stopped, reading a request body, writing a wire response, and identifying the
 * caller of a JSON API.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accessKeyOf, type Principal, type Principals } from './principals.js';
import { invalidCredentials, missingAuthentication, type JsonServiceName, type WireResponse } from './errors.js';

export interface LoopbackServer {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  /** Closes the listener and every open connection at once (SDK clients keep sockets alive). */
  stop(): Promise<void>;
}

export async function listenOnLoopback(handler: RequestListener, port = 0, onStop?: () => void): Promise<LoopbackServer> {
  const server: Server = createServer({ keepAlive: true }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        onStop?.();
      })),
  };
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function send(res: ServerResponse, response: WireResponse): void {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}

/** The caller of a JSON API call, or the refusal to send: JSON APIs take no unsigned calls, and no unknown keys. */
export function identify(
  req: IncomingMessage,
  principals: Principals,
  service: JsonServiceName,
): { principal: Principal; refusal?: undefined } | { principal?: undefined; refusal: WireResponse } {
  const url = new URL(req.url ?? '/', 'http://local');
  const accessKeyId = accessKeyOf(req.headers, url.searchParams);
  if (!accessKeyId) return { refusal: missingAuthentication(service) };
  const principal = principals.byAccessKey(accessKeyId);
  return principal ? { principal } : { refusal: invalidCredentials(service) };
}

/** The operation of an awsJson call: `X-Amz-Target: DynamoDB_20120810.PutItem` → `PutItem`. */
export function targetOperation(req: IncomingMessage): { prefix: string; operation: string } | undefined {
  const target = req.headers['x-amz-target'];
  if (typeof target !== 'string') return undefined;
  const dot = target.lastIndexOf('.');
  return dot < 0 ? undefined : { prefix: target.slice(0, dot), operation: target.slice(dot + 1) };
}
