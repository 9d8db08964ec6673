/**
 * {@link WebhookStore} over the webhooks table (key `userId` + `itemKey`): a user's endpoints
 * (`endpoint#{id}`), their signing secret for videos' own URLs (`signing-secret`) and the
 * deliveries (`delivery#{endpointId}#{deliveryId}`, expiring by TTL). Everything of a user is in
 * one partition, so each read is a GetItem or a Query on that user.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryAttempt, WebhookDelivery, WebhookEndpoint } from '../../core/webhooks/model.js';
import type { WebhookStore } from '../../core/webhooks/delivery.js';
import { compact, isNamed, toStoreError } from './dynamo-job-store.js';

const ENDPOINT = 'endpoint#';
const DELIVERY = 'delivery#';
const SIGNING_SECRET = 'signing-secret';

const deliveryKey = (userId: string, endpointId: string, deliveryId: string) => ({ userId, itemKey: `${DELIVERY}${endpointId}#${deliveryId}` });

function strip<T>(item: Record<string, unknown>): T {
  const { itemKey: _key, expiresAt: _ttl, ...rest } = item;
  return rest as T;
}

export class DynamoWebhookStore implements WebhookStore {
  constructor(private readonly options: { doc: DynamoDBDocumentClient; tableName: string }) {}

  private async run<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toStoreError(error, action);
    }
  }

  /** A conditional write: false when its condition failed. */
  private async conditional(action: string, call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (error) {
      if (isNamed(error, 'ConditionalCheckFailedException')) return false;
      throw toStoreError(error, action);
    }
  }

  private async query(userId: string, prefix: string, limit?: number, newestFirst = false): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.run('Query', () =>
        this.options.doc.send(
          new QueryCommand({
            TableName: this.options.tableName,
            KeyConditionExpression: 'userId = :u AND begins_with(itemKey, :p)',
            ExpressionAttributeValues: { ':u': userId, ':p': prefix },
            ...(start ? { ExclusiveStartKey: start } : {}),
            ScanIndexForward: !newestFirst,
          }),
        ),
      );
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      start = page.LastEvaluatedKey;
    } while (start && (limit === undefined || items.length < limit));
    return items;
  }

  async listEndpoints(userId: string): Promise<WebhookEndpoint[]> {
    return (await this.query(userId, ENDPOINT)).map((item) => strip<WebhookEndpoint>(item));
  }

  async getEndpoint(userId: string, endpointId: string): Promise<WebhookEndpoint | undefined> {
    const { Item } = await this.run('GetItem', () =>
      this.options.doc.send(new GetCommand({ TableName: this.options.tableName, Key: { userId, itemKey: `${ENDPOINT}${endpointId}` } })),
    );
    return Item ? strip<WebhookEndpoint>(Item) : undefined;
  }

  async addEndpoint(endpoint: WebhookEndpoint, max: number): Promise<boolean> {
    // The cap is checked by counting first: two racing requests may end one over it, never more.
    if ((await this.listEndpoints(endpoint.userId)).length >= max) return false;
    return this.conditional('PutItem', () =>
      this.options.doc.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: compact({ ...endpoint, itemKey: `${ENDPOINT}${endpoint.endpointId}` }),
          ConditionExpression: 'attribute_not_exists(itemKey)',
        }),
      ),
    );
  }

  async deleteEndpoint(userId: string, endpointId: string): Promise<boolean> {
    return this.conditional('DeleteItem', () =>
      this.options.doc.send(
        new DeleteCommand({ TableName: this.options.tableName, Key: { userId, itemKey: `${ENDPOINT}${endpointId}` }, ConditionExpression: 'attribute_exists(itemKey)' }),
      ),
    );
  }

  async rotateSecret(userId: string, endpointId: string, secret: string, previousUntil: string): Promise<boolean> {
    return this.conditional('UpdateItem', () =>
      this.options.doc.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { userId, itemKey: `${ENDPOINT}${endpointId}` },
          UpdateExpression: 'SET previousSecret = secret, previousSecretUntil = :until, secret = :secret',
          ConditionExpression: 'attribute_exists(itemKey)',
          ExpressionAttributeValues: { ':until': previousUntil, ':secret': secret },
        }),
      ),
    );
  }

  async userSigningSecret(userId: string, make: () => string): Promise<string> {
    const key = { userId, itemKey: SIGNING_SECRET };
    const read = async () =>
      (await this.run('GetItem', () => this.options.doc.send(new GetCommand({ TableName: this.options.tableName, Key: key, ConsistentRead: true })))).Item?.secret as
        | string
        | undefined;
    const found = await read();
    if (found) return found;
    const secret = make();
    const created = await this.conditional('PutItem', () =>
      this.options.doc.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: { ...key, secret, createdAt: new Date().toISOString() },
          ConditionExpression: 'attribute_not_exists(itemKey)',
        }),
      ),
    );
    // Lost a race: the other request's secret is the one.
    return created ? secret : ((await read()) ?? secret);
  }

  async createDelivery(delivery: WebhookDelivery, expiresAt: number): Promise<boolean> {
    return this.conditional('PutItem', () =>
      this.options.doc.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: compact({ ...delivery, ...deliveryKey(delivery.userId, delivery.endpointId, delivery.deliveryId), expiresAt }),
          ConditionExpression: 'attribute_not_exists(itemKey)',
        }),
      ),
    );
  }

  async getDelivery(userId: string, endpointId: string, deliveryId: string): Promise<WebhookDelivery | undefined> {
    const { Item } = await this.run('GetItem', () =>
      this.options.doc.send(new GetCommand({ TableName: this.options.tableName, Key: deliveryKey(userId, endpointId, deliveryId), ConsistentRead: true })),
    );
    return Item ? strip<WebhookDelivery>(Item) : undefined;
  }

  async listDeliveries(userId: string, endpointId: string, limit: number): Promise<WebhookDelivery[]> {
    const items = (await this.query(userId, `${DELIVERY}${endpointId}#`)).map((item) => strip<WebhookDelivery>(item));
    return items.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, limit);
  }

  async claim(delivery: WebhookDelivery): Promise<boolean> {
    return this.conditional('UpdateItem', () =>
      this.options.doc.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: deliveryKey(delivery.userId, delivery.endpointId, delivery.deliveryId),
          UpdateExpression: 'SET version = :next',
          ConditionExpression: '#state = :pending AND version = :version',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':next': delivery.version + 1, ':pending': 'pending', ':version': delivery.version },
        }),
      ),
    );
  }

  async recordAttempt(
    delivery: WebhookDelivery,
    patch: { attempt: DeliveryAttempt; state: WebhookDelivery['state']; scheduled: number; nextAttemptAt?: string; now: string },
  ): Promise<void> {
    await this.run('UpdateItem', () =>
      this.options.doc.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: deliveryKey(delivery.userId, delivery.endpointId, delivery.deliveryId),
          UpdateExpression:
            'SET attempts = list_append(attempts, :attempt), #state = :state, scheduled = :scheduled, updatedAt = :now' +
            (patch.nextAttemptAt ? ', nextAttemptAt = :next' : ' REMOVE nextAttemptAt'),
          ConditionExpression: 'version = :version',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: compact({
            ':attempt': [patch.attempt],
            ':state': patch.state,
            ':scheduled': patch.scheduled,
            ':now': patch.now,
            ':version': delivery.version,
            ...(patch.nextAttemptAt ? { ':next': patch.nextAttemptAt } : {}),
          }),
        }),
      ),
    );
  }

  async reopen(userId: string, endpointId: string, deliveryId: string, now: string): Promise<WebhookDelivery | undefined> {
    try {
      const { Attributes } = await this.options.doc.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: deliveryKey(userId, endpointId, deliveryId),
          UpdateExpression: 'SET #state = :pending, manual = :true, nextAttemptAt = :now, updatedAt = :now, version = version + :one',
          ConditionExpression: 'attribute_exists(itemKey) AND #state <> :pending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': 'pending', ':true': true, ':now': now, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? strip<WebhookDelivery>(Attributes) : undefined;
    } catch (error) {
      if (isNamed(error, 'ConditionalCheckFailedException')) return undefined;
      throw toStoreError(error, 'UpdateItem');
    }
  }
}
