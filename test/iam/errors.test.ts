/**
 * Each protocol's refusals, fed to the REAL SDK v3 clients: the error they raise must be the
 * one they raise against AWS (name, message, status).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessDenied, invalidCredentials, missingAuthentication, wireError, type WireResponse } from '../../lib/local/iam/errors.js';
import { clientConfig, raised } from './support.js';

let server: Server;
let endpoint: string;
let next: WireResponse;

beforeAll(async () => {
  // Prepare: a server that answers whatever the test set last, after reading the request.
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(next.status, next.headers);
      res.end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const credentials = { accessKeyId: 'ASIAEXAMPLE000000000', secretAccessKey: 'secret' };
const MESSAGE = 'User: arn:aws:sts::000000000000:assumed-role/R/F is not authorized to perform: X on resource: Y because no identity-based policy allows the X action';

const calls = {
  dynamodb: () => new DynamoDBClient(clientConfig(endpoint, credentials)).send(new GetItemCommand({ TableName: 't', Key: { id: { S: '1' } } })),
  sqs: () => new SQSClient(clientConfig(endpoint, credentials)).send(new SendMessageCommand({ QueueUrl: `${endpoint}/000000000000/q`, MessageBody: 'x' })),
  stepfunctions: () => new SFNClient(clientConfig(endpoint, credentials)).send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:sm:e' })),
  secretsmanager: () => new SecretsManagerClient(clientConfig(endpoint, credentials)).send(new GetSecretValueCommand({ SecretId: 's' })),
  cloudwatch: () => new CloudWatchClient(clientConfig(endpoint, credentials)).send(new DescribeAlarmsCommand({})),
  lambda: () => new LambdaClient(clientConfig(endpoint, credentials)).send(new InvokeCommand({ FunctionName: 'f' })),
} as const;

describe('AccessDenied on the wire', () => {
  it.each([
    ['dynamodb', 'AccessDeniedException', 400],
    ['stepfunctions', 'AccessDeniedException', 400],
    ['secretsmanager', 'AccessDeniedException', 400],
    ['lambda', 'AccessDeniedException', 403],
    // awsQueryCompatible: the SDK names the error after x-amzn-query-error, as the query SDKs did.
    ['sqs', 'AccessDenied', 403],
    ['cloudwatch', 'AccessDenied', 403],
  ] as const)('%s: the SDK raises %s (%i) with the message', async (service, name, status) => {
    // Prepare
    next = accessDenied(service, MESSAGE);
    // Act
    const error = await raised(calls[service]());
    // Assess
    expect(error).toEqual({ name, message: MESSAGE, status });
  });
});

describe('unknown access key on the wire', () => {
  it.each([
    ['dynamodb', 'UnrecognizedClientException', 400],
    ['stepfunctions', 'UnrecognizedClientException', 400],
    ['secretsmanager', 'UnrecognizedClientException', 400],
    ['lambda', 'UnrecognizedClientException', 403],
    ['sqs', 'InvalidClientTokenId', 403],
    ['cloudwatch', 'InvalidClientTokenId', 403],
  ] as const)('%s: the SDK raises %s (%i)', async (service, name, status) => {
    next = invalidCredentials(service);
    const error = await raised(calls[service]());
    expect(error).toEqual({ name, message: 'The security token included in the request is invalid.', status });
  });
});

describe('unsigned request on the wire', () => {
  it.each([
    ['dynamodb', 'MissingAuthenticationTokenException', 400],
    ['sqs', 'MissingAuthenticationToken', 403],
    ['lambda', 'MissingAuthenticationTokenException', 403],
  ] as const)('%s: the SDK raises %s (%i)', async (service, name, status) => {
    next = missingAuthentication(service);
    const error = await raised(calls[service]());
    expect(error).toEqual({ name, message: 'Missing Authentication Token', status });
  });
});

describe('named service errors on the wire', () => {
  it('Step Functions ExecutionDoesNotExist is the SDK modelled exception', async () => {
    next = wireError('stepfunctions', { type: 'ExecutionDoesNotExist', message: 'Execution Does Not Exist: e', status: 400 });
    expect(await raised(calls.stepfunctions())).toEqual({ name: 'ExecutionDoesNotExist', message: 'Execution Does Not Exist: e', status: 400 });
  });

  it('Lambda ResourceNotFoundException comes from x-amzn-ErrorType', async () => {
    next = wireError('lambda', { type: 'ResourceNotFoundException', message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:f', status: 404, fields: { Type: 'User' } });
    expect(await raised(calls.lambda())).toEqual({ name: 'ResourceNotFoundException', message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:f', status: 404 });
  });
});
