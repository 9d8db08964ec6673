/**
 * HTTP for hostile tests: `node:http` with the path sent as written (percent tricks, double
 * slashes, 10 kB segments), any header bytes Node lets through, bodies of any size (streamed,
 * optionally after `Expect: 100-continue`), and the outcome described rather than thrown: a
 * connection that closes without an answer is `dropped`, not an exception. `rawExchange` writes
 * bytes to a socket for what no HTTP client will send (a bad request line).
 */
import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawAnswer {
  /** 0 when the connection ended without an answer. */
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The answer parsed as JSON, or undefined when it is not JSON. */
  json: any;
  /** The server sent `100 Continue` before answering. */
  continued: boolean;
  /** The connection ended (reset, closed) before a whole answer arrived. */
  dropped: boolean;
  /** Why, when dropped. */
  error?: string;
}

export interface RawRequest {
  method: string;
  /** Sent as written (must be bytes 0x21–0xff; Node refuses others). */
  path: string;
  headers?: Record<string, string>;
  /** A body, or `{size}` to stream that many bytes of `fill` in 64 KiB chunks. */
  body?: string | Buffer | { size: number; fill?: string };
  /** Send `Expect: 100-continue` and the body only once the server says so. */
  expectContinue?: boolean;
  /** Leave Content-Length out (chunked transfer) for a streamed body. */
  chunked?: boolean;
  timeoutMs?: number;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One request over a fresh connection; never rejects. */
export function rawRequest(baseUrl: string, options: RawRequest): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const body = options.body;
  const size = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : Buffer.isBuffer(body) ? body.length : body.size;
  const headers: Record<string, string> = { connection: 'close', ...(options.headers ?? {}) };
  if (body !== undefined && !options.chunked) headers['content-length'] = String(size);
  if (options.chunked) headers['transfer-encoding'] = 'chunked';
  if (options.expectContinue) headers.expect = '100-continue';
  return new Promise<RawAnswer>((resolve) => {
    let continued = false;
    let settled = false;
    const done = (answer: RawAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const dropped = (error: string): RawAnswer => ({ status: 0, headers: {}, text: '', json: undefined, continued, dropped: true, error });
    const req = request({ host: url.hostname, port: url.port, method: options.method, path: options.path, headers, setHost: true });
    const timer = setTimeout(() => {
      req.destroy();
      done(dropped('timed out'));
    }, options.timeoutMs ?? 30_000);
    const writeBody = () => {
      if (body === undefined) return req.end();
      if (typeof body === 'string' || Buffer.isBuffer(body)) return req.end(body);
      const chunk = Buffer.alloc(64 * 1024, body.fill ?? 'a');
      let left = body.size;
      const pump = () => {
        while (left > 0) {
          const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
          left -= piece.length;
          if (!req.write(piece)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    };
    req.on('continue', () => {
      continued = true;
      writeBody();
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        done({ status: res.statusCode ?? 0, headers: res.headers, text, json: parse(text), continued, dropped: false });
      });
      res.on('error', (error) => done(dropped(error.message)));
    });
    // Writing into a connection the server closed after answering is expected; only no answer counts.
    req.on('error', (error) => setTimeout(() => done(dropped(`${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`)), 50));
    if (!options.expectContinue) writeBody();
    else req.flushHeaders();
  });
}

/** Writes `bytes` to the server's socket and returns whatever comes back before it closes. */
export function rawExchange(baseUrl: string, bytes: string | Buffer, timeoutMs = 10_000): Promise<{ text: string; status: number }> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ text, status: Number(text.match(/^HTTP\/1\.[01] (\d{3})/)?.[1] ?? 0) });
    };
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', finish);
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}
