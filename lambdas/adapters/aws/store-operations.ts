/**
 * What each operation of the DynamoDB stores does, by table: the grants a function needs for the
 * operations it uses. Functions declare the operations they call (lambdas/api/routes.ts,
 * lib/cloud/step-access.ts, lib/cloud/queue.ts); the stack grants exactly the union of these
 * actions. Written beside the stores so a change to one is a change to the other, and held to the
 * calls they really make by test/local/grants.test.ts (no call denied, no grant unused).
 */

/** The stack's tables, by logical name (lib/cloud/table-definitions.ts). */
export type StoreTable = 'JobsTable' | 'AccountsTable' | 'LedgerTable' | 'IdempotencyTable' | 'ApiKeysTable' | 'WebhooksTable';

export type DynamoAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem' | 'Query';

export interface TableUse {
  table: StoreTable;
  /** A global secondary index (Query only). */
  index?: string;
  actions: readonly DynamoAction[];
  /**
   * Only these attributes may be named (the IAM condition `ForAllValues:StringEquals` on
   * `dynamodb:Attributes`): a write that can touch nothing else, such as an API key's lastUsedAt.
   */
  attributes?: readonly string[];
}

/** ApiKeysTable's index of a user's keys, newest first (DynamoApiKeyStore.list). */
export const API_KEYS_BY_USER_INDEX = 'byUser';

/** The attributes a brand kit's write names (DynamoBrandStore.put); its grant allows no other, so no balance can change. */
export const BRAND_ATTRIBUTES = ['userId', 'brand', 'updatedAt'] as const;

/** The attributes an API key's lastUsedAt write names (DynamoApiKeyStore.touch); its grant allows no other. */
export const TOUCH_ATTRIBUTES = ['id', 'lastUsedAt'] as const;

export const STORE_OPERATIONS = {
  /** DynamoJobStore.get */
  'jobs.get': [{ table: 'JobsTable', actions: ['GetItem'] }],
  /** DynamoJobStore.update, updateStep, addSpend, transition */
  'jobs.update': [{ table: 'JobsTable', actions: ['UpdateItem'] }],
  /** DynamoJobStore.deleteIf */
  'jobs.delete': [{ table: 'JobsTable', actions: ['DeleteItem'] }],
  /** DynamoJobStore.listByUser */
  'jobs.listByUser': [{ table: 'JobsTable', index: 'byUser', actions: ['Query'] }],
  /** DynamoJobStore.listByStatus, countByStatus */
  'jobs.listByStatus': [{ table: 'JobsTable', index: 'byStatus', actions: ['Query'] }],
  /** DynamoCreditStore.account: read, or open with the starting credits (and their ledger entry). */
  'credits.account': [
    { table: 'AccountsTable', actions: ['GetItem', 'PutItem'] },
    { table: 'LedgerTable', actions: ['PutItem'] },
  ],
  /** DynamoCreditStore.ledger */
  'credits.ledger': [{ table: 'LedgerTable', actions: ['Query'] }],
  /**
   * DynamoCreditStore.createJob: debit, job, ledger entry, Idempotency-Key and the user's limit
   * counters (idempotency table) in one transaction; a replay reads the key and its job; a new
   * user's account is opened; at the limit of videos in progress, the places of ended jobs are
   * read and freed (a ConditionCheck on each job).
   */
  'credits.createJob': [
    { table: 'AccountsTable', actions: ['UpdateItem', 'PutItem'] },
    { table: 'JobsTable', actions: ['PutItem', 'GetItem', 'ConditionCheckItem'] },
    { table: 'LedgerTable', actions: ['PutItem'] },
    { table: 'IdempotencyTable', actions: ['PutItem', 'GetItem', 'UpdateItem'] },
  ],
  /** DynamoCreditStore.refund: the job marked refunded (or forfeited), the credits back, a ledger entry, its place freed, the day's count of refunds of user-caused failures. */
  'credits.refund': [
    { table: 'JobsTable', actions: ['GetItem', 'UpdateItem'] },
    { table: 'AccountsTable', actions: ['UpdateItem'] },
    { table: 'LedgerTable', actions: ['PutItem'] },
    { table: 'IdempotencyTable', actions: ['UpdateItem'] },
  ],
  /** DynamoCreditStore.requeueFailed: the job queued again, debited again, a place taken and the order counted (freeing ended jobs' places as createJob does). */
  'credits.requeueFailed': [
    { table: 'JobsTable', actions: ['GetItem', 'UpdateItem', 'ConditionCheckItem'] },
    { table: 'AccountsTable', actions: ['UpdateItem'] },
    { table: 'LedgerTable', actions: ['PutItem'] },
    { table: 'IdempotencyTable', actions: ['GetItem', 'UpdateItem'] },
  ],
  /**
   * DynamoCreditStore.applyReviewChange: the job in REVIEW changed and queued again, with (past the
   * included regenerations) the debit and its ledger entry, and the Idempotency-Key recorded; a
   * replay reads the key and its job, a refused change reads the job to say why.
   */
  'credits.applyReviewChange': [
    { table: 'JobsTable', actions: ['GetItem', 'UpdateItem'] },
    { table: 'AccountsTable', actions: ['UpdateItem'] },
    { table: 'LedgerTable', actions: ['PutItem'] },
    { table: 'IdempotencyTable', actions: ['GetItem', 'PutItem'] },
  ],
  /**
   * DynamoCreditStore.applyReviewChange with no charge (a render, a checked upload, which count no
   * regeneration): the job changed and queued again, the Idempotency-Key recorded or replayed.
   */
  'credits.requeueReview': [
    { table: 'JobsTable', actions: ['GetItem', 'UpdateItem'] },
    { table: 'IdempotencyTable', actions: ['GetItem', 'PutItem'] },
  ],
  /** DynamoCreditStore.cancelQueued: the queued job deleted, its credits back, its place freed. */
  'credits.cancelQueued': [
    { table: 'JobsTable', actions: ['DeleteItem'] },
    { table: 'AccountsTable', actions: ['UpdateItem'] },
    { table: 'LedgerTable', actions: ['PutItem'] },
    { table: 'IdempotencyTable', actions: ['UpdateItem'] },
  ],
  /** DynamoCreditStore.purchase: the account (opened if new), the checkout recorded once, its payment read and recorded, the credits and their entry. */
  'credits.purchase': [
    { table: 'AccountsTable', actions: ['GetItem', 'PutItem', 'UpdateItem'] },
    { table: 'LedgerTable', actions: ['PutItem'] },
    { table: 'IdempotencyTable', actions: ['GetItem', 'PutItem'] },
  ],
  /** DynamoCreditStore.reverse: a refunded or disputed payment's record read and put, the credits taken back and their entry. */
  'credits.reverse': [
    { table: 'AccountsTable', actions: ['UpdateItem'] },
    { table: 'LedgerTable', actions: ['PutItem'] },
    { table: 'IdempotencyTable', actions: ['GetItem', 'PutItem'] },
  ],
  /** DynamoBatchStore.get: a batch's record (an item of the idempotency table). */
  'batches.get': [{ table: 'IdempotencyTable', actions: ['GetItem'] }],
  /** DynamoBatchStore.save: the record put, new or over the version it read. */
  'batches.save': [{ table: 'IdempotencyTable', actions: ['PutItem'] }],
  /** DynamoApiKeyStore.create: the user's count of live keys (the cap), the key's record and its id's pointer, in one transaction. */
  'apiKeys.create': [{ table: 'ApiKeysTable', actions: ['PutItem', 'UpdateItem'] }],
  /** DynamoApiKeyStore.list */
  'apiKeys.list': [{ table: 'ApiKeysTable', index: API_KEYS_BY_USER_INDEX, actions: ['Query'] }],
  /** DynamoApiKeyStore.revoke: the key id's pointer read, the record marked revoked and the count lowered in one transaction. */
  'apiKeys.revoke': [{ table: 'ApiKeysTable', actions: ['GetItem', 'UpdateItem'] }],
  /**
   * DynamoApiKeyStore.find and touch: every user route reads the key a request carries, and
   * writes its lastUsedAt at most once a minute — an UpdateItem allowed to name `id` and
   * `lastUsedAt` only, so a read-only route can change nothing else (docs/security.md).
   */
  'apiKeys.authenticate': [
    { table: 'ApiKeysTable', actions: ['GetItem'] },
    { table: 'ApiKeysTable', actions: ['UpdateItem'], attributes: TOUCH_ATTRIBUTES },
  ],
  /** DynamoWebhookStore: an endpoint (GetItem) and its deliveries (Query), for the delivery log. */
  'webhooks.read': [{ table: 'WebhooksTable', actions: ['GetItem', 'Query'] }],
  /** DynamoWebhookStore.listEndpoints */
  'webhooks.listEndpoints': [{ table: 'WebhooksTable', actions: ['Query'] }],
  /** DynamoWebhookStore.addEndpoint: the user's endpoints counted (Query), the new one put. */
  'webhooks.addEndpoint': [{ table: 'WebhooksTable', actions: ['Query', 'PutItem'] }],
  /** DynamoWebhookStore.deleteEndpoint */
  'webhooks.deleteEndpoint': [{ table: 'WebhooksTable', actions: ['DeleteItem'] }],
  /** DynamoWebhookStore.rotateSecret: a conditional update of the endpoint. */
  'webhooks.rotateSecret': [{ table: 'WebhooksTable', actions: ['UpdateItem'] }],
  /** DynamoWebhookStore.userSigningSecret: read, or made once (a conditional put). */
  'webhooks.signingSecret': [{ table: 'WebhooksTable', actions: ['GetItem', 'PutItem'] }],
  /** DynamoWebhookStore.reopen (a resend): the delivery read and reopened. */
  'webhooks.resend': [{ table: 'WebhooksTable', actions: ['GetItem', 'UpdateItem'] }],
  /** The deliverer: endpoints read, deliveries created once (PutItem), claimed and recorded (UpdateItem), the signing secret made on first use. */
  'webhooks.deliver': [{ table: 'WebhooksTable', actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] }],
  /** DynamoBrandStore.get: a user's brand kit (its own item of the accounts table). */
  'brand.get': [{ table: 'AccountsTable', actions: ['GetItem'] }],
  /** DynamoBrandStore.put: the kit written by an UpdateItem that may name only BRAND_ATTRIBUTES. */
  'brand.put': [{ table: 'AccountsTable', actions: ['UpdateItem'], attributes: BRAND_ATTRIBUTES }],
} as const satisfies Record<string, readonly TableUse[]>;

export type StoreOperation = keyof typeof STORE_OPERATIONS;

/** The tables DynamoCreditStore is built with: a function using any credits operation gets all four names. */
export const CREDIT_STORE_TABLES: readonly StoreTable[] = ['JobsTable', 'AccountsTable', 'LedgerTable', 'IdempotencyTable'];

/** The tables whose names a function using these operations needs (its store's constructor reads them). */
export function tablesNamed(operations: readonly StoreOperation[]): StoreTable[] {
  const named = new Set<StoreTable>();
  for (const operation of operations) {
    if (operation.startsWith('credits.')) for (const table of CREDIT_STORE_TABLES) named.add(table);
    else if (operation.startsWith('batches.')) named.add('IdempotencyTable');
    else if (operation.startsWith('apiKeys.')) named.add('ApiKeysTable');
    else if (operation.startsWith('webhooks.')) named.add('WebhooksTable');
    else if (operation.startsWith('brand.')) named.add('AccountsTable');
    else named.add('JobsTable');
  }
  return [...named];
}

/** The actions on each table and index that these operations make, merged. */
export function tableUses(operations: readonly StoreOperation[]): TableUse[] {
  const merged = new Map<string, { table: StoreTable; index?: string; attributes?: readonly string[]; actions: Set<DynamoAction> }>();
  for (const operation of operations) {
    for (const use of STORE_OPERATIONS[operation] as readonly TableUse[]) {
      // A use limited to some attributes stays its own grant (its own statement and condition).
      const key = `${use.table}/${use.index ?? ''}/${use.attributes?.join(',') ?? ''}`;
      const entry = merged.get(key) ?? {
        table: use.table,
        ...(use.index ? { index: use.index } : {}),
        ...(use.attributes ? { attributes: use.attributes } : {}),
        actions: new Set<DynamoAction>(),
      };
      for (const action of use.actions) entry.actions.add(action);
      merged.set(key, entry);
    }
  }
  return [...merged.values()].map((entry) => ({ ...entry, actions: [...entry.actions].sort() }));
}
