/** The request → IAM authorization mappings, one service at a time. */
import { describe, expect, it } from 'vitest';
import { accessKeyOf, Principals } from '../../lib/local/iam/principals.js';
import { cloudWatchRequests } from '../../lib/local/iam/services/cloudwatch.js';
import { dynamoDbRequests, partitionKeysOf } from '../../lib/local/iam/services/dynamodb.js';
import { lambdaRequests } from '../../lib/local/iam/services/lambda.js';
import { s3Requests } from '../../lib/local/iam/services/s3.js';
import { secretsManagerRequests } from '../../lib/local/iam/services/secretsmanager.js';
import { sqsRequests } from '../../lib/local/iam/services/sqs.js';
import { stepFunctionsRequests } from '../../lib/local/iam/services/stepfunctions.js';
import { CONTEXT, role } from './support.js';

const T = (name: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;

describe('principals', () => {
  it('derives the same ASIA key pair for the same id, and a different one per id', () => {
    const a = new Principals().register(role('CreateVideo'));
    const b = new Principals().register(role('CreateVideo'));
    const c = new Principals().register(role('SweepJobs'));
    expect(a).toEqual(b);
    expect(a.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(a.secretAccessKey).toHaveLength(40);
    expect(c.accessKeyId).not.toBe(a.accessKeyId);
  });

  it('reads the access key of a header-signed request and of a presigned URL', () => {
    const signed = { authorization: 'AWS4-HMAC-SHA256 Credential=ASIAKEY/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc' };
    expect(accessKeyOf(signed, new URLSearchParams())).toBe('ASIAKEY');
    expect(accessKeyOf({}, new URLSearchParams({ 'X-Amz-Credential': 'ASIAQ/20260101/us-east-1/s3/aws4_request' }))).toBe('ASIAQ');
    expect(accessKeyOf({}, new URLSearchParams())).toBeUndefined();
  });
});

describe('dynamoDbRequests', () => {
  const ctx = { ...CONTEXT, partitionKeyOf: (table: string, index?: string) => (index === 'byUser' ? 'userId' : table === 'jobs' ? 'jobId' : 'userId') };

  it('maps item calls with LeadingKeys and Attributes', () => {
    expect(dynamoDbRequests('PutItem', { TableName: 'jobs', Item: { jobId: { S: 'j1' }, status: { S: 'QUEUED' } }, ReturnValues: 'ALL_OLD' }, ctx)).toEqual([
      { action: 'dynamodb:PutItem', resource: T('jobs'), context: { 'dynamodb:ReturnValues': 'ALL_OLD', 'dynamodb:LeadingKeys': ['j1'], 'dynamodb:Attributes': ['jobId', 'status'] } },
    ]);
    expect(
      dynamoDbRequests(
        'UpdateItem',
        { TableName: 'jobs', Key: { jobId: { S: 'j1' } }, UpdateExpression: 'SET #s = :s, progress = if_not_exists(progress, :z) REMOVE lastError ADD tries :one', ExpressionAttributeNames: { '#s': 'status' } },
        ctx,
      )[0]?.context,
    ).toEqual({ 'dynamodb:LeadingKeys': ['j1'], 'dynamodb:Attributes': ['jobId', 'status', 'progress', 'lastError', 'tries'] });
  });

  it('maps a Query on an index to the index ARN with its partition key value', () => {
    expect(
      dynamoDbRequests('Query', { TableName: 'jobs', IndexName: 'byUser', KeyConditionExpression: '#u = :u AND createdAt > :t', ExpressionAttributeNames: { '#u': 'userId' }, ExpressionAttributeValues: { ':u': { S: 'u-1' }, ':t': { S: '0' } } }, ctx),
    ).toEqual([{ action: 'dynamodb:Query', resource: `${T('jobs')}/index/byUser`, context: { 'dynamodb:LeadingKeys': ['u-1'] } }]);
  });

  it('maps TransactWriteItems item by item and batch calls per table', () => {
    const transact = dynamoDbRequests(
      'TransactWriteItems',
      {
        TransactItems: [
          { ConditionCheck: { TableName: 'accounts', Key: { userId: { S: 'u' } }, ConditionExpression: 'balance > :z' } },
          { Update: { TableName: 'accounts', Key: { userId: { S: 'u' } }, UpdateExpression: 'SET balance = balance - :one' } },
          { Put: { TableName: 'jobs', Item: { jobId: { S: 'j' } } } },
          { Delete: { TableName: 'ledger', Key: { userId: { S: 'u' } } } },
        ],
      },
      ctx,
    );
    expect(transact.map((r) => `${r.action} ${r.resource}`)).toEqual([
      `dynamodb:ConditionCheckItem ${T('accounts')}`,
      `dynamodb:UpdateItem ${T('accounts')}`,
      `dynamodb:PutItem ${T('jobs')}`,
      `dynamodb:DeleteItem ${T('ledger')}`,
    ]);
    const batch = dynamoDbRequests('BatchWriteItem', { RequestItems: { jobs: [{ PutRequest: { Item: { jobId: { S: 'a' } } } }, { DeleteRequest: { Key: { jobId: { S: 'b' } } } }], ledger: [] } }, ctx);
    expect(batch).toEqual([
      { action: 'dynamodb:BatchWriteItem', resource: T('jobs'), context: { 'dynamodb:LeadingKeys': ['a', 'b'], 'dynamodb:Attributes': ['jobId'] } },
      { action: 'dynamodb:BatchWriteItem', resource: T('ledger') },
    ]);
    expect(dynamoDbRequests('TransactGetItems', { TransactItems: [{ Get: { TableName: 'jobs', Key: { jobId: { S: 'j' } } } }] }, ctx)).toEqual([
      { action: 'dynamodb:GetItem', resource: T('jobs'), context: { 'dynamodb:LeadingKeys': ['j'] } },
    ]);
  });

  it('reads partition keys from table definitions', () => {
    const keyOf = partitionKeysOf([
      {
        name: 'ai-shorts-jobs',
        createTableInput: {
          KeySchema: [{ AttributeName: 'jobId', KeyType: 'HASH' }],
          GlobalSecondaryIndexes: [{ IndexName: 'byUser', KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }, { AttributeName: 'createdAt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
        },
      },
    ]);
    expect([keyOf('ai-shorts-jobs'), keyOf('ai-shorts-jobs', 'byUser'), keyOf('other')]).toEqual(['jobId', 'userId', undefined]);
  });

  it('maps table calls to the table and ListTables to *', () => {
    expect(dynamoDbRequests('DescribeTable', { TableName: 'jobs' }, ctx)).toEqual([{ action: 'dynamodb:DescribeTable', resource: T('jobs') }]);
    expect(dynamoDbRequests('UpdateTimeToLive', { TableName: 'jobs' }, ctx)).toEqual([{ action: 'dynamodb:UpdateTimeToLive', resource: T('jobs') }]);
    expect(dynamoDbRequests('ListTables', {}, ctx)).toEqual([{ action: 'dynamodb:ListTables', resource: '*' }]);
  });
});

describe('s3Requests', () => {
  const req = (method: string, bucket: string | undefined, key: string | undefined, query = '', headers: Record<string, string> = {}) =>
    s3Requests({ method, bucket, key, query: new URLSearchParams(query), headers }, CONTEXT);

  it('maps object calls', () => {
    expect(req('GET', 'b', 'a/k.png')).toEqual([{ action: 's3:GetObject', resource: 'arn:aws:s3:::b/a/k.png' }]);
    expect(req('HEAD', 'b', 'k', 'versionId=v1')).toEqual([{ action: 's3:GetObjectVersion', resource: 'arn:aws:s3:::b/k', context: { 's3:versionid': 'v1' } }]);
    expect(req('DELETE', 'b', 'k')).toEqual([{ action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k' }]);
    expect(req('PUT', 'b', 'dst', '', { 'x-amz-copy-source': '/src/a%20b.txt' }).map((r) => `${r.action} ${r.resource}`)).toEqual([
      's3:PutObject arn:aws:s3:::b/dst',
      's3:GetObject arn:aws:s3:::src/a b.txt',
    ]);
    expect(req('PUT', 'b', 'k', '', { 'x-amz-tagging': 'a=b' }).map((r) => r.action)).toEqual(['s3:PutObject', 's3:PutObjectTagging']);
  });

  it('maps multipart uploads', () => {
    expect(req('POST', 'b', 'k', 'uploads').map((r) => r.action)).toEqual(['s3:PutObject']);
    expect(req('PUT', 'b', 'k', 'partNumber=1&uploadId=u').map((r) => r.action)).toEqual(['s3:PutObject']);
    expect(req('POST', 'b', 'k', 'uploadId=u').map((r) => r.action)).toEqual(['s3:PutObject']);
    expect(req('DELETE', 'b', 'k', 'uploadId=u').map((r) => r.action)).toEqual(['s3:AbortMultipartUpload']);
    expect(req('GET', 'b', 'k', 'uploadId=u').map((r) => r.action)).toEqual(['s3:ListMultipartUploadParts']);
  });

  it('maps bucket calls with the listing condition keys', () => {
    expect(req('GET', 'b', undefined, 'list-type=2&prefix=users%2F&delimiter=%2F&max-keys=10')).toEqual([
      { action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context: { 's3:prefix': 'users/', 's3:delimiter': '/', 's3:max-keys': '10' } },
    ]);
    expect(req('HEAD', 'b', undefined)).toEqual([{ action: 's3:ListBucket', resource: 'arn:aws:s3:::b' }]);
    expect(req('GET', 'b', undefined, 'location')).toEqual([{ action: 's3:GetBucketLocation', resource: 'arn:aws:s3:::b' }]);
    expect(req('GET', undefined, undefined)).toEqual([{ action: 's3:ListAllMyBuckets', resource: '*' }]);
    expect(req('OPTIONS', 'b', 'k')).toEqual([]);
    expect(s3Requests({ method: 'POST', bucket: 'b', query: new URLSearchParams('delete'), headers: {}, deleteKeys: ['x', 'y'] }, CONTEXT)).toEqual([
      { action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/x' },
      { action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/y' },
    ]);
  });
});

describe('the other services', () => {
  it('SQS: the queue ARN from the QueueUrl; batch calls need the single action', () => {
    const url = 'http://127.0.0.1:9324/000000000000/ai-shorts-jobs';
    expect(sqsRequests('SendMessageBatch', { QueueUrl: url }, CONTEXT)).toEqual([{ action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:000000000000:ai-shorts-jobs' }]);
    expect(sqsRequests('ReceiveMessage', { QueueUrl: url }, CONTEXT)[0]?.action).toBe('sqs:ReceiveMessage');
    expect(sqsRequests('GetQueueUrl', { QueueName: 'q' }, CONTEXT)).toEqual([{ action: 'sqs:GetQueueUrl', resource: 'arn:aws:sqs:us-east-1:000000000000:q' }]);
    expect(sqsRequests('ListQueues', {}, CONTEXT)).toEqual([{ action: 'sqs:ListQueues', resource: '*' }]);
  });

  it('Step Functions: state machine or execution ARN', () => {
    const sm = 'arn:aws:states:us-east-1:000000000000:stateMachine:pipeline';
    const ex = 'arn:aws:states:us-east-1:000000000000:execution:pipeline:job-1';
    expect(stepFunctionsRequests('StartExecution', { stateMachineArn: sm, name: 'job-1' })).toEqual([{ action: 'states:StartExecution', resource: sm }]);
    expect(stepFunctionsRequests('StopExecution', { executionArn: ex })).toEqual([{ action: 'states:StopExecution', resource: ex }]);
  });

  it('Secrets Manager: resolves a name to the ARN, names the SecretId in messages', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:providers-AbCdEf';
    expect(secretsManagerRequests('GetSecretValue', { SecretId: 'providers' }, { ...CONTEXT, secretArn: (id) => (id === 'providers' ? arn : undefined) })).toEqual([
      { action: 'secretsmanager:GetSecretValue', resource: arn, messageResource: 'providers' },
    ]);
  });

  it('CloudWatch: DescribeAlarms by prefix needs the prefix pattern; composite alarms need every alarm', () => {
    const alarm = (name: string) => `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${name}`;
    expect(cloudWatchRequests('DescribeAlarms', { AlarmNamePrefix: 'ai-shorts-', StateValue: 'ALARM' }, CONTEXT)).toEqual([{ action: 'cloudwatch:DescribeAlarms', resource: alarm('ai-shorts-*') }]);
    expect(cloudWatchRequests('DescribeAlarms', { AlarmNames: ['a', 'b'] }, CONTEXT).map((r) => r.resource)).toEqual([alarm('a'), alarm('b')]);
    expect(cloudWatchRequests('DescribeAlarms', { AlarmNamePrefix: 'p-', AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }, CONTEXT).map((r) => r.resource)).toEqual([alarm('p-*'), alarm('*')]);
    expect(cloudWatchRequests('PutMetricData', { Namespace: 'x' }, CONTEXT)).toEqual([{ action: 'cloudwatch:PutMetricData', resource: '*' }]);
  });

  it('Lambda: names, partial and full ARNs, qualifiers', () => {
    const invoke = (name: string, query = '') => lambdaRequests({ method: 'POST', path: `/2015-03-31/functions/${encodeURIComponent(name)}/invocations`, query: new URLSearchParams(query) }, CONTEXT);
    const fn = 'arn:aws:lambda:us-east-1:000000000000:function:render';
    expect(invoke('render')).toEqual([{ action: 'lambda:InvokeFunction', resource: fn }]);
    expect(invoke('render:live')).toEqual([{ action: 'lambda:InvokeFunction', resource: `${fn}:live` }]);
    expect(invoke('000000000000:function:render')).toEqual([{ action: 'lambda:InvokeFunction', resource: fn }]);
    expect(invoke('arn:aws:lambda:eu-west-1:111111111111:function:other:3')).toEqual([{ action: 'lambda:InvokeFunction', resource: 'arn:aws:lambda:eu-west-1:111111111111:function:other:3' }]);
    expect(invoke('render', 'Qualifier=%24LATEST')).toEqual([{ action: 'lambda:InvokeFunction', resource: `${fn}:$LATEST` }]);
    expect(lambdaRequests({ method: 'GET', path: '/2015-03-31/functions/render', query: new URLSearchParams() }, CONTEXT)).toEqual([{ action: 'lambda:GetFunction', resource: fn }]);
  });
});
