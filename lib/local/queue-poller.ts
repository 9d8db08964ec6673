/**
 * What Lambda's SQS event source does in AWS, done locally: receive messages from the jobs
 * queue, hand them to the same dispatcher handler as an SQS event, delete the ones it handled
 * and leave the failed ones (ReportBatchItemFailures) to come back and, in the end, to the DLQ.
 */
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { setTimeout as sleep } from 'node:timers/promises';

export interface QueuePollerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn?: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse>;
  /**
   * How many more pipelines may start now. Messages are only received when there is room, so
   * jobs wait in the queue (not in flight) while the house is full.
   */
  capacity: () => Promise<number>;
  /** Pause between looks while the house is full or after an error. Default 1000 ms. */
  idleMs?: number;
  /**
   * Whether the event source is turned off (AWS: the mapping disabled). Messages received while
   * it was being turned off are made visible again at once, not handed to the function.
   */
  paused?: () => boolean;
  onError?: (error: unknown) => void;
}

export interface QueuePoller {
  /** Stops receiving and waits for the batch in hand to be handled. */
  stop(): Promise<void>;
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
      SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
      SenderId: message.Attributes?.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}

export function startQueuePoller(options: QueuePollerOptions): QueuePoller {
  const idleMs = options.idleMs ?? 1000;
  const queueArn = options.queueArn ?? 'arn:aws:sqs:us-east-1:000000000000:ai-shorts-jobs';
  const stopping = new AbortController();

  const loop = async () => {
    while (!stopping.signal.aborted) {
      try {
        const room = await options.capacity();
        if (room <= 0) {
          await sleep(idleMs, undefined, { signal: stopping.signal }).catch(() => {});
          continue;
        }
        const answer = await options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: Math.min(10, room),
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
          { abortSignal: stopping.signal },
        );
        const messages = answer.Messages ?? [];
        if (messages.length === 0) continue;
        if (options.paused?.()) {
          await options.client.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
            }),
          );
          continue;
        }
        const records = messages.map((m) => toRecord(m, queueArn));
        let failed = new Set(records.map((r) => r.messageId));
        try {
          const result = await options.handler({ Records: records });
          failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
        } catch (error) {
          options.onError?.(error); // the whole batch comes back after the visibility timeout
        }
        const done = records.filter((r) => !failed.has(r.messageId));
        if (done.length > 0) {
          await options.client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
            }),
          );
        }
      } catch (error) {
        if (stopping.signal.aborted) break;
        options.onError?.(error);
        await sleep(idleMs, undefined, { signal: stopping.signal }).catch(() => {});
      }
    }
  };
  const running = loop();
  return {
    async stop() {
      stopping.abort();
      await running;
    },
  };
}
