/**
 * API keys in DynamoDB (ApiKeysTable, lib/cloud/table-definitions.ts). Three kinds of item, by `id`:
 * - `key#{sha256 of the key}`: the key's record; the one item a request reads (GetItem, consistent).
 *   `userId` + `createdAt` put it in the `byUser` index the list reads.
 * - `keyid#{key id}`: which hash a key id names and whose it is (revocation reads it consistently;
 *   the index could lag behind a key just made). No `userId`, so not in the index.
 * - `user#{user id}`: `live`, the user's count of live keys; the cap is a condition on it, in the
 *   transaction that puts the key, so concurrent creates cannot pass it.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ApiKeyLimitReached, REVOKED_KEY_RETENTION_SECONDS, type ApiKeyRecord, type ApiKeyStore } from '../../core/api-keys.js';
import { isNamed, toStoreError } from './dynamo-job-store.js';
import { API_KEYS_BY_USER_INDEX } from './store-operations.js';

const keyItemId = (keyHash: string) => `key#${keyHash}`;
const keyIdItemId = (keyId: string) => `keyid#${keyId}`;
const userItemId = (userId: string) => `user#${userId}`;

interface KeyItem extends ApiKeyRecord {
  id: string;
  expiresAt?: number;
}

function record(item: Record<string, unknown>): ApiKeyRecord {
  const { id: _id, expiresAt: _expires, ...rest } = item as unknown as KeyItem;
  return rest;
}

/** A transaction refused: which of its items' conditions failed (`None` for those that held). */
function cancellationCodes(error: unknown): string[] {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

export class DynamoApiKeyStore implements ApiKeyStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: { doc: DynamoDBDocumentClient; tableName: string }) {
    this.doc = options.doc;
    this.tableName = options.tableName;
  }

  async create(key: ApiKeyRecord, maxLive: number): Promise<void> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { id: userItemId(key.userId) },
                UpdateExpression: 'ADD live :one',
                ConditionExpression: 'attribute_not_exists(live) OR live < :max',
                ExpressionAttributeValues: { ':one': 1, ':max': maxLive },
              },
            },
            { Put: { TableName: this.tableName, Item: { id: keyItemId(key.keyHash), ...key }, ConditionExpression: 'attribute_not_exists(id)' } },
            {
              Put: {
                TableName: this.tableName,
                Item: { id: keyIdItemId(key.keyId), keyHash: key.keyHash, owner: key.userId },
                ConditionExpression: 'attribute_not_exists(id)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (isNamed(error, 'TransactionCanceledException') && cancellationCodes(error)[0] === 'ConditionalCheckFailed') throw new ApiKeyLimitReached(maxLive);
      throw toStoreError(error, `create an API key of ${key.userId}`);
    }
  }

  async list(userId: string): Promise<ApiKeyRecord[]> {
    const keys: ApiKeyRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const answer = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: API_KEYS_BY_USER_INDEX,
            KeyConditionExpression: 'userId = :user',
            FilterExpression: 'attribute_not_exists(revokedAt)',
            ExpressionAttributeValues: { ':user': userId },
            ScanIndexForward: false,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of answer.Items ?? []) keys.push(record(item));
        startKey = answer.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      throw toStoreError(error, `list the API keys of ${userId}`);
    }
    return keys;
  }

  async revoke(userId: string, keyId: string, now: Date): Promise<boolean> {
    let pointer: Record<string, unknown> | undefined;
    try {
      pointer = (await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { id: keyIdItemId(keyId) }, ConsistentRead: true }))).Item;
    } catch (error) {
      throw toStoreError(error, `read API key ${keyId}`);
    }
    // Another user's key id answers as an unknown one.
    if (!pointer || pointer.owner !== userId || typeof pointer.keyHash !== 'string') return false;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { id: keyItemId(pointer.keyHash) },
                UpdateExpression: 'SET revokedAt = :now, expiresAt = :expires',
                ConditionExpression: 'attribute_exists(id) AND userId = :user AND attribute_not_exists(revokedAt)',
                ExpressionAttributeValues: { ':now': now.toISOString(), ':expires': Math.floor(now.getTime() / 1000) + REVOKED_KEY_RETENTION_SECONDS, ':user': userId },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { id: userItemId(userId) },
                UpdateExpression: 'ADD live :minusOne',
                ConditionExpression: 'live > :zero',
                ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      // Revoked already (by a concurrent request too): nothing more to do.
      if (isNamed(error, 'TransactionCanceledException') && cancellationCodes(error).includes('ConditionalCheckFailed')) return false;
      throw toStoreError(error, `revoke API key ${keyId}`);
    }
  }

  async find(keyHash: string): Promise<ApiKeyRecord | undefined> {
    try {
      const answer = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { id: keyItemId(keyHash) }, ConsistentRead: true }));
      return answer.Item && typeof answer.Item.userId === 'string' ? record(answer.Item) : undefined;
    } catch (error) {
      throw toStoreError(error, 'read an API key');
    }
  }

  async touch(keyHash: string, now: Date, notBefore: Date): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: keyItemId(keyHash) },
          // Names only `id` and `lastUsedAt` (TOUCH_ATTRIBUTES): the grant allows nothing else.
          UpdateExpression: 'SET lastUsedAt = :now',
          ConditionExpression: 'attribute_exists(id) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :notBefore)',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':notBefore': notBefore.toISOString() },
        }),
      );
    } catch (error) {
      // Another request wrote it within the minute: that is the point of the condition.
      if (isNamed(error, 'ConditionalCheckFailedException')) return;
      throw toStoreError(error, 'record the use of an API key');
    }
  }
}
