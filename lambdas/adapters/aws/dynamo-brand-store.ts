/**
 * {@link BrandStore} over the accounts table: each user's kit is its own item, keyed
 * `brand {userId}` (a space is never in a user id, so no account's key can be a kit's). The write
 * is an UpdateItem naming only `userId`, `brand` and `updatedAt` (BRAND_ATTRIBUTES): the grant
 * allows nothing else, so the brand routes can never change a balance.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BrandKit, BrandStore } from '../../core/brand.js';
import { toStoreError } from './dynamo-job-store.js';

/** The key of a user's kit in the accounts table. */
export function brandItemKey(userId: string): { userId: string } {
  return { userId: `brand ${userId}` };
}

export class DynamoBrandStore implements BrandStore {
  constructor(private readonly options: { doc: DynamoDBDocumentClient; tableName: string }) {}

  async get(userId: string): Promise<BrandKit | undefined> {
    try {
      const { Item } = await this.options.doc.send(
        new GetCommand({ TableName: this.options.tableName, Key: brandItemKey(userId), ProjectionExpression: 'brand', ConsistentRead: true }),
      );
      return (Item?.brand as BrandKit | undefined) ?? undefined;
    } catch (error) {
      throw toStoreError(error, 'read the brand kit');
    }
  }

  async put(userId: string, kit: BrandKit): Promise<void> {
    try {
      await this.options.doc.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: brandItemKey(userId),
          UpdateExpression: 'SET brand = :kit, updatedAt = :at',
          ExpressionAttributeValues: { ':kit': kit, ':at': kit.updatedAt },
        }),
      );
    } catch (error) {
      throw toStoreError(error, 'save the brand kit');
    }
  }
}
