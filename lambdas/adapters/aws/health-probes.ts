/**
 * Health probes of the cloud dependencies, each one cheap, read-only call: DescribeTable,
 * HeadBucket, GetQueueAttributes, DescribeStateMachine and (Remotion Lambda) GetFunction.
 * Locally the same calls reach the emulators through the standard AWS_ENDPOINT_URL_* variables.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { DescribeStateMachineCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { HealthProbe } from '../../core/ops/health.js';

export function dynamoTableProbe(client: DynamoDBClient, tableName: string): HealthProbe {
  return {
    name: 'dynamodb',
    target: tableName,
    async check() {
      const answer = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const status = answer.Table?.TableStatus;
      if (status && status !== 'ACTIVE' && status !== 'UPDATING') throw new Error(`table is ${status}`);
      return `table ${status ?? 'found'}`;
    },
  };
}

export function s3BucketProbe(client: S3Client, bucket: string): HealthProbe {
  return {
    name: 's3',
    target: bucket,
    async check() {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    },
  };
}

export function sqsQueueProbe(client: SQSClient, queueUrl: string): HealthProbe {
  return {
    name: 'queue',
    target: queueUrl,
    async check() {
      const answer = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
      return `${answer.Attributes?.ApproximateNumberOfMessages ?? '?'} message(s) waiting`;
    },
  };
}

export function stateMachineProbe(client: SFNClient, stateMachineArn: string): HealthProbe {
  return {
    name: 'stateMachine',
    target: stateMachineArn,
    async check() {
      const answer = await client.send(new DescribeStateMachineCommand({ stateMachineArn }));
      if (answer.status && answer.status !== 'ACTIVE') throw new Error(`state machine is ${answer.status}`);
      return `state machine ${answer.status ?? 'found'}`;
    },
  };
}

/** The Remotion Lambda render function exists and is ready to be invoked. */
export function renderFunctionProbe(client: LambdaClient, functionName: string): HealthProbe {
  return {
    name: 'render',
    target: `lambda:${functionName}`,
    async check() {
      const answer = await client.send(new GetFunctionCommand({ FunctionName: functionName }));
      const state = answer.Configuration?.State;
      if (state && state !== 'Active') throw new Error(`render function is ${state}: ${answer.Configuration?.StateReason ?? ''}`.trim());
      return `render function ${state ?? 'found'}`;
    },
  };
}
