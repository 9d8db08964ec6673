/**
 * Keeps a local render reachable from this machine only. Remotion's renderer serves the bundle
 * and its offthread-video proxy from a server it binds to every interface (`::` or `0.0.0.0`,
 * @remotion/renderer port-config.js; there is no option for the address), so while a video renders
 * locally, anyone on the network could fetch its bundle and assets. The offline render adapters
 * install this guard: in a process that renders locally, a listen on all interfaces is narrowed to
 * 127.0.0.1. Lambda never loads these adapters (Remotion Lambda renders there).
 */
import { Server } from 'node:net';

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);
const LOOPBACK = '127.0.0.1';

let installed = false;

/** `listen(…)`'s arguments with a wildcard or omitted host replaced by 127.0.0.1 (a pipe, path or handle is left alone). */
export function narrowedListenArguments(args: unknown[]): unknown[] {
  const [first, second] = args;
  if (first !== null && typeof first === 'object') {
    const options = first as { host?: unknown; path?: unknown; port?: unknown; fd?: unknown; handle?: unknown };
    const isTcp = options.path === undefined && options.fd === undefined && options.handle === undefined && !('_handle' in options);
    if (isTcp && (options.host === undefined || (typeof options.host === 'string' && WILDCARD_HOSTS.has(options.host)))) {
      return [{ ...options, host: LOOPBACK }, ...args.slice(1)];
    }
    return args;
  }
  const isPort = typeof first === 'number' || first === undefined || (typeof first === 'string' && /^\d+$/.test(first));
  if (!isPort) return args; // a Unix socket path
  if (typeof second === 'string') return WILDCARD_HOSTS.has(second) ? [first, LOOPBACK, ...args.slice(2)] : args;
  // listen(port[, backlog][, callback]): the host is implied (all interfaces).
  return [first ?? 0, LOOPBACK, ...args.slice(1)];
}

/** Installs the guard once per process (per worker thread: each has its own `net`). */
export function narrowWildcardListens(): void {
  if (installed) return;
  installed = true;
  const original = Server.prototype.listen;
  Server.prototype.listen = function (this: Server, ...args: unknown[]) {
    return (original as (...a: unknown[]) => Server).apply(this, narrowedListenArguments(args));
  } as typeof original;
}
