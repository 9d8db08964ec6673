import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal, type AddToPrincipalPolicyResult, type RoleProps } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/shared/env.js';
import { SECRET_ARN_VARIABLES, type SecretKey } from '../../lambdas/shared/secret-keys.js';
import type { StepFunctionSpec } from '../../lambdas/steps/registry.js';
import { nagArn } from './nag.js';
import { REPO_ROOT } from './paths.js';
import { tablesNamed, tableUses, type StoreOperation } from '../../lambdas/adapters/aws/store-operations.js';
import { TABLES, type TableLogicalName } from './table-definitions.js';

/** The Node runtime of every handler Lambda. */
export const HANDLER_RUNTIME = Runtime.NODEJS_24_X;

/**
 * Modules left out of the cloud bundles: the offline adapters (resvg's native binary, the
 * eSpeak WASM build, Remotion's bundler and renderer with Chromium) only run on one machine.
 * esbuild matches these against the import path as written in lambdas/.
 */
export const OFFLINE_ONLY_IMPORTS = ['../adapters/offline/*', '../../adapters/offline/*'];

/** esbuild target for the handler bundles (matches {@link HANDLER_RUNTIME}). */
export const BUNDLE_TARGET = 'node24';

/** CommonJS dependencies inside an ESM bundle still call require() for Node built-ins. */
export const BUNDLE_BANNER = "import { createRequire as __shortsCreateRequire } from 'node:module'; const require = __shortsCreateRequire(import.meta.url);";

/** Where a render runs: what Start Render and Check Render need to drive Remotion Lambda. */
export interface RenderTarget {
  functionName: string;
  functionArn: string;
  serveUrl: string;
  region: string;
  bucket: IBucket;
}

/**
 * What a handler Lambda is: a pipeline step (StepFunctionSpec, described by its states) or an
 * API route / queue function (described by `description`).
 */
export type HandlerSpec = Pick<StepFunctionSpec, 'id' | 'entry' | 'timeoutSeconds' | 'memoryMb'> &
  ({ states: readonly string[]; description?: undefined } | { states?: undefined; description: string });

export interface PipelineFunctionProps {
  spec: HandlerSpec;
  logRetention: RetentionDays;
  retainData: boolean;
  /** Reserved concurrency (the dispatcher's 1, so the running count it checks is exact). */
  reservedConcurrency?: number;
}

/**
 * A role whose statements are its own inline policy (the role's `Policies`) rather than a separate
 * AWS::IAM::Policy resource. IAM sees the same inline policy either way (the same 10,240-character
 * budget per role); the stack holds one CloudFormation resource fewer per function, and a stack
 * may hold 500 (test/cloud/stack.test.ts keeps a tenth of them free).
 */
class InlinePolicyRole extends Role {
  private readonly document: PolicyDocument;

  constructor(scope: Construct, id: string, props: RoleProps) {
    const document = new PolicyDocument();
    super(scope, id, { ...props, inlinePolicies: { ...props.inlinePolicies, access: document } });
    this.document = document;
  }

  override addToPrincipalPolicy(statement: PolicyStatement): AddToPrincipalPolicyResult {
    this.document.addStatements(statement);
    return { statementAdded: true, policyDependable: this };
  }
}

/**
 * One pipeline step as a Lambda function, with the house defaults (Node 24 on arm64, ESM,
 * source maps, X-Ray, JSON logs into a log group with retention) and a role that starts
 * empty: each `bind…` call adds one env var together with exactly the grant it implies.
 */
export class PipelineFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const { spec } = props;
    this.role = new InlinePolicyRole(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: spec.states ? `ai-shorts step ${spec.id} (${spec.states.join(', ')})` : `ai-shorts ${spec.id}`,
    });
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    logGroup.grantWrite(this.role);
    this.logGroup = logGroup;

    this.function = new NodejsFunction(this, 'Function', {
      description: spec.states ? `ai-shorts: ${spec.states.join(', ')}` : `ai-shorts: ${spec.description}`,
      entry: join(REPO_ROOT, spec.entry),
      handler: 'handler',
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      projectRoot: REPO_ROOT,
      runtime: HANDLER_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrency }),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      // Stack traces in the logs point at lambdas/*.ts lines, not the minified bundle.
      environment: { NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        mainFields: ['module', 'main'],
        sourceMap: true,
        // File and line are enough; the sources' text would triple the map Node parses at cold start.
        sourcesContent: false,
        minify: true,
        // The same SDK versions the tests ran with, not whatever the runtime ships.
        bundleAwsSDK: true,
        externalModules: OFFLINE_ONLY_IMPORTS,
        tsconfig: join(REPO_ROOT, 'tsconfig.json'),
        banner: BUNDLE_BANNER,
      },
    });

    NagSuppressions.addResourceSuppressions(
      this.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
  }

  addEnvironment(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }

  /**
   * The store operations the function uses (lambdas/adapters/aws/store-operations.ts): exactly the
   * DynamoDB actions they make, on the tables and indexes they make them on, and the names of the
   * tables its stores are built with in the env.
   */
  bindStore(operations: readonly StoreOperation[], tables: Record<TableLogicalName, ITable>): this {
    for (const name of tablesNamed(operations)) this.addEnvironment(TABLES[name].tableNameEnv, tables[name].tableName);
    for (const use of tableUses(operations)) {
      const table = tables[use.table];
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: use.actions.map((action) => `dynamodb:${action}`),
          resources: [use.index ? `${table.tableArn}/index/${use.index}` : table.tableArn],
          // A use limited to some attributes: the request may name no other (store-operations.ts `attributes`).
          ...(use.attributes ? { conditions: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...use.attributes] } } } : {}),
        }),
      );
    }
    return this;
  }

  /**
   * The assets bucket's name in the env; object reads/writes under the given key prefixes, and
   * ListBucket so a missing key answers 404 (the content-addressed "exists?" check) not 403.
   * `delete` prefixes (a video's files) get ListBucket + DeleteObject.
   */
  bindAssets(bucket: IBucket, access: { read: readonly string[]; write: readonly string[]; delete?: readonly string[] }): this {
    this.addEnvironment(ENV.ASSETS_BUCKET, bucket.bucketName);
    const deletes = access.delete ?? [];
    if (access.read.length > 0 || deletes.length > 0) {
      this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    }
    if (access.read.length > 0) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['s3:GetObject'], resources: access.read.map((prefix) => bucket.arnForObjects(`${prefix}*`)) }),
      );
    }
    if (access.write.length > 0) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['s3:PutObject'], resources: access.write.map((prefix) => bucket.arnForObjects(`${prefix}*`)) }),
      );
    }
    if (deletes.length > 0) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['s3:DeleteObject'], resources: deletes.map((prefix) => bucket.arnForObjects(`${prefix}*`)) }),
      );
    }
    const prefixes = [...new Set([...access.read, ...access.write, ...deletes])];
    if (prefixes.length > 0) {
      NagSuppressions.addResourceSuppressions(
        this.role,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason: `Object access under key prefixes ${prefixes.join(', ')} of the assets bucket; S3 object ARNs name keys with a wildcard.`,
            appliesTo: prefixes.map((prefix) => `Resource::${nagArn(bucket)}/${prefix}*`),
          },
        ],
        true,
      );
    }
    return this;
  }

  /**
   * One key's secret: its ARN in the env (`<KEY>_SECRET_ARN`, lambdas/shared/secret-keys.ts) and
   * GetSecretValue on that secret alone.
   */
  bindSecret(key: SecretKey, secret: ISecret): this {
    this.addEnvironment(SECRET_ARN_VARIABLES[key], secret.secretArn);
    // GetSecretValue only (grantRead adds DescribeSecret, which nothing here calls).
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
    return this;
  }

  /** The jobs queue's URL in the env (`JOBS_QUEUE_URL`) and sqs:SendMessage on that queue only. */
  bindQueueSend(queue: IQueue): this {
    this.addEnvironment(ENV.JOBS_QUEUE_URL, queue.queueUrl);
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    return this;
  }

  /** The webhooks queue's URL in the env (`WEBHOOK_QUEUE_URL`) and sqs:SendMessage on that queue only. */
  bindWebhookQueueSend(queue: IQueue): this {
    this.addEnvironment(ENV.WEBHOOK_QUEUE_URL, queue.queueUrl);
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    return this;
  }

  /**
   * Remotion Lambda's coordinates in the env and invoke on the render function (start, progress:
   * @remotion/lambda-client asks the function itself). `start` may also upload input props too
   * large to send inline (renderMediaOnLambda puts them under input-props/ in Remotion's bucket).
   */
  bindRenderer(target: RenderTarget, mode: 'start' | 'check'): this {
    this.addEnvironment(ENV.REMOTION_FUNCTION_NAME, target.functionName)
      .addEnvironment(ENV.REMOTION_SERVE_URL, target.serveUrl)
      .addEnvironment(ENV.REMOTION_REGION, target.region)
      .addEnvironment(ENV.REMOTION_BUCKET, target.bucket.bucketName);
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.functionArn] }));
    if (mode === 'start') {
      this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [target.bucket.arnForObjects('input-props/*')] }));
      NagSuppressions.addResourceSuppressions(
        this.role,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason: "Remotion's render bucket: input props too large to send inline go under input-props/; S3 object ARNs name keys with a wildcard.",
            appliesTo: [`Resource::${nagArn(target.bucket)}/input-props/*`],
          },
        ],
        true,
      );
    }
    return this;
  }
}
