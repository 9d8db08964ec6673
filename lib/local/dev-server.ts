/**
 * `npx shorts dev`: the whole app on one machine. The embedded cloud (DynamoDB Local, the S3
 * server, the pipeline ASL runner), an SQS server with the jobs queue and its DLQ, a poller that
 * feeds the queue to the same dispatcher handler Lambda runs, the sweeper on a timer, and the
 * HTTP API built from the same route table as API Gateway's — all on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SweepReport } from '../../lambdas/core/jobs/sweep.js';
import { ENV } from '../../lambdas/shared/env.js';
import { loadRoutes, startApiServer, type ApiServer } from './api-server.js';
import { devSigner } from './dev-auth.js';
import { LocalPipelineStarter } from './local-pipeline-starter.js';
import { startQueuePoller, type QueuePoller } from './queue-poller.js';
import { startLocalRuntime, type LocalRuntime } from './runtime.js';
import { startSqsServer, type SqsServer } from './sqs-server.js';
import type { RunnerOptions } from './state-machine-runner.js';

export const DEFAULT_DEV_PORT = 3000;
/** One render keeps two cores busy; more at once only makes each slower. */
export const DEFAULT_LOCAL_MAX_RUNNING = 1;

export interface DevServerOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default 3000. */
  port?: number;
  dataDir?: string;
  /** Keep DynamoDB and the queue in memory (tests). */
  inMemory?: boolean;
  /** Pipelines at once (MAX_RUNNING_PIPELINES); 0 leaves every job queued. Default the env, else 1. */
  maxRunningPipelines?: number;
  /** Credits a new user gets (STARTING_CREDITS). Default the env, else 3. */
  startingCredits?: number;
  /** State-machine runner options (tests inject failures and shorten waits). */
  runner?: RunnerOptions;
  /** Where the built dashboard is served from. Default frontend/dist. */
  staticDir?: string;
  /** How often the sweeper runs. Default 30 s. */
  sweepIntervalMs?: number;
  quiet?: boolean;
  /** Told about each answered request. */
  onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
  onError?: (what: string, error: unknown) => void;
}

export interface DevServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  dataDir: string;
  runtime: LocalRuntime;
  starter: LocalPipelineStarter;
  sqs: SqsServer;
  /** Runs the sweeper now (it also runs on a timer). */
  sweep(options?: { recovery?: boolean }): Promise<SweepReport>;
  /** Stops everything in reverse order and restores the environment. Safe to call twice. */
  stop(): Promise<void>;
}

/** The local webhook secret: STRIPE_WEBHOOK_SECRET, else one made once and kept in the data directory. */
async function webhookSecret(dataDir: string): Promise<string> {
  const fromEnv = process.env[ENV.STRIPE_WEBHOOK_SECRET];
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, 'auth', 'stripe-webhook-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = `whsec_local_${randomBytes(24).toString('hex')}`;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, secret, { mode: 0o600 });
    return secret;
  }
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const runtime = await startLocalRuntime({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.inMemory ? { inMemory: true } : {}),
    ...(options.runner ? { runner: options.runner } : {}),
    ...(options.quiet ? { quiet: true } : {}),
  });
  const saved = new Map<string, string | undefined>();
  const setEnv = (name: string, value: string) => {
    if (!saved.has(name)) saved.set(name, process.env[name]);
    process.env[name] = value;
  };
  const cleanups: (() => Promise<void> | void)[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          options.onError?.('stopping', error);
        }
      }
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await runtime.stop();
    })());

  try {
    const sqs = await startSqsServer(options.inMemory ? {} : { dataDir: path.join(runtime.dataDir, 'sqs') });
    cleanups.push(() => sqs.stop());
    const signer = await devSigner(runtime.dataDir);
    const secret = await webhookSecret(runtime.dataDir);

    setEnv('AWS_ENDPOINT_URL_SQS', sqs.endpoint);
    setEnv(ENV.JOBS_QUEUE_URL, sqs.queueUrl);
    setEnv(ENV.JOBS_DLQ_URL, sqs.dlqUrl);
    setEnv(ENV.CLERK_JWT_KEY, signer.publicKeyPem);
    setEnv(ENV.STRIPE_WEBHOOK_SECRET, secret);
    setEnv(ENV.MAX_RUNNING_PIPELINES, String(options.maxRunningPipelines ?? process.env[ENV.MAX_RUNNING_PIPELINES] ?? DEFAULT_LOCAL_MAX_RUNNING));
    setEnv(ENV.DISPATCH_RETRY_SECONDS, process.env[ENV.DISPATCH_RETRY_SECONDS] ?? '5');
    if (options.startingCredits !== undefined) setEnv(ENV.STARTING_CREDITS, String(options.startingCredits));

    // The handlers (and the composition root behind them) are loaded once the environment is set.
    const apiContainer = await import('../../lambdas/shared/api-container.js');
    const { maxRunningPipelines } = await import('../../lambdas/shared/api-config.js');
    const { handler: dispatch } = await import('../../lambdas/queue/dispatch/handler.js');
    const { handler: sweepHandler } = await import('../../lambdas/queue/sweep/handler.js');

    const starter = new LocalPipelineStarter(runtime.runner);
    apiContainer.providePipelineStarter(starter);
    cleanups.push(() => apiContainer.providePipelineStarter(undefined));
    // /api/health probes the in-process runner where AWS would describe the state machine.
    const opsContainer = await import('../../lambdas/shared/ops-container.js');
    opsContainer.provideStateMachineProbe({
      name: 'stateMachine',
      target: 'local ASL runner',
      check: async () => `local runner, ${runtime.runner.runningCount} execution(s) running`,
    });
    cleanups.push(() => opsContainer.provideStateMachineProbe(undefined));

    const { devRoutes } = await import('./dev-routes.js');
    const routes = [...(await loadRoutes()), ...devRoutes({ signer, webhookSecret: () => secret })];
    const api: ApiServer = await startApiServer({
      routes,
      port: options.port ?? DEFAULT_DEV_PORT,
      ...(options.staticDir ? { staticDir: options.staticDir } : {}),
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
      onError: (error) => options.onError?.('request', error),
    });
    cleanups.push(() => api.close());
    // Tokens are minted for the origin they are asked from; both spellings of loopback are fine.
    const parties = [api.url, `http://localhost:${api.port}`, ...(process.env[ENV.CLERK_AUTHORIZED_PARTIES] ?? '').split(',').filter(Boolean)];
    setEnv(ENV.CLERK_AUTHORIZED_PARTIES, [...new Set(parties)].join(','));
    setEnv(ENV.APP_URL, process.env[ENV.APP_URL] || api.url);

    let sweeping: Promise<SweepReport> | undefined;
    const sweep = (sweepOptions: { recovery?: boolean } = {}) => {
      sweeping ??= sweepHandler(sweepOptions).finally(() => (sweeping = undefined));
      return sweeping;
    };
    // After a restart: executions died with the old process and in-memory queues lost their messages.
    await sweep({ recovery: true });

    const sqsClient = new SQSClient({});
    cleanups.push(() => sqsClient.destroy());
    const poller: QueuePoller = startQueuePoller({
      client: sqsClient,
      queueUrl: sqs.queueUrl,
      handler: dispatch,
      capacity: async () => maxRunningPipelines() - (await apiContainer.jobIndex().countByStatus('RUNNING')),
      idleMs: 500,
      onError: (error) => options.onError?.('queue', error),
    });
    cleanups.push(() => poller.stop());
    // Executions die with the process; the next start re-drives their jobs.
    cleanups.push(() => runtime.runner.abortAll());

    const timer = setInterval(() => {
      sweep().catch((error: unknown) => options.onError?.('sweep', error));
    }, options.sweepIntervalMs ?? 30_000);
    timer.unref();
    cleanups.push(async () => {
      clearInterval(timer);
      await sweeping?.catch(() => undefined);
    });

    return { url: api.url, port: api.port, dataDir: runtime.dataDir, runtime, starter, sqs, sweep, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `npx shorts dev`: runs until Ctrl-C (or SIGTERM), then shuts down in order. */
export async function runDevCommand(options: { port: number; dataDir?: string; maxRunning?: number }): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const { validateProviderConfig } = await import('../../lambdas/shared/container.js');
  const providers = await validateProviderConfig();
  process.stderr.write('Starting the local cloud (DynamoDB Local, S3, SQS) …\n');
  const server = await startDevServer({
    port: options.port,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.maxRunning !== undefined ? { maxRunningPipelines: options.maxRunning } : {}),
    onRequest: ({ method, path: p, status, ms }) => process.stdout.write(`${method} ${p} ${status} ${ms} ms\n`),
    onError: (what, error) => process.stderr.write(`error (${what}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
  });
  process.stdout.write(
    [
      '',
      `ai-shorts is running at ${server.url}`,
      `  data         ${server.dataDir}`,
      `  providers    ${Object.entries(providers).map(([k, v]) => `${k}=${v}`).join(' ')}`,
      `  pipelines    at most ${process.env[ENV.MAX_RUNNING_PIPELINES]} at once`,
      `  API          ${server.url}/api (OpenAPI: ${server.url}/api/openapi.json)`,
      `  sign in      curl -s -X POST ${server.url}/api/dev/session -d '{"userId":"me"}'`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write('Stopping now.\n');
        process.exit(130);
      }
      stopping = true;
      process.stderr.write(`\n${signal}: stopping (running videos resume on the next start) …\n`);
      server.stop().then(resolve, (error: unknown) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
