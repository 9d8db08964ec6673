/** The IAM gate in front of the local SQS (fauxqs), driven by the real SQS client. */
import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJsonGateway, type JsonGateway } from '../../lib/local/iam/json-gateway.js';
import { LOCAL_JOBS_DLQ, LOCAL_JOBS_QUEUE, startSqsServer, type SqsServer } from '../../lib/local/sqs-server.js';
import { ACCOUNT, ADMIN, clientConfig, CONTEXT, localIam, policy, raised, role } from './support.js';

const queueArn = (name: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;
// The stack's queues carry an enforceSSL queue policy; local calls count as TLS.
const iam = localIam({
  [queueArn(LOCAL_JOBS_QUEUE)]: policy({
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: 'sqs:*',
    Resource: queueArn(LOCAL_JOBS_QUEUE),
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  }),
});
const producer = role('CreateVideo', { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], Resource: queueArn(LOCAL_JOBS_QUEUE) });

let sqs: SqsServer;
let gateway: JsonGateway;
let client: SQSClient;
let admin: SQSClient;
let queueUrl: string;
let dlqUrl: string;

beforeAll(async () => {
  sqs = await startSqsServer();
  gateway = await startJsonGateway({ service: 'sqs', upstream: sqs.endpoint, principals: iam.principals, authorizer: iam.authorizer, context: CONTEXT });
  // The same queues, reached through the gateway.
  queueUrl = sqs.queueUrl.replace(sqs.endpoint, gateway.endpoint);
  dlqUrl = sqs.dlqUrl.replace(sqs.endpoint, gateway.endpoint);
  client = new SQSClient(clientConfig(gateway.endpoint, iam.add(producer)));
  admin = new SQSClient(clientConfig(gateway.endpoint, ADMIN));
}, 60_000);

afterAll(async () => {
  client?.destroy();
  admin?.destroy();
  await gateway?.stop();
  await sqs?.stop();
});

describe('SQS through the IAM gateway', () => {
  it('forwards an allowed SendMessage', async () => {
    const sent = await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"jobId":"j1"}' }));
    expect(sent.MessageId).toBeTruthy();
    const received = await admin.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    expect(received.Messages?.map((m) => m.Body)).toEqual(['{"jobId":"j1"}']);
  });

  it('denies SendMessage to a queue not granted with the SDK AccessDenied (query-compatible name)', async () => {
    const error = await raised(client.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: 'x' })));
    expect(error).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${producer.sessionArn} is not authorized to perform: sqs:sendmessage on resource: ${queueArn(LOCAL_JOBS_DLQ)} because no identity-based policy allows the sqs:sendmessage action`,
    });
  });

  it('needs sqs:SendMessage for a batch, and sqs:ReceiveMessage to receive', async () => {
    const batch = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: '1', MessageBody: 'a' }] }));
    expect(batch.Successful).toHaveLength(1);
    const error = await raised(client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl })));
    expect([error.name, error.status]).toEqual(['AccessDenied', 403]);
    expect(error.message).toContain('sqs:receivemessage on resource');
  });

  it('refuses a query-protocol call (it would pass unmapped)', async () => {
    const keyId = iam.principals.credentialsOf('CreateVideo')!.accessKeyId;
    const response = await fetch(gateway.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=${keyId}/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: new URLSearchParams({ Action: 'SendMessage', QueueUrl: dlqUrl, MessageBody: 'x' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-query-error')).toBe('InvalidAction;Sender');
  });

  it('refuses an unknown access key with InvalidClientTokenId', async () => {
    const stranger = new SQSClient(clientConfig(gateway.endpoint, { accessKeyId: 'ASIAUNKNOWN000000000', secretAccessKey: 'x' }));
    expect(await raised(stranger.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' })))).toEqual({
      name: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
    stranger.destroy();
  });
});
