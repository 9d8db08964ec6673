import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueDepthReader, QueueDepths } from '../../core/ops/ops-service.js';

const count = (attributes: Record<string, string> | undefined, name: string) => Number(attributes?.[name] ?? 0) || 0;

/** The jobs queue's and its dead-letter queue's approximate message counts. */
export class SqsQueueDepths implements QueueDepthReader {
  constructor(private readonly deps: { client: SQSClient; queueUrl: string; dlqUrl?: string }) {}

  async depths(): Promise<QueueDepths> {
    const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;
    const [queue, dlq] = await Promise.all([
      this.deps.client.send(new GetQueueAttributesCommand({ QueueUrl: this.deps.queueUrl, AttributeNames: [...names] })),
      this.deps.dlqUrl
        ? this.deps.client.send(new GetQueueAttributesCommand({ QueueUrl: this.deps.dlqUrl, AttributeNames: [...names] }))
        : Promise.resolve(undefined),
    ]);
    return {
      visible: count(queue.Attributes, names[0]),
      inFlight: count(queue.Attributes, names[1]),
      delayed: count(queue.Attributes, names[2]),
      // Everything in the DLQ counts, whether or not someone is looking at it right now.
      deadLetters: dlq ? count(dlq.Attributes, names[0]) + count(dlq.Attributes, names[1]) + count(dlq.Attributes, names[2]) : 0,
    };
  }
}
