/**
 * Each function's own environment, in one process. On Lambda a function's process sees only the
 * variables its template gives it (and the runtime's own); here every function runs in this
 * process, so `process.env` is replaced, once, by a view that — inside a function's
 * AsyncLocalStorage context — is that function's environment, and outside any function the
 * process's real one. Everything a function runs — its module scope, the AWS SDK reading its
 * region, credentials and endpoints, Powertools, Remotion's client, child processes it spawns —
 * sees its environment and nothing of the parent's.
 *
 * What a function writes to stdout and stderr goes to its own log (as Lambda sends it to the
 * function's log group), not necessarily to this terminal.
 *
 * Writes to `process.env` inside a function stay in its environment (as on Lambda, where they
 * die with the sandbox); they do not reach the process's C-level environ, so settings a native
 * library reads at load time (MIMALLOC_*) are the local runtime's to set, outside any function.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

type Environment = Record<string, string | undefined>;

/** Where a function's output goes: its log. */
export type OutputSink = (text: string, stream: 'stdout' | 'stderr') => void;

interface FunctionScope {
  env: Environment;
  output?: OutputSink;
}

const storage = new AsyncLocalStorage<FunctionScope>();
let installed = false;
/** The process's own stdout and stderr writes, as they were before functions' output was redirected. */
const terminal = {
  stdout: process.stdout.write.bind(process.stdout) as (text: string) => boolean,
  stderr: process.stderr.write.bind(process.stderr) as (text: string) => boolean,
};

/** Writes to this process's terminal, whoever calls (a function's log echoed there must not loop back into its log). */
export function writeToTerminal(text: string, stream: 'stdout' | 'stderr' = 'stderr'): void {
  terminal[stream](text);
}

function install(): void {
  if (installed) return;
  installed = true;
  const real = process.env;
  const current = (): Environment => storage.getStore()?.env ?? real;
  const view = new Proxy(real, {
    get: (_target, key) => (typeof key === 'string' ? current()[key] : Reflect.get(real, key)),
    set: (_target, key, value) => {
      if (typeof key !== 'string') return Reflect.set(real, key, value);
      const env = storage.getStore()?.env;
      if (env) env[key] = String(value);
      else real[key] = String(value);
      return true;
    },
    has: (_target, key) => (typeof key === 'string' ? key in current() : Reflect.has(real, key)),
    deleteProperty: (_target, key) => {
      if (typeof key !== 'string') return Reflect.deleteProperty(real, key);
      delete current()[key];
      return true;
    },
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_target, key) => {
      if (typeof key !== 'string') return Reflect.getOwnPropertyDescriptor(real, key);
      const env = current();
      if (!(key in env)) return undefined;
      return { value: env[key], writable: true, enumerable: true, configurable: true };
    },
  });
  Object.defineProperty(process, 'env', { value: view, writable: true, enumerable: true, configurable: true });

  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const output = storage.getStore()?.output;
      if (!output) return write(chunk, ...rest);
      output(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'), name);
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  }
}

/** Runs `fn` (and everything it starts) with `env` as its `process.env`, and its output sent to `output` when given. */
export function withEnvironment<T>(env: Environment, fn: () => T, output?: OutputSink): T {
  install();
  return storage.run(output ? { env, output } : { env }, fn);
}

/** Whether the caller runs inside a function's environment. */
export function insideFunction(): boolean {
  return storage.getStore() !== undefined;
}
