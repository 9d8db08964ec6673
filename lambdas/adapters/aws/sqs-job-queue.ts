import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { ProviderUnavailable } from '../../core/errors.js';
import type { JobQueue } from '../../core/ports.js';

/** The body of a queue message: which job waits for a pipeline. */
export interface JobMessage {
  jobId: string;
}

/** Reads a message body; throws on anything that is not a job message (it then ends in the DLQ). */
export function parseJobMessage(body: string): JobMessage {
  const parsed: unknown = JSON.parse(body);
  if (!parsed || typeof parsed !== 'object' || typeof (parsed as JobMessage).jobId !== 'string' || !(parsed as JobMessage).jobId) {
    throw new Error(`Not a job message: ${body.slice(0, 200)}`);
  }
  return { jobId: (parsed as JobMessage).jobId };
}

/** {@link JobQueue} over one SQS standard queue (whose redrive policy sends poison messages to a DLQ). */
export class SqsJobQueue implements JobQueue {
  constructor(private readonly options: { client: SQSClient; queueUrl: string }) {}

  async enqueue(jobId: string, delaySeconds?: number): Promise<void> {
    const body: JobMessage = { jobId };
    try {
      await this.options.client.send(
        new SendMessageCommand({
          QueueUrl: this.options.queueUrl,
          MessageBody: JSON.stringify(body),
          // SQS allows at most 15 minutes.
          ...(delaySeconds ? { DelaySeconds: Math.min(900, Math.max(0, Math.round(delaySeconds))) } : {}),
        }),
      );
    } catch (error) {
      const sdkError = error as Parameters<typeof isTransientError>[0];
      if (error instanceof Error && (isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError))) {
        throw new ProviderUnavailable(`SQS send for job ${jobId} failed: ${error.name}: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }
}
