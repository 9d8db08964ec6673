import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import {
  TABLES,
  TABLE_LOGICAL_NAMES,
  type IndexDefinition,
  type KeyAttribute,
  type TableDefinition,
  type TableLogicalName,
} from './table-definitions.js';

const ATTRIBUTE_TYPES = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY } as const;

function attribute(key: KeyAttribute): Attribute {
  return { name: key.name, type: ATTRIBUTE_TYPES[key.type] };
}

function projection(index: IndexDefinition): { projectionType: ProjectionType; nonKeyAttributes?: string[] } {
  switch (index.projection.type) {
    case 'ALL':
      return { projectionType: ProjectionType.ALL };
    case 'KEYS_ONLY':
      return { projectionType: ProjectionType.KEYS_ONLY };
    case 'INCLUDE':
      return { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection.attributes] };
  }
}

export interface DataProps {
  retainData: boolean;
}

/**
 * The app's DynamoDB tables, built from lib/cloud/table-definitions.ts — the module the local
 * runtime creates its DynamoDB Local tables from — so the two schemas cannot drift.
 * On-demand billing, point-in-time recovery, encryption with the AWS managed key.
 */
export class Data extends Construct {
  readonly tables: Record<TableLogicalName, Table>;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    this.tables = Object.fromEntries(
      TABLE_LOGICAL_NAMES.map((name) => [name, this.table(TABLES[name], props)]),
    ) as Record<TableLogicalName, Table>;
  }

  private table(definition: TableDefinition, props: DataProps): Table {
    const table = new Table(this, definition.logicalName, {
      partitionKey: attribute(definition.partitionKey),
      ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: props.retainData,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
    });
    for (const index of definition.globalSecondaryIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
        ...projection(index),
      });
    }
    return table;
  }
}
