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

export interface LocalRuntime {
  dataDir: string;
  dynamoEndpoint: string;
  s3Endpoint: string;
  bucket: string;
  /** The variables set on `process.env` so handlers' default SDK clients reach the emulators. */
  env: Record<string, string>;
  jobs: JobStore;
  blobs: BlobStore;
  runner: LocalPipelineRunner;
  stop(): Promise<void>;
}

/**
 * Starts the embedded cloud on 127.0.0.1: DynamoDB Local with the tables from the same
 * definitions the CDK stack uses, an S3-compatible server keeping objects on disk, and the
 * pipeline ASL runner with the real step handlers in-process. Handlers reach the emulators
 * through the standard `AWS_ENDPOINT_URL_*` variables, set here on `process.env`.
 */
export async function startLocalRuntime(options: LocalCloudOptions = {}): Promise<LocalRuntime> {
  const dataDir = path.resolve(options.dataDir ?? process.env[ENV.DATA_DIR] ?? DEFAULT_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const [dynamo, s3] = await Promise.allSettled([
    startDynamoDbLocal(options.inMemory ? {} : { dbPath: path.join(dataDir, 'dynamodb') }),
    startS3Server({ directory: path.join(dataDir, 's3'), buckets: [LOCAL_BUCKET] }),
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
  await ensureTables(admin, TABLE_DEFINITIONS).finally(() => admin.destroy());

  const env = {
    ...localAwsEnvironment({ dynamoEndpoint: dynamo.value.endpoint, s3Endpoint: s3.value.endpoint }),
    ...tableNameEnvironment(TABLE_DEFINITIONS),
    [ENV.ASSETS_BUCKET]: LOCAL_BUCKET,
    [ENV.DATA_DIR]: dataDir,
  };
  const saved = new Map<string, string | undefined>();
  for (const name of [...Object.keys(env), ...LOCAL_AWS_ENVIRONMENT_UNSET]) saved.set(name, process.env[name]);
  for (const name of LOCAL_AWS_ENVIRONMENT_UNSET) delete process.env[name];
  Object.assign(process.env, env);
  if (options.quiet) process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

  // Imported after the environment is set: the composition root reads it when first used.
  const container = await import('../../lambdas/shared/container.js');
  const runner = await LocalPipelineRunner.create(options.runner);

  let stopped: Promise<void> | undefined;
  return {
    dataDir,
    dynamoEndpoint: dynamo.value.endpoint,
    s3Endpoint: s3.value.endpoint,
    bucket: LOCAL_BUCKET,
    env,
    jobs: container.jobStore(),
    blobs: container.blobStore(),
    runner,
    stop() {
      stopped ??= (async () => {
        runner.abortAll();
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
