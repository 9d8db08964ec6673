/**
 * DynamoDB API calls → the IAM authorizations they need (Service Authorization Reference,
 * "Actions, resources, and condition keys for Amazon DynamoDB").
 *
 * - Item calls need their own action on the table ARN; Query and Scan with an IndexName need it
 *   on `table/T/index/I`.
 * - BatchGetItem / BatchWriteItem need dynamodb:BatchGetItem / dynamodb:BatchWriteItem on each
 *   table they name (not GetItem / PutItem).
 * - TransactWriteItems needs, per item, ConditionCheck → dynamodb:ConditionCheckItem, Put →
 *   PutItem, Update → UpdateItem, Delete → DeleteItem on its table; TransactGetItems GetItem.
 *
 * Condition keys honoured (set only when the request itself says them):
 * - `dynamodb:LeadingKeys`: the partition key values named by Key, Item, Keys (batch) or a
 *   Query's key condition (`pk = :v`, or KeyConditions EQ). The request does not say which
 *   attribute is the partition key, so the context's `partitionKeyOf` tells; for a Query on an
 *   index it is the index's partition key. A Scan names none.
 * - `dynamodb:Attributes`: the top-level attribute names of ProjectionExpression /
 *   AttributesToGet, of a PutItem's Item, of an UpdateItem's key and update expression.
 * - `dynamodb:Select`, `dynamodb:ReturnValues`, `dynamodb:ReturnConsumedCapacity`: as sent.
 */
import type { CreateTableCommandInput, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import type { AuthorizationRequest } from '../authorizer.js';
import { arrayField, objectField, partitionOf, stringField, type ServiceContext } from './context.js';

export interface DynamoDbContext extends ServiceContext {
  /** The partition key attribute of a table, or of one of its indexes. */
  partitionKeyOf?: (tableName: string, indexName?: string) => string | undefined;
}

type Input = Record<string, unknown>;

/** A `partitionKeyOf` over table definitions (the contract's `createTableInput`s). */
export function partitionKeysOf(
  tables: readonly { name: string; createTableInput: Pick<CreateTableCommandInput, 'KeySchema' | 'GlobalSecondaryIndexes' | 'LocalSecondaryIndexes'> }[],
): (tableName: string, indexName?: string) => string | undefined {
  const hash = (schema: KeySchemaElement[] | undefined) => schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
  return (tableName, indexName) => {
    const table = tables.find((t) => t.name === tableName)?.createTableInput;
    if (!table) return undefined;
    if (!indexName) return hash(table.KeySchema);
    const index = [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])].find((i) => i.IndexName === indexName);
    return hash(index?.KeySchema);
  };
}

function tableArn(ctx: ServiceContext, table: string, index?: string): string {
  // TableName may be the table's ARN (DynamoDB accepts either).
  const base = table.startsWith('arn:') ? table : `arn:${partitionOf(ctx)}:dynamodb:${ctx.region}:${ctx.accountId}:table/${table}`;
  return index ? `${base}/index/${index}` : base;
}

function tableNameOf(table: string): string {
  return table.startsWith('arn:') ? (table.split(':table/')[1]?.split('/')[0] ?? table) : table;
}

/** An attribute value's scalar, as `dynamodb:LeadingKeys` compares it. */
function scalar(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  for (const type of ['S', 'N', 'B']) if (typeof v[type] === 'string') return v[type];
  return undefined;
}

function resolveName(name: string, names: Input | undefined): string {
  return name.startsWith('#') && typeof names?.[name] === 'string' ? (names[name] as string) : name;
}

/** Top-level attribute names of a path list such as a ProjectionExpression. */
function topLevelNames(expression: string, names: Input | undefined): string[] {
  return splitTopLevel(expression)
    .map((path) => path.trim().split(/[.[]/)[0]!.trim())
    .filter(Boolean)
    .map((name) => resolveName(name, names));
}

/** Splits on commas outside parentheses and brackets. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(' || char === '[') depth++;
    if (char === ')' || char === ']') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

/** The top-level attributes an update expression writes (SET a = …, REMOVE b, ADD c :v, DELETE d :v). */
function updatedNames(expression: string, names: Input | undefined): string[] {
  const out: string[] = [];
  const sections = expression.split(/\b(SET|REMOVE|ADD|DELETE)\b/i);
  for (let i = 1; i < sections.length; i += 2) {
    for (const item of splitTopLevel(sections[i + 1] ?? '')) {
      const path = item.trim().split(/[\s=]/)[0];
      if (path) out.push(topLevelNames(path, names)[0]!);
    }
  }
  return out;
}

/** Partition key values named by a Query's key condition. */
function queryLeadingKeys(input: Input, partitionKey: string): string[] {
  const values = objectField(input, 'ExpressionAttributeValues');
  const names = objectField(input, 'ExpressionAttributeNames');
  const expression = stringField(input, 'KeyConditionExpression');
  if (expression) {
    const out: string[] = [];
    for (const match of expression.matchAll(/([#\w.-]+)\s*=\s*(:[\w-]+)|(:[\w-]+)\s*=\s*([#\w.-]+)/g)) {
      const [name, placeholder] = match[1] ? [match[1], match[2]!] : [match[4]!, match[3]!];
      if (resolveName(name, names) !== partitionKey) continue;
      const value = scalar(values?.[placeholder]);
      if (value !== undefined) out.push(value);
    }
    return out;
  }
  const condition = objectField(objectField(input, 'KeyConditions') ?? {}, partitionKey);
  if (condition?.ComparisonOperator === 'EQ') {
    const value = scalar(arrayField(condition, 'AttributeValueList')[0]);
    return value === undefined ? [] : [value];
  }
  return [];
}

class ContextBuilder {
  private readonly leading = new Set<string>();
  private readonly attributes = new Set<string>();
  private readonly extra: Record<string, string> = {};

  constructor(
    private readonly ctx: DynamoDbContext,
    private readonly table: string,
    private readonly index?: string,
  ) {}

  leadingFrom(item: unknown): this {
    const key = this.ctx.partitionKeyOf?.(tableNameOf(this.table), this.index);
    if (key && item && typeof item === 'object') {
      const value = scalar((item as Input)[key]);
      if (value !== undefined) this.leading.add(value);
    }
    return this;
  }

  leadingValues(values: string[]): this {
    for (const value of values) this.leading.add(value);
    return this;
  }

  attributesFrom(names: Iterable<string>): this {
    for (const name of names) this.attributes.add(name);
    return this;
  }

  /** Select, ReturnValues, ReturnConsumedCapacity as sent. */
  options(input: Input): this {
    for (const [member, key] of [
      ['Select', 'dynamodb:Select'],
      ['ReturnValues', 'dynamodb:ReturnValues'],
      ['ReturnConsumedCapacity', 'dynamodb:ReturnConsumedCapacity'],
    ] as const) {
      const value = stringField(input, member);
      if (value) this.extra[key] = value;
    }
    return this;
  }

  projection(input: Input): this {
    const names = objectField(input, 'ExpressionAttributeNames');
    const projection = stringField(input, 'ProjectionExpression');
    if (projection) this.attributesFrom(topLevelNames(projection, names));
    this.attributesFrom(arrayField(input, 'AttributesToGet').filter((a): a is string => typeof a === 'string'));
    return this;
  }

  request(action: string): AuthorizationRequest {
    const context: Record<string, string | string[]> = { ...this.extra };
    if (this.leading.size > 0) context['dynamodb:LeadingKeys'] = [...this.leading];
    if (this.attributes.size > 0) context['dynamodb:Attributes'] = [...this.attributes];
    return { action, resource: tableArn(this.ctx, this.table, this.index), ...(Object.keys(context).length > 0 ? { context } : {}) };
  }
}

function itemRequest(ctx: DynamoDbContext, action: string, item: Input): AuthorizationRequest | undefined {
  const table = stringField(item, 'TableName');
  if (!table) return undefined;
  const names = objectField(item, 'ExpressionAttributeNames');
  const builder = new ContextBuilder(ctx, table).options(item);
  const key = objectField(item, 'Key');
  const putItem = objectField(item, 'Item');
  if (key) builder.leadingFrom(key);
  if (putItem) builder.leadingFrom(putItem).attributesFrom(Object.keys(putItem));
  if (action === 'dynamodb:GetItem') builder.projection(item);
  if (action === 'dynamodb:UpdateItem') {
    if (key) builder.attributesFrom(Object.keys(key));
    const update = stringField(item, 'UpdateExpression');
    if (update) builder.attributesFrom(updatedNames(update, names));
    builder.attributesFrom(Object.keys(objectField(item, 'AttributeUpdates') ?? {}));
  }
  return builder.request(action);
}

const TRANSACT_WRITE: Record<string, string> = {
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
};

/** The authorizations a DynamoDB call needs, in the order AWS would check them. */
export function dynamoDbRequests(operation: string, input: Input, ctx: DynamoDbContext): AuthorizationRequest[] {
  switch (operation) {
    case 'GetItem':
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem': {
      const request = itemRequest(ctx, `dynamodb:${operation}`, input);
      return request ? [request] : [{ action: `dynamodb:${operation}`, resource: '' }];
    }
    case 'Query':
    case 'Scan': {
      const table = stringField(input, 'TableName') ?? '';
      const index = stringField(input, 'IndexName');
      const builder = new ContextBuilder(ctx, table, index).options(input).projection(input);
      const partitionKey = ctx.partitionKeyOf?.(tableNameOf(table), index);
      if (operation === 'Query' && partitionKey) builder.leadingValues(queryLeadingKeys(input, partitionKey));
      return [builder.request(`dynamodb:${operation}`)];
    }
    case 'BatchGetItem':
    case 'BatchWriteItem': {
      const requests: AuthorizationRequest[] = [];
      for (const [table, entry] of Object.entries(objectField(input, 'RequestItems') ?? {})) {
        const builder = new ContextBuilder(ctx, table).options(input);
        if (operation === 'BatchGetItem' && entry && typeof entry === 'object') {
          for (const key of arrayField(entry as Input, 'Keys')) builder.leadingFrom(key);
          builder.projection(entry as Input);
        }
        if (operation === 'BatchWriteItem' && Array.isArray(entry)) {
          for (const write of entry as Input[]) {
            const put = objectField(objectField(write, 'PutRequest') ?? {}, 'Item');
            const del = objectField(objectField(write, 'DeleteRequest') ?? {}, 'Key');
            if (put) builder.leadingFrom(put).attributesFrom(Object.keys(put));
            if (del) builder.leadingFrom(del);
          }
        }
        requests.push(builder.request(`dynamodb:${operation}`));
      }
      return requests;
    }
    case 'TransactWriteItems':
    case 'TransactGetItems': {
      const requests: AuthorizationRequest[] = [];
      for (const entry of arrayField(input, 'TransactItems')) {
        if (!entry || typeof entry !== 'object') continue;
        for (const [kind, item] of Object.entries(entry as Input)) {
          const action = operation === 'TransactGetItems' ? (kind === 'Get' ? 'dynamodb:GetItem' : undefined) : TRANSACT_WRITE[kind];
          if (!action || !item || typeof item !== 'object') continue;
          const request = itemRequest(ctx, action, item as Input);
          if (request) requests.push(request);
        }
      }
      return requests;
    }
    case 'ListTables':
    case 'DescribeLimits':
    case 'DescribeEndpoints':
    case 'ListBackups':
    case 'ListGlobalTables':
    case 'ListExports':
    case 'ListImports':
      return [{ action: `dynamodb:${operation}`, resource: '*' }];
    case 'TagResource':
    case 'UntagResource':
    case 'ListTagsOfResource': {
      const arn = stringField(input, 'ResourceArn') ?? '';
      return [{ action: `dynamodb:${operation}`, resource: arn }];
    }
    default: {
      // DescribeTable, CreateTable, UpdateTable, DeleteTable, UpdateTimeToLive,
      // DescribeTimeToLive, DescribeContinuousBackups…: the action is the operation, on the table.
      // Without a table the request is malformed (DynamoDB answers ValidationException); an
      // empty resource matches no resource type, so it is denied, never allowed by a wildcard.
      const table = stringField(input, 'TableName');
      return [{ action: `dynamodb:${operation}`, resource: table ? tableArn(ctx, table) : '' }];
    }
  }
}
