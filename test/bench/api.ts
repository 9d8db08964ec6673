/**
 * API latency under a fixed request rate: `shorts dev` (the local API server built from the
 * same route table as API Gateway's) as its own process, with pipelines held back
 * (`--max-running 0`) so only the API, the job store and the queue are measured. autocannon
 * sends creates (POST /api/videos) and status reads (GET /api/videos/{id}) at a fixed rate.
 *
 * Lights up by itself once lib/local/dev-server.ts exists; until then it reports why not.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';

export const DEV_SERVER_MODULE = 'lib/local/dev-server.ts';

export interface RouteLatency {
  route: string;
  requests: number;
  /** Responses that were not 2xx (a rejected create counts here, not as latency). */
  non2xx: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests per second actually achieved. */
  rate: number;
}

export type ApiMeasurement = { available: false; reason: string } | { available: true; rate: number; seconds: number; routes: RouteLatency[] };

/** Starts `shorts dev` on a free port; resolves with its URL once it prints it. */
async function startDev(dataDir: string): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(process.cwd(), 'bin/shorts.mjs'), 'dev', '--port', '0', '--max-running', '0', '--data-dir', dataDir], {
    // Enough credits for every create the run sends; pipelines never start (--max-running 0).
    env: { ...process.env, STARTING_CREDITS: '1000000', POWERTOOLS_LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`shorts dev printed no URL in 90 s:\n${output.slice(-2000)}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    // Keep draining: the server logs every request, and a full pipe would stall it.
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`shorts dev exited with ${code}:\n${output.slice(-2000)}`));
    });
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    });
  return { url, child, stop };
}

async function fire(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on('error', reject);
  });
}

function summarize(route: string, result: autocannon.Result): RouteLatency {
  return {
    route,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    rate: result.requests.average,
  };
}

export async function measureApi(root: string, { rate = 200, seconds = 10 } = {}): Promise<ApiMeasurement> {
  if (!existsSync(join(process.cwd(), DEV_SERVER_MODULE))) {
    return { available: false, reason: 'not available yet (needs `shorts dev`)' };
  }
  const dataDir = await mkdtemp(join(root, 'api-'));
  let dev: Awaited<ReturnType<typeof startDev>> | undefined;
  try {
    dev = await startDev(dataDir);
    const session = await fetch(`${dev.url}/api/dev/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'bench' }),
    });
    if (!session.ok) return { available: false, reason: `POST /api/dev/session answered ${session.status}` };
    const { token } = (await session.json()) as { token: string };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ prompt: 'Why octopuses have three hearts', seconds: 30 });

    const first = await fetch(`${dev.url}/api/videos`, { method: 'POST', headers, body });
    if (!first.ok) return { available: false, reason: `POST /api/videos answered ${first.status}: ${(await first.text()).slice(0, 300)}` };
    const created = (await first.json()) as { id?: string; jobId?: string; video?: { id?: string } };
    const id = created.id ?? created.jobId ?? created.video?.id;
    if (!id) return { available: false, reason: `POST /api/videos returned no id: ${JSON.stringify(created).slice(0, 300)}` };

    const common = { connections: 20, duration: seconds, overallRate: rate, headers };
    // Warm up both routes (JIT, SDK connections, and DynamoDB Local's JVM, whose transactions
    // cost ~3x more CPU for their first thousand or so) before measuring.
    await fire({ ...common, url: `${dev.url}/api/videos/${id}`, duration: 2 });
    await fire({ ...common, url: `${dev.url}/api/videos`, method: 'POST', body, duration: 5 });
    const status = summarize('GET /api/videos/{id}', await fire({ ...common, url: `${dev.url}/api/videos/${id}` }));
    const create = summarize('POST /api/videos', await fire({ ...common, url: `${dev.url}/api/videos`, method: 'POST', body }));
    return { available: true, rate, seconds, routes: [create, status] };
  } catch (error) {
    return { available: false, reason: `failed: ${(error as Error).message.split('\n')[0]}` };
  } finally {
    await dev?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
