/** The IAM gate in front of a real DynamoDB Local, driven by the real DynamoDB client. */
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import { startJsonGateway, type JsonGateway } from '../../lib/local/iam/json-gateway.js';
import { ACCOUNT, ADMIN, clientConfig, CONTEXT, localIam, raised, role } from './support.js';

const arn = (table: string) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${table}`;
const iam = localIam();
const writer = role(
  'CreateVideo',
  { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'], Resource: arn('jobs') },
  { Effect: 'Allow', Action: 'dynamodb:Query', Resource: `${arn('jobs')}/index/byUser` },
);
const writerKeys = iam.add(writer);

let dynamo: DynamoDbLocal;
let gateway: JsonGateway;
let admin: DynamoDBClient;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  gateway = await startJsonGateway({
    service: 'dynamodb',
    upstream: dynamo.endpoint,
    principals: iam.principals,
    authorizer: iam.authorizer,
    context: { ...CONTEXT, partitionKeyOf: (_table, index) => (index === 'byUser' ? 'userId' : 'id') },
  });
  admin = new DynamoDBClient(clientConfig(gateway.endpoint, ADMIN));
  client = new DynamoDBClient(clientConfig(gateway.endpoint, writerKeys));
  for (const TableName of ['jobs', 'ledger']) {
    await admin.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'userId', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [{ IndexName: 'byUser', KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      }),
    );
    await waitUntilTableExists({ client: admin, maxWaitTime: 30 }, { TableName });
  }
}, 120_000);

afterAll(async () => {
  admin?.destroy();
  client?.destroy();
  await gateway?.stop();
  await dynamo?.stop();
});

describe('DynamoDB through the IAM gateway', () => {
  it('serves an allowed PutItem and GetItem', async () => {
    await client.send(new PutItemCommand({ TableName: 'jobs', Item: { id: { S: 'j1' }, userId: { S: 'u1' } } }));
    const got = await client.send(new GetItemCommand({ TableName: 'jobs', Key: { id: { S: 'j1' } } }));
    expect(got.Item).toEqual({ id: { S: 'j1' }, userId: { S: 'u1' } });
  });

  it('denies a table the role is not granted with the SDK AccessDeniedException', async () => {
    const error = await raised(client.send(new PutItemCommand({ TableName: 'ledger', Item: { id: { S: 'l1' }, userId: { S: 'u1' } } })));
    expect(error).toEqual({
      name: 'AccessDeniedException',
      status: 400,
      message: `User: ${writer.sessionArn} is not authorized to perform: dynamodb:PutItem on resource: ${arn('ledger')} because no identity-based policy allows the dynamodb:PutItem action`,
    });
    // Nothing reached DynamoDB Local.
    expect((await admin.send(new GetItemCommand({ TableName: 'ledger', Key: { id: { S: 'l1' } } }))).Item).toBeUndefined();
  });

  it('denies a transaction over a table not granted, and writes nothing', async () => {
    // Act: the jobs write is allowed, the ledger write is not.
    const error = await raised(
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'jobs', Item: { id: { S: 'j2' }, userId: { S: 'u1' } } } },
            { Put: { TableName: 'ledger', Item: { id: { S: 'l2' }, userId: { S: 'u1' } } } },
          ],
        }),
      ),
    );
    // Assess
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(`dynamodb:PutItem on resource: ${arn('ledger')}`);
    expect((await admin.send(new GetItemCommand({ TableName: 'jobs', Key: { id: { S: 'j2' } } }))).Item).toBeUndefined();
    expect((await admin.send(new GetItemCommand({ TableName: 'ledger', Key: { id: { S: 'l2' } } }))).Item).toBeUndefined();
  });

  it('authorizes a Query on an index against the index ARN', async () => {
    const byUser = await client.send(
      new QueryCommand({ TableName: 'jobs', IndexName: 'byUser', KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': { S: 'u1' } } }),
    );
    expect(byUser.Items?.map((item) => item.id?.S)).toEqual(['j1']);
    const onTable = await raised(client.send(new QueryCommand({ TableName: 'jobs', KeyConditionExpression: 'id = :j', ExpressionAttributeValues: { ':j': { S: 'j1' } } })));
    expect(onTable.message).toContain(`dynamodb:Query on resource: ${arn('jobs')} because`);
  });

  it('refuses an unknown access key with UnrecognizedClientException', async () => {
    const stranger = new DynamoDBClient(clientConfig(gateway.endpoint, { accessKeyId: 'ASIAUNKNOWN000000000', secretAccessKey: 'x' }));
    expect(await raised(stranger.send(new GetItemCommand({ TableName: 'jobs', Key: { id: { S: 'j1' } } })))).toEqual({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      status: 400,
    });
    stranger.destroy();
  });

  it('logs the role calls, not the admin ones', () => {
    const calls = iam.log.calls().get('CreateVideo') ?? [];
    // Denied twice: alone, and inside the transaction.
    expect(calls).toContainEqual({ action: 'dynamodb:PutItem', resource: arn('ledger'), allowed: false, count: 2 });
    expect(calls).toContainEqual({ action: 'dynamodb:Query', resource: `${arn('jobs')}/index/byUser`, allowed: true, count: 1 });
    expect([...iam.log.calls().keys()]).toEqual(['CreateVideo']);
  });
});
