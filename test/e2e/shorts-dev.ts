/** Runs `shorts dev` (bin/shorts.mjs, as `npx shorts dev` does) as a child process on a free port. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ShortsDev {
  url: string;
  /** The CLI's process id (its emulators are its descendants). */
  pid: number;
  /** Everything it printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export async function startShortsDev(options: { dataDir: string; env?: Record<string, string>; timeoutMs?: number; args?: string[] }): Promise<ShortsDev> {
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(ROOT, 'bin', 'shorts.mjs'), 'dev', '--port', '0', '--data-dir', options.dataDir, ...(options.args ?? [])],
    { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`shorts dev did not start within ${options.timeoutMs ?? 60_000} ms:\n${log}`)), options.timeoutMs ?? 60_000);
    const check = () => {
      const found = /ai-shorts is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`shorts dev exited (${code}) before it was ready:\n${log}`));
    });
  });

  let stopping: Promise<void> | undefined;
  return {
    url,
    pid: child.pid!,
    output: () => log,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null) return;
        child.kill('SIGTERM');
        const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20_000))]);
        if (!killed) {
          child.kill('SIGKILL');
          await exited;
        }
      })();
      return stopping;
    },
  };
}
