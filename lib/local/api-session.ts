/**
 * A signed-in connection to the HTTP API for the CLI's commands that work through it (`shorts
 * batch`, `edit`, `regenerate`, `render`): a deployed API given with `--api` and a token, or an
 * in-process `shorts dev` on 127.0.0.1 signed in as the CLI's local user (the user `shorts
 * generate` makes its videos for), so both go through the same routes, checks and limits.
 */
import { rename, rm, writeFile } from 'node:fs/promises';

/** The user `shorts generate` and the local API commands act as. */
export const LOCAL_CLI_USER = 'local-cli';

export interface ApiSession {
  url: string;
  token: string;
  /** Locally: buys credits (simulated, through the real signature-checked webhook). Absent against `--api`. */
  buyCredits?: (credits: number) => Promise<void>;
  stop(): Promise<void>;
}

export class MissingToken extends Error {
  constructor() {
    super('--api needs a token: --token, or SHORTS_TOKEN in the environment.');
    this.name = 'MissingToken';
  }
}

/** Opens the session: `--api` (with `--token` or SHORTS_TOKEN), else a local server with its own data dir. */
export async function openApiSession(options: { api?: string; token?: string; dataDir?: string; report?: (line: string) => void }): Promise<ApiSession> {
  if (options.api) {
    const token = options.token ?? process.env.SHORTS_TOKEN;
    if (!token) throw new MissingToken();
    return { url: options.api.replace(/\/$/, ''), token, stop: async () => {} };
  }
  options.report?.('Starting the local cloud and the API on 127.0.0.1 …');
  const { startDevServer } = await import('./dev-server.js');
  const server = await startDevServer({ port: 0, quiet: true, ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  try {
    const post = async (path: string, body: unknown, token?: string) => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${path} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
      return (await response.json()) as Record<string, unknown>;
    };
    const { token } = (await post('/api/dev/session', { userId: LOCAL_CLI_USER })) as { token: string };
    const buyCredits = async (credits: number) => {
      for (let left = credits; left > 0; left -= 100) await post('/api/dev/purchase', { credits: Math.min(left, 100) }, token);
    };
    return { url: server.url, token, buyCredits, stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Downloads `url` to `file`, written whole or not at all (a partial file beside it, then a rename). */
export async function downloadTo(url: string, file: string, what = 'the video'): Promise<number> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Downloading ${what} failed with ${response.status}.`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const partial = `${file}.${process.pid}.partial`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return bytes.byteLength;
}
