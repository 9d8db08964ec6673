/**
 * An SQS-compatible server on 127.0.0.1 (fauxqs, embedded) with the jobs queue, the webhooks
 * queue and their dead-letter queues, as the CDK stack declares them. With a data directory its messages are
 * kept on disk (SQLite), so a job queued before a restart is still queued after it.
 *
 * fauxqs runs in a worker thread of this process, not on the main thread beside the API: it
 * writes each message to SQLite synchronously (a commit with an fsync, ~3 ms here), and on the
 * main thread that stalled every request in flight for each job queued. SQS in AWS is another
 * service too; the API only waits for its own SendMessage answer.
 */
import { mkdir } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_ACCESS_KEY_ID, LOCAL_REGION, LOCAL_SECRET_ACCESS_KEY } from './s3-server.js';

export const LOCAL_JOBS_QUEUE = 'ai-shorts-jobs';
export const LOCAL_JOBS_DLQ = 'ai-shorts-jobs-dlq';
/** The webhooks queue (events and delayed attempts) and its DLQ (lib/cloud/webhooks.ts). */
export const LOCAL_WEBHOOKS_QUEUE = 'ai-shorts-webhooks';
export const LOCAL_WEBHOOKS_DLQ = 'ai-shorts-webhooks-dlq';
/** A message received this many times without being handled goes to the DLQ. */
export const MAX_RECEIVES = 5;
/** Seconds a received message stays hidden while the dispatcher works on it. */
const VISIBILITY_TIMEOUT_SECONDS = 60;

export interface SqsServer {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  queueUrl: string;
  dlqUrl: string;
  stop(): Promise<void>;
}

/**
 * The worker: starts fauxqs, reports its port, stops it when told. (Plain JavaScript, evaluated
 * as the worker's script, so it needs no TypeScript loader.)
 *
 * fauxqs listens on 0.0.0.0 and has no option for the address. The local cloud stays on
 * loopback (nothing on the network may enqueue or read jobs), so while it starts, a listen on
 * all interfaces is narrowed to 127.0.0.1; only this worker's start is affected.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Server } = require('node:net');
(async () => {
  const { startFauxqs } = await import(workerData.fauxqsUrl);
  const original = Server.prototype.listen;
  Server.prototype.listen = function (...args) {
    const [first] = args;
    if (first && typeof first === 'object' && ['0.0.0.0', '::', undefined].includes(first.host)) args[0] = { ...first, host: '127.0.0.1' };
    return original.apply(this, args);
  };
  let server;
  try {
    server = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1', ...(workerData.dataDir ? { dataDir: workerData.dataDir } : {}) });
  } finally {
    Server.prototype.listen = original;
  }
  parentPort.on('message', async (message) => {
    if (message !== 'stop') return;
    try {
      await server.stop();
    } finally {
      parentPort.postMessage({ stopped: true });
      parentPort.close();
    }
  });
  parentPort.postMessage({ port: server.port });
})().catch((error) => {
  parentPort.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
});
`;

/** Starts fauxqs in its own thread; resolves once it listens. */
async function startFauxqsWorker(dataDir: string | undefined): Promise<{ port: number; stop: () => Promise<void> }> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { fauxqsUrl: import.meta.resolve('fauxqs'), dataDir } });
  // The process lives as long as its own servers do; this thread never holds it open.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { port?: number; error?: string }) =>
      message.port ? resolve(message.port) : reject(new Error(`The SQS server could not start: ${message.error}`)),
    );
    worker.on('error', (error) => {
      reject(error); // while starting; afterwards the API's sends fail and the sweeper re-sends
      process.stderr.write(`The SQS server thread failed: ${error.stack ?? error.message}\n`);
    });
    void exited.then(() => reject(new Error('The SQS server thread exited while starting.')));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      worker.postMessage('stop');
      // fauxqs closes its server and its database, then the thread ends; a stuck one is ended.
      const timer = setTimeout(() => void worker.terminate(), 10_000);
      await exited;
      clearTimeout(timer);
    })());
  return { port, stop };
}

/**
 * fauxqs names queues `http://sqs.{region}.{host}:{port}/{account}/{name}`; with an IP for the
 * host that is not a valid URL, and the SDK would try to use the queue URL's host as its
 * endpoint. The same queue at the endpoint itself (path style, as LocalStack names them) is
 * found by its path, and keeps every SDK call on 127.0.0.1.
 */
function onEndpoint(queueUrl: string, endpoint: string): string {
  const path = queueUrl.replace(/^[a-z]+:\/\/[^/]+/i, '');
  return `${endpoint}${path}`;
}

export async function startSqsServer(options: { dataDir?: string } = {}): Promise<SqsServer> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const server = await startFauxqsWorker(options.dataDir);
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = new SQSClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY },
  });
  try {
    // CreateQueue with the same attributes is idempotent: a kept queue (and its messages) is reused.
    const withDlq = async (name: string, dlqName: string) => {
      const dlq = await client.send(new CreateQueueCommand({ QueueName: dlqName, Attributes: { MessageRetentionPeriod: '1209600' } }));
      const dlqArn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: onEndpoint(dlq.QueueUrl!, endpoint), AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
      const queue = await client.send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: {
            VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS),
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVES }),
          },
        }),
      );
      return { queue, dlq };
    };
    const { queue, dlq } = await withDlq(LOCAL_JOBS_QUEUE, LOCAL_JOBS_DLQ);
    await withDlq(LOCAL_WEBHOOKS_QUEUE, LOCAL_WEBHOOKS_DLQ);
    let stopped: Promise<void> | undefined;
    return {
      endpoint,
      queueUrl: onEndpoint(queue.QueueUrl!, endpoint),
      dlqUrl: onEndpoint(dlq.QueueUrl!, endpoint),
      stop: () => (stopped ??= server.stop()),
    };
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    client.destroy();
  }
}
