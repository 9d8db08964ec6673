/**
 * `npx shorts dev`: the whole app on one machine, under the stack's contract. The local runtime
 * (every function of the template with its own environment and identity, IAM checked on every
 * call, the pipeline's state machine), the jobs queue with its DLQ, a poller doing what Lambda's
 * SQS event source does for the dispatcher, the sweeper on a timer as EventBridge runs it, and
 * the HTTP API built from the template's routes as CloudFront and API Gateway serve them (the
 * origin's headers added, each route's throttle) — all on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { SfnPipelineStarter } from '../../lambdas/adapters/aws/sfn-pipeline-starter.js';
import { SqsJobQueue } from '../../lambdas/adapters/aws/sqs-job-queue.js';
import type { ApiResult } from '../../lambdas/api/http.js';
import type { SweepReport } from '../../lambdas/core/jobs/sweep.js';
import type { JobQueue, PipelineStarter } from '../../lambdas/core/ports.js';
import { readConfig } from '../../lambdas/shared/config.js';
import { routeKey } from '../../lambdas/api/routes.js';
import { ENV } from '../../lambdas/shared/env.js';
import { contractRoutes, startApiServer, type ApiServer, type LocalRoute } from './api-server.js';
import { devSigner } from './dev-auth.js';
import { startQueuePoller, type QueuePoller } from './queue-poller.js';
import { ensureDashboardBuilt } from './dashboard-build.js';
import { GatewayThrottle } from './gateway-throttle.js';
import { localDataDir, startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from './runtime.js';
import type { RunnerOptions } from './state-machine-runner.js';

export const DEFAULT_DEV_PORT = 3000;
/** One render keeps two cores busy; more at once only makes each slower. */
export const DEFAULT_LOCAL_MAX_RUNNING = 1;
/** Seconds before a job that found every pipeline busy is looked at again (the stack's default is 30). */
const LOCAL_DISPATCH_RETRY_SECONDS = '5';

export interface DevServerOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default 3000. */
  port?: number;
  dataDir?: string;
  /** Keep DynamoDB and the queue in memory (tests). */
  inMemory?: boolean;
  /** Pipelines at once (MAX_RUNNING_PIPELINES); 0 leaves every job queued. Default the settings', else 1. */
  maxRunningPipelines?: number;
  /** Credits a new user gets (STARTING_CREDITS). Default the settings', else the stack's. */
  startingCredits?: number;
  /** The local deployment's settings (providers, keys, vendor endpoints). Default `process.env`. */
  settings?: Record<string, string | undefined>;
  /** State-machine runner options (tests stand in for functions and shorten waits). */
  runner?: RunnerOptions;
  /** Where the built dashboard is served from. Default frontend/dist. */
  staticDir?: string;
  /** How often the sweeper runs. Default 30 s. */
  sweepIntervalMs?: number;
  quiet?: boolean;
  /** Told about each answered request. */
  onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
  onError?: (what: string, error: unknown) => void;
  /** Changes the synthesized template before the runtime reads it (tests: a route's throttle lowered or raised). */
  alterTemplate?: LocalRuntimeOptions['alterTemplate'];
}

export interface DevServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  dataDir: string;
  runtime: LocalRuntime;
  /** Step Functions as the operator sees it (admin credentials, the local endpoint). */
  starter: PipelineStarter;
  /** The jobs queue as the operator sees it. */
  queue: JobQueue;
  /** Runs the sweeper function now (it also runs on a timer). */
  sweep(options?: { recovery?: boolean }): Promise<SweepReport>;
  /** Turns the dispatcher's event source off or on (AWS: UpdateEventSourceMapping Enabled); jobs wait in the queue meanwhile. */
  setDispatching(enabled: boolean): void;
  /** Stops everything in reverse order. Safe to call twice. */
  stop(): Promise<void>;
}

/** The local webhook secret: STRIPE_WEBHOOK_SECRET, else one made once and kept in the data directory. */
async function webhookSecret(dataDir: string, settings: Record<string, string | undefined>): Promise<string> {
  const fromSettings = settings[ENV.STRIPE_WEBHOOK_SECRET];
  if (fromSettings) return fromSettings;
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
  const settings = options.settings ?? process.env;
  const dataDir = localDataDir(options.dataDir, settings);
  await mkdir(dataDir, { recursive: true });
  const signer = await devSigner(dataDir);
  const secret = await webhookSecret(dataDir, settings);
  const maxRunning = String(options.maxRunningPipelines ?? settings[ENV.MAX_RUNNING_PIPELINES] ?? DEFAULT_LOCAL_MAX_RUNNING);

  const runtime = await startLocalRuntime({
    dataDir,
    settings,
    queue: true,
    ...(options.inMemory ? { inMemory: true } : {}),
    ...(options.runner ? { runner: options.runner } : {}),
    ...(options.quiet ? { quiet: true } : {}),
    ...(options.alterTemplate ? { alterTemplate: options.alterTemplate } : {}),
    choices: {
      [ENV.CLERK_JWT_KEY]: signer.publicKeyPem,
      [ENV.MAX_RUNNING_PIPELINES]: maxRunning,
      [ENV.DISPATCH_RETRY_SECONDS]: settings[ENV.DISPATCH_RETRY_SECONDS] ?? LOCAL_DISPATCH_RETRY_SECONDS,
      ...(options.startingCredits !== undefined ? { [ENV.STARTING_CREDITS]: String(options.startingCredits) } : {}),
    },
    secretValues: { [ENV.STRIPE_WEBHOOK_SECRET]: secret },
  });
  const { host, contract } = runtime;

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
      await runtime.stop();
    })());

  try {
    const admin = (service: 'stepFunctions' | 'sqs') => runtime.adminClientConfig(service);
    const sfn = new SFNClient(admin('stepFunctions'));
    const sqsAdmin = new SQSClient(admin('sqs'));
    cleanups.push(() => {
      sfn.destroy();
      sqsAdmin.destroy();
    });
    const starter = new SfnPipelineStarter({ client: sfn, stateMachineArn: contract.stateMachine.arn });
    const queue = new SqsJobQueue({ client: sqsAdmin, queueUrl: contract.queues.jobs.url });

    // Requests wait until the functions' origin-dependent settings are chosen (the port is known once it listens).
    let open!: () => void;
    const ready = new Promise<void>((resolve) => (open = resolve));
    const gated = (routes: LocalRoute[]): LocalRoute[] =>
      routes.map((route) => ({ ...route, handler: async (event) => (await ready, route.handler(event)) }));
    const { devRoutes } = await import('./dev-routes.js');
    const deployed = contractRoutes(host, Object.values(contract.functions));
    const webhook = deployed.find((route) => route.path === '/api/billing/webhook');
    let parties: string[] = [];
    const local = devRoutes({
      signer,
      webhookSecret: secret,
      authorizedParties: () => parties,
      deliverWebhook: async (event) => {
        if (!webhook) throw new Error('The stack declares no Stripe webhook route.');
        // Stripe calls the dashboard's URL: the event comes through CloudFront, with its origin headers.
        return (await webhook.handler({ ...event, headers: { ...event.headers, ...runtime.originHeaders } })) as ApiResult;
      },
      // Read as the function reads it (the same parser and default).
      creditPriceCents: () => readConfig(host.get('StripeWebhook').environment)[ENV.CREDIT_PRICE_CENTS],
    });
    // The server plays CloudFront (its origin headers on /api requests) and API Gateway (each route's throttle).
    const throttle = new GatewayThrottle(
      contract.api.throttle,
      deployed.map((route) => routeKey(route)),
    );
    const api: ApiServer = await startApiServer({
      routes: gated([...deployed, ...local]),
      throttle,
      originHeaders: runtime.originHeaders,
      port: options.port ?? DEFAULT_DEV_PORT,
      ...(options.staticDir ? { staticDir: options.staticDir } : {}),
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
      onError: (error) => options.onError?.('request', error),
    });
    cleanups.push(() => api.close());
    // Tokens are minted for the origin they are asked from; both spellings of loopback are fine.
    parties = [...new Set([api.url, `http://localhost:${api.port}`, ...(settings[ENV.CLERK_AUTHORIZED_PARTIES] ?? '').split(',').filter(Boolean)])];
    runtime.choose(ENV.CLERK_AUTHORIZED_PARTIES, parties.join(','));
    runtime.choose(ENV.APP_URL, settings[ENV.APP_URL] || api.url);
    open();

    let sweeping: Promise<SweepReport> | undefined;
    const sweep = (sweepOptions: { recovery?: boolean } = {}) => {
      sweeping ??= (host.invoke('SweepJobs', sweepOptions) as Promise<SweepReport>).finally(() => (sweeping = undefined));
      return sweeping;
    };
    // After a restart: executions died with the old process and in-memory queues lost their messages.
    await sweep({ recovery: true });

    // Lambda's SQS event source: it polls with the dispatcher's role and invokes the dispatcher.
    let dispatching = true;
    const dispatcherLimit = Number(host.get('DispatchJobs').environment[ENV.MAX_RUNNING_PIPELINES] ?? maxRunning);
    const poller: QueuePoller = host.within('DispatchJobs', () =>
      startQueuePoller({
        client: new SQSClient({}),
        queueUrl: contract.queues.jobs.url,
        queueArn: contract.queues.jobs.arn,
        handler: (event: SQSEvent) => host.invoke('DispatchJobs', event) as Promise<SQSBatchResponse>,
        capacity: async () => (dispatching ? dispatcherLimit - (await runtime.jobs.countByStatus('RUNNING')) : 0),
        paused: () => !dispatching,
        idleMs: 500,
        onError: (error) => options.onError?.('queue', error),
      }),
    );
    cleanups.push(() => poller.stop());
    // The webhooks queue's event source: the deliverer, with its role, always on.
    const webhookPoller: QueuePoller = host.within('DeliverWebhooks', () =>
      startQueuePoller({
        client: new SQSClient({}),
        queueUrl: contract.queues.webhooks.url,
        queueArn: contract.queues.webhooks.arn,
        handler: (event: SQSEvent) => host.invoke('DeliverWebhooks', event) as Promise<SQSBatchResponse>,
        capacity: async () => 10,
        idleMs: 500,
        onError: (error) => options.onError?.('webhooks', error),
      }),
    );
    cleanups.push(() => webhookPoller.stop());
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

    return {
      url: api.url,
      port: api.port,
      dataDir: runtime.dataDir,
      runtime,
      starter,
      queue,
      sweep,
      setDispatching: (enabled) => void (dispatching = enabled),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `npx shorts dev`: runs until Ctrl-C (or SIGTERM), then shuts down in order. */
export async function runDevCommand(options: {
  port: number;
  dataDir?: string;
  maxRunning?: number;
  accessReport?: string;
  dashboardDir?: string;
  /** Not a CLI option: the API bench raises the routes' throttles with it (test/bench/api-dev.ts). */
  alterTemplate?: DevServerOptions['alterTemplate'];
}): Promise<void> {
  const { checkProviderSettings } = await import('../../lambdas/shared/dependencies.js');
  const providers = await checkProviderSettings(process.env);
  process.stderr.write('Starting the local cloud (DynamoDB Local, S3, SQS, Step Functions) …\n');
  // The dashboard is built (when missing or stale) while the local cloud starts: ready together.
  const dashboard = ensureDashboardBuilt({
    ...(options.dashboardDir ? { outDir: options.dashboardDir } : {}),
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  // The composition's bundle too (on a first run, or after frontend/remotion changed): ready by the first order.
  const { startPrebundle } = await import('./prebundle.js');
  startPrebundle({ settings: process.env });
  const server = await startDevServer({
    port: options.port,
    settings: { ...process.env, POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN' },
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.maxRunning !== undefined ? { maxRunningPipelines: options.maxRunning } : {}),
    ...(options.dashboardDir ? { staticDir: options.dashboardDir } : {}),
    ...(options.alterTemplate ? { alterTemplate: options.alterTemplate } : {}),
    onRequest: ({ method, path: p, status, ms }) => process.stdout.write(`${method} ${p} ${status} ${ms} ms\n`),
    onError: (what, error) => process.stderr.write(`error (${what}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
  });
  await dashboard;
  const maxRunning = server.runtime.host.get('DispatchJobs').environment[ENV.MAX_RUNNING_PIPELINES];
  process.stdout.write(
    [
      '',
      `ai-shorts is running at ${server.url}`,
      `  data         ${server.dataDir}`,
      `  providers    ${Object.entries(providers).map(([k, v]) => `${k}=${v}`).join(' ')}`,
      `  pipelines    at most ${maxRunning} at once`,
      `  API          ${server.url}/api (OpenAPI: ${server.url}/api/openapi.json)`,
      `  sign in      curl -s -X POST ${server.url}/api/dev/session -d '{"userId":"me"}'`,
      ...(options.accessReport ? [`  access       every AWS call each function makes is written to ${options.accessReport} on exit`] : []),
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
      const report = options.accessReport ? writeAccessReport(options.accessReport, server.runtime) : Promise.resolve();
      report
        .then(() => server.stop())
        .then(resolve, (error: unknown) => {
          process.stderr.write(`error while stopping: ${String(error)}\n`);
          resolve();
        });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** Writes the session's access report (JSON) for `--access-report`. */
export async function writeAccessReport(file: string, runtime: LocalRuntime): Promise<void> {
  const target = path.resolve(file);
  await mkdir(path.dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  await writeFile(partial, `${JSON.stringify(runtime.accessReport(), null, 2)}\n`);
  const { rename } = await import('node:fs/promises');
  await rename(partial, target);
}
