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
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { descendants, processKind, sampleCpu } from './process-tree.js';

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
  /** Answers by status code (a non-2xx is a measurement of something else: say which). */
  statusCodes: Record<string, number>;
  /**
   * CPU seconds per 1,000 requests, by kind of process of `shorts dev`'s tree (node: the API,
   * the functions and the IAM gates; java: DynamoDB Local), and `bench` for autocannon, which
   * runs in this process on the same cores.
   */
  cpuPer1000: Record<string, number>;
}

export type ApiMeasurement =
  | { available: false; reason: string }
  | {
      available: true;
      rate: number;
      seconds: number;
      routes: RouteLatency[];
      /** PSS of `shorts dev`'s processes at the end, MB by kind (DynamoDB Local's JVM among them). */
      pssMb: Record<string, number>;
    };

/** More than any run sends: the bench's one user may order every video it asks for. */
const UNLIMITED = '1000000';

/**
 * Starts `shorts dev` (test/bench/api-dev.ts: the same command with the routes' throttles
 * raised) on a free port; resolves with its URL once it prints it.
 */
async function startDev(dataDir: string): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'test/bench/api-dev.ts'), dataDir], {
    // Enough credits for every create the run sends, and the user's limits (3 videos in
    // progress, 20 an hour by default) raised the way an operator would: every create is
    // accepted and runs the whole debit transaction, place-taking items included. Pipelines
    // never start (--max-running 0).
    env: {
      ...process.env,
      STARTING_CREDITS: UNLIMITED,
      MAX_ACTIVE_JOBS_PER_USER: UNLIMITED,
      MAX_JOBS_PER_USER_PER_HOUR: UNLIMITED,
      MAX_JOBS_PER_USER_PER_DAY: UNLIMITED,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    // Five minutes: the first start after a change of lambdas/ synthesizes the stack, which took
    // more than 90 s on the loaded machine.
    const timer = setTimeout(() => reject(new Error(`shorts dev printed no URL in 300 s:\n${output.slice(-2000)}`)), 300_000);
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

/** One measured phase: autocannon, with the CPU of the server's tree and of this process sampled around it. */
async function measure(route: string, serverPid: number, options: autocannon.Options): Promise<RouteLatency> {
  const server = sampleCpu(serverPid);
  const own = process.cpuUsage();
  const result = await fire(options);
  const ownSeconds = (() => {
    const used = process.cpuUsage(own);
    return (used.user + used.system) / 1e6;
  })();
  await server.stop();
  const per1000 = 1000 / Math.max(1, result.requests.total);
  const cpuPer1000: Record<string, number> = { bench: ownSeconds * per1000 };
  for (const [kind, seconds] of Object.entries(server.byKind())) cpuPer1000[kind] = seconds * per1000;
  const statusCodes: Record<string, number> = {};
  const stats = (result as { statusCodeStats?: Record<string, { count: number } | undefined> }).statusCodeStats ?? {};
  for (const [code, stat] of Object.entries(stats)) statusCodes[code] = stat?.count ?? 0;
  return {
    route,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    rate: result.requests.average,
    statusCodes,
    cpuPer1000,
  };
}

/** PSS (MB) of a process tree by kind, from /proc/<pid>/smaps_rollup. */
async function pssByKind(root: number): Promise<Record<string, number>> {
  const byKind: Record<string, number> = {};
  for (const { pid } of await descendants(root)) {
    const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    const kind = await processKind(pid);
    byKind[kind] = (byKind[kind] ?? 0) + Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0) / 1024;
  }
  return byKind;
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
    const pid = dev.child.pid!;
    const status = await measure('GET /api/videos/{id}', pid, { ...common, url: `${dev.url}/api/videos/${id}` });
    const create = await measure('POST /api/videos', pid, { ...common, url: `${dev.url}/api/videos`, method: 'POST', body });
    return { available: true, rate, seconds, routes: [create, status], pssMb: await pssByKind(pid) };
  } catch (error) {
    return { available: false, reason: `failed: ${(error as Error).message.split('\n')[0]}` };
  } finally {
    await dev?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
