/**
 * The DynamoDB tables as plain data: the one source both the CDK constructs and the local
 * runtime (DynamoDB Local) build tables from, so the two schemas cannot drift.
 *
 * Add a table by writing one more `TableDefinition` and listing it in `TABLES`.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { ENV } from '../../lambdas/shared/env.js';

export type KeyType = 'S' | 'N' | 'B';

export interface KeyAttribute {
  name: string;
  type: KeyType;
}

/** What a secondary index copies from the item, beyond the table and index keys. */
export type Projection = { type: 'ALL' } | { type: 'KEYS_ONLY' } | { type: 'INCLUDE'; attributes: readonly string[] };

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  projection: Projection;
}

export interface TableDefinition {
  /** Construct id in the CDK stack and key in {@link TABLES}. PascalCase, stable. */
  logicalName: string;
  /** Env var through which handlers learn the table's real name (CDK generates it in AWS). */
  tableNameEnv: string;
  /** The name used where we pick it ourselves: the local runtime. */
  localTableName: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  globalSecondaryIndexes: readonly IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry, for tables whose items age out (idempotency keys). */
  timeToLiveAttribute?: string;
}

/**
 * Job records. `byUser` serves "my videos, newest first" (projection ALL so a list page needs
 * no extra reads); `byStatus` serves the sweeper ("RUNNING, not updated since T"). `byStatus`
 * copies only a few fields: `updatedAt` changes on every progress write and a full projection
 * would rewrite the whole item into the index each time; the sweeper reads the job itself.
 */
export const JOBS_TABLE_DEFINITION = {
  logicalName: 'JobsTable',
  tableNameEnv: ENV.JOBS_TABLE,
  localTableName: 'ai-shorts-jobs',
  partitionKey: { name: 'jobId', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'byUser',
      partitionKey: { name: 'userId', type: 'S' },
      sortKey: { name: 'createdAt', type: 'S' },
      projection: { type: 'ALL' },
    },
    {
      indexName: 'byStatus',
      partitionKey: { name: 'status', type: 'S' },
      sortKey: { name: 'updatedAt', type: 'S' },
      projection: { type: 'INCLUDE', attributes: ['userId', 'createdAt', 'currentStep'] },
    },
  ],
} as const satisfies TableDefinition;

/** Credit balances: one item per user (`balance`, `createdAt`, `updatedAt`). */
export const ACCOUNTS_TABLE_DEFINITION = {
  logicalName: 'AccountsTable',
  tableNameEnv: ENV.ACCOUNTS_TABLE,
  localTableName: 'ai-shorts-accounts',
  partitionKey: { name: 'userId', type: 'S' },
  globalSecondaryIndexes: [],
} as const satisfies TableDefinition;

/**
 * The credit ledger: every grant, debit, refund and purchase, written in the same transaction as
 * the balance change. `entryId` (`{ISO time}#{kind}#{reference}`) sorts a user's entries by time.
 */
export const LEDGER_TABLE_DEFINITION = {
  logicalName: 'LedgerTable',
  tableNameEnv: ENV.LEDGER_TABLE,
  localTableName: 'ai-shorts-ledger',
  partitionKey: { name: 'userId', type: 'S' },
  sortKey: { name: 'entryId', type: 'S' },
  globalSecondaryIndexes: [],
} as const satisfies TableDefinition;

/**
 * Things that must happen once: `{userId}#{Idempotency-Key}` → the job it created (24 h), and
 * `stripe-checkout#{session id}` → the purchase it credited (kept a year). Items expire by TTL.
 */
export const IDEMPOTENCY_TABLE_DEFINITION = {
  logicalName: 'IdempotencyTable',
  tableNameEnv: ENV.IDEMPOTENCY_TABLE,
  localTableName: 'ai-shorts-idempotency',
  partitionKey: { name: 'id', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;

/**
 * API keys (docs/api.md "API keys"), by `id`: `key#{SHA-256 of the key}` → the key's record (what
 * a request reads), `keyid#{key id}` → its hash and owner (what revocation reads), `user#{user id}`
 * → the count of the user's live keys (the cap). `byUser` lists a user's keys, newest first (only
 * key records carry `userId` and `createdAt`). A revoked key's record expires after 30 days.
 */
export const API_KEYS_TABLE_DEFINITION = {
  logicalName: 'ApiKeysTable',
  tableNameEnv: ENV.API_KEYS_TABLE,
  localTableName: 'ai-shorts-api-keys',
  partitionKey: { name: 'id', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'byUser',
      partitionKey: { name: 'userId', type: 'S' },
      sortKey: { name: 'createdAt', type: 'S' },
      projection: { type: 'ALL' },
    },
  ],
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;

/**
 * Completion webhooks (docs/api.md "Webhooks"), one partition per user: endpoints
 * (`endpoint#{id}`, with their signing secrets), the user's signing secret for videos' own URLs
 * (`signing-secret`) and deliveries (`delivery#{endpointId}#{deliveryId}`, expiring after 30 days).
 */
export const WEBHOOKS_TABLE_DEFINITION = {
  logicalName: 'WebhooksTable',
  tableNameEnv: ENV.WEBHOOKS_TABLE,
  localTableName: 'ai-shorts-webhooks',
  partitionKey: { name: 'userId', type: 'S' },
  sortKey: { name: 'itemKey', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;

/** Every table of the app, by logical name. */
export const TABLES = {
  JobsTable: JOBS_TABLE_DEFINITION,
  AccountsTable: ACCOUNTS_TABLE_DEFINITION,
  LedgerTable: LEDGER_TABLE_DEFINITION,
  IdempotencyTable: IDEMPOTENCY_TABLE_DEFINITION,
  ApiKeysTable: API_KEYS_TABLE_DEFINITION,
  WebhooksTable: WEBHOOKS_TABLE_DEFINITION,
} as const satisfies Record<string, TableDefinition>;

export type TableLogicalName = keyof typeof TABLES;

export const TABLE_LOGICAL_NAMES = Object.keys(TABLES) as TableLogicalName[];

/** The definitions as a list, in a stable order. */
export const TABLE_DEFINITIONS: readonly TableDefinition[] = Object.values(TABLES);

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute) {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' as const },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
}

function projection(p: Projection) {
  return p.type === 'INCLUDE'
    ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...p.attributes] }
    : { ProjectionType: p.type };
}

/** Every attribute used in a table or index key, once, with its type. */
export function keyAttributes(definition: TableDefinition): KeyAttribute[] {
  const all = [definition.partitionKey, definition.sortKey];
  for (const index of definition.globalSecondaryIndexes) all.push(index.partitionKey, index.sortKey);
  const byName = new Map<string, KeyAttribute>();
  for (const attribute of all) {
    if (!attribute) continue;
    const seen = byName.get(attribute.name);
    if (seen && seen.type !== attribute.type) {
      throw new Error(`${definition.logicalName}: key attribute ${attribute.name} is both ${seen.type} and ${attribute.type}`);
    }
    byName.set(attribute.name, attribute);
  }
  return [...byName.values()];
}

/** The `GlobalSecondaryIndexes` entry of one index, as CreateTable and UpdateTable take it. */
export function globalSecondaryIndexInput(index: IndexDefinition) {
  return {
    IndexName: index.indexName,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: projection(index.projection),
  };
}

/** A CreateTable request for a definition (on-demand billing). */
export function createTableInput(definition: TableDefinition, tableName = definition.localTableName): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributes(definition).map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: keySchema(definition.partitionKey, definition.sortKey),
    ...(definition.globalSecondaryIndexes.length > 0
      ? { GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map(globalSecondaryIndexInput) }
      : {}),
  };
}

/** `{ JOBS_TABLE: 'ai-shorts-jobs', … }`: the env a handler needs to find the local tables. */
export function tableNameEnvironment(
  definitions: readonly TableDefinition[] = TABLE_DEFINITIONS,
  tableName: (definition: TableDefinition) => string = (d) => d.localTableName,
): Record<string, string> {
  return Object.fromEntries(definitions.map((d) => [d.tableNameEnv, tableName(d)]));
}
