/**
 * An SQS-compatible server on 127.0.0.1 (fauxqs, embedded) with the jobs queue and its
 * dead-letter queue, as the CDK stack declares them. With a data directory its messages are
 * kept on disk (SQLite), so a job queued before a restart is still queued after it.
 */
import { mkdir } from 'node:fs/promises';
import { Server } from 'node:net';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { LOCAL_ACCESS_KEY_ID, LOCAL_REGION, LOCAL_SECRET_ACCESS_KEY } from './s3-server.js';

export const LOCAL_JOBS_QUEUE = 'ai-shorts-jobs';
export const LOCAL_JOBS_DLQ = 'ai-shorts-jobs-dlq';
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
 * fauxqs listens on 0.0.0.0 and has no option for the address. The local cloud stays on
 * loopback (nothing on the network may enqueue or read jobs), so while it starts, a listen on
 * all interfaces is narrowed to 127.0.0.1. Only this start is affected; the patch is undone after.
 */
async function onLoopback<T>(start: () => Promise<T>): Promise<T> {
  const original = Server.prototype.listen;
  Server.prototype.listen = function (this: Server, ...args: unknown[]) {
    const [first] = args;
    if (first && typeof first === 'object' && ['0.0.0.0', '::', undefined].includes((first as { host?: string }).host)) {
      args[0] = { ...(first as object), host: '127.0.0.1' };
    }
    return (original as (...a: unknown[]) => Server).apply(this, args);
  } as typeof Server.prototype.listen;
  try {
    return await start();
  } finally {
    Server.prototype.listen = original;
  }
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
  const server = await onLoopback(() =>
    startFauxqs({ port: 0, logger: false, host: '127.0.0.1', ...(options.dataDir ? { dataDir: options.dataDir } : {}) }),
  );
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = new SQSClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY },
  });
  try {
    // CreateQueue with the same attributes is idempotent: a kept queue (and its messages) is reused.
    const dlq = await client.send(new CreateQueueCommand({ QueueName: LOCAL_JOBS_DLQ, Attributes: { MessageRetentionPeriod: '1209600' } }));
    const dlqArn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: onEndpoint(dlq.QueueUrl!, endpoint), AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    const queue = await client.send(
      new CreateQueueCommand({
        QueueName: LOCAL_JOBS_QUEUE,
        Attributes: {
          VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVES }),
        },
      }),
    );
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
