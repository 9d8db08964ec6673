/**
 * SQS (JSON protocol) calls → the IAM authorizations they need. A queue's ARN is
 * `arn:aws:sqs:REGION:ACCOUNT:NAME`; the queue name is the last path segment of its QueueUrl.
 * The batch calls need the single action (SendMessageBatch → sqs:SendMessage, and so on):
 * the Service Authorization Reference lists no *Batch actions.
 */
import type { AuthorizationRequest } from '../authorizer.js';
import { partitionOf, stringField, type ServiceContext } from './context.js';

const ACTIONS: Record<string, string> = {
  SendMessageBatch: 'sqs:SendMessage',
  DeleteMessageBatch: 'sqs:DeleteMessage',
  ChangeMessageVisibilityBatch: 'sqs:ChangeMessageVisibility',
};

/** The ARN of the queue a QueueUrl names (account from the URL when it carries one). */
export function queueArnFromUrl(queueUrl: string, ctx: ServiceContext): string {
  const segments = queueUrl.replace(/^[a-z]+:\/\/[^/]+/i, '').split('/').filter(Boolean);
  const name = segments.at(-1) ?? '';
  const account = segments.length >= 2 && /^\d{12}$/.test(segments.at(-2)!) ? segments.at(-2)! : ctx.accountId;
  return `arn:${partitionOf(ctx)}:sqs:${ctx.region}:${account}:${name}`;
}

/** The authorizations an SQS call needs. */
export function sqsRequests(operation: string, input: Record<string, unknown>, ctx: ServiceContext): AuthorizationRequest[] {
  const action = ACTIONS[operation] ?? `sqs:${operation}`;
  if (operation === 'ListQueues') return [{ action, resource: '*' }];
  const queueUrl = stringField(input, 'QueueUrl');
  if (queueUrl) return [{ action, resource: queueArnFromUrl(queueUrl, ctx) }];
  const queueName = stringField(input, 'QueueName');
  if (queueName) {
    // GetQueueUrl may name another account's queue.
    const account = stringField(input, 'QueueOwnerAWSAccountId') ?? ctx.accountId;
    return [{ action, resource: `arn:${partitionOf(ctx)}:sqs:${ctx.region}:${account}:${queueName}` }];
  }
  // Message-move tasks name their source queue by ARN.
  const sourceArn = stringField(input, 'SourceArn');
  if (sourceArn) return [{ action, resource: sourceArn }];
  return [{ action, resource: '*' }];
}
