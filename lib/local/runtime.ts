import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_DEFINITIONS, tableNameEnvironment } from '../cloud/table-definitions.js';
import { ensureTables, startDynamoDbLocal } from './dynamodb-local.js';
import {
  LOCAL_ACCESS_KEY_ID,
  LOCAL_AWS_ENVIRONMENT_UNSET,
  LOCAL_REGION,
  LOCAL_SECRET_ACCESS_KEY,
  localAwsEnvironment,
  startS3Server,
} from './s3-server.js';
import { LocalPipelineRunner, type RunnerOptions } from './state-machine-runner.js';
import { ENV } from '../../lambdas/shared/env.js';
import type { BlobStore, JobStore } from '../../lambdas/core/ports.js';

/** The bucket the local cloud keeps assets and videos in. */
export const LOCAL_BUCKET = 'ai-shorts-local';
/** Where the local cloud keeps its data unless told otherwise. */
export const DEFAULT_DATA_DIR = '.shorts-data';

export interface LocalCloudOptions {
  /** Data folder (DynamoDB files, S3 objects, render cache). Default `SHORTS_DATA_DIR` or `.shorts-data`. */
  dataDir?: string;
  /** Keep DynamoDB in memory (tests): nothing outlives the process. */
  inMemory?: boolean;
  /** Options for the state-machine runner (tests shorten waits and inject failures). */
  runner?: RunnerOptions;
  quiet?: boolean;
}

export interface LocalCloud {
  dataDir: string;
  dynamoEndpoint: string;
  s3Endpoint: string;
  bucket: string;
  /** Table names by logical name (`JobsTable` → `ai-shorts-jobs`). */
  tables: Record<string, string>;
  /** The variables set on `process.env` so handlers' default SDK clients reach the emulators. */
  env: Record<string, string>;
  /** Stops only DynamoDB Local (the ops tests watch /api/health turn 503); `stop` still ends the rest. */
  stopDynamoDb(): Promise<void>;
  /** Stops the emulators and restores `process.env`. Safe to call twice. */
  stop(): Promise<void>;
}

export interface LocalRuntime extends LocalCloud {
  jobs: JobStore;
  blobs: BlobStore;
  runner: LocalPipelineRunner;
}

/**
 * Starts the emulators on 127.0.0.1 — DynamoDB Local with the tables from the same
 * definitions the CDK stack uses, and an S3-compatible server keeping objects on disk — and
 * points `process.env` at them, so plain SDK clients (the handlers') reach them through the
 * standard `AWS_ENDPOINT_URL_*` variables.
 */
export async function startLocalCloud(options: Omit<LocalCloudOptions, 'runner'> & { bucket?: string } = {}): Promise<LocalCloud> {
  const dataDir = path.resolve(options.dataDir ?? process.env[ENV.DATA_DIR] ?? DEFAULT_DATA_DIR);
  const bucket = options.bucket ?? LOCAL_BUCKET;
  await mkdir(dataDir, { recursive: true });
  const [dynamo, s3] = await Promise.allSettled([
    startDynamoDbLocal(options.inMemory ? {} : { dbPath: path.join(dataDir, 'dynamodb') }),
    startS3Server({ directory: path.join(dataDir, 's3'), buckets: [bucket] }),
  ]);
  if (dynamo.status === 'rejected' || s3.status === 'rejected') {
    if (dynamo.status === 'fulfilled') await dynamo.value.stop();
    if (s3.status === 'fulfilled') await s3.value.stop();
    throw dynamo.status === 'rejected' ? dynamo.reason : (s3 as PromiseRejectedResult).reason;
  }

  const admin = new DynamoDBClient({
    endpoint: dynamo.value.endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY },
  });
  const tables = await ensureTables(admin, TABLE_DEFINITIONS).finally(() => admin.destroy());

  const env = {
    ...localAwsEnvironment({ dynamoEndpoint: dynamo.value.endpoint, s3Endpoint: s3.value.endpoint }),
    ...tableNameEnvironment(TABLE_DEFINITIONS),
    [ENV.ASSETS_BUCKET]: bucket,
    [ENV.DATA_DIR]: dataDir,
  };
  const saved = new Map<string, string | undefined>();
  for (const name of [...Object.keys(env), ...LOCAL_AWS_ENVIRONMENT_UNSET]) saved.set(name, process.env[name]);
  for (const name of LOCAL_AWS_ENVIRONMENT_UNSET) delete process.env[name];
  Object.assign(process.env, env);
  if (options.quiet) process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

  let stopped: Promise<void> | undefined;
  return {
    dataDir,
    dynamoEndpoint: dynamo.value.endpoint,
    s3Endpoint: s3.value.endpoint,
    bucket,
    tables,
    env,
    stopDynamoDb: () => dynamo.value.stop(),
    stop() {
      stopped ??= (async () => {
        await Promise.all([dynamo.value.stop(), s3.value.stop()]);
        for (const [name, value] of saved) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      })();
      return stopped;
    },
  };
}

/**
 * Starts the embedded cloud ({@link startLocalCloud}) and the pipeline ASL runner with the
 * real step handlers in-process: everything `shorts generate` and the tests need.
 */
export async function startLocalRuntime(options: LocalCloudOptions = {}): Promise<LocalRuntime> {
  const cloud = await startLocalCloud(options);
  try {
    // Imported after the environment is set: the composition root reads it when first used.
    const container = await import('../../lambdas/shared/container.js');
    const runner = await LocalPipelineRunner.create(options.runner);
    return {
      ...cloud,
      jobs: container.jobStore(),
      blobs: container.blobStore(),
      runner,
      async stop() {
        runner.abortAll();
        await cloud.stop();
      },
    };
  } catch (error) {
    await cloud.stop();
    throw error;
  }
}
