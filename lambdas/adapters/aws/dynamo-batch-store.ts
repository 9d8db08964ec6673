import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BatchRecord, BatchStore } from '../../core/ports.js';
import { compact, isNamed, toStoreError } from './dynamo-job-store.js';

/** How long a batch can be read back (its videos stay in the library as long as the user keeps them). */
export const BATCH_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Batch records, as items `batch#{id}` of the idempotency table (key `id`, TTL `expiresAt`): like
 * an Idempotency-Key's record, a batch is what a request made, kept for a while to answer it again.
 */
export class DynamoBatchStore implements BatchStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: { doc: DynamoDBDocumentClient; tableName: string }) {
    this.doc = options.doc;
    this.tableName = options.tableName;
  }

  async get(batchId: string): Promise<BatchRecord | undefined> {
    try {
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { id: key(batchId) }, ConsistentRead: true }));
      if (!Item) return undefined;
      const { id: _id, expiresAt: _expiresAt, ...record } = Item;
      return record as BatchRecord;
    } catch (error) {
      throw toStoreError(error, 'GetItem (batch)');
    }
  }

  async save(record: BatchRecord): Promise<boolean> {
    const expiresAt = Math.floor(Date.parse(record.createdAt) / 1000) + BATCH_TTL_SECONDS;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: compact({ id: key(record.batchId), ...record, expiresAt }),
          ConditionExpression: record.version === 1 ? 'attribute_not_exists(id)' : '#version = :previous',
          ...(record.version === 1 ? {} : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':previous': record.version - 1 } }),
        }),
      );
      return true;
    } catch (error) {
      if (isNamed(error, 'ConditionalCheckFailedException')) return false;
      throw toStoreError(error, 'PutItem (batch)');
    }
  }
}

function key(batchId: string): string {
  return `batch#${batchId}`;
}
