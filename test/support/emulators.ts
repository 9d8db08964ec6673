/**
 * DynamoDB Local and s3rver for tests: one instance per test process, shared by every caller
 * in it, stopped when the last caller releases it. While running, `process.env` points the
 * AWS SDK (clients created with default config) and the composition root at them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_DEFINITIONS, tableNameEnvironment } from '../../lib/cloud/table-definitions.js';
import { ensureTables, startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import {
  LOCAL_ACCESS_KEY_ID,
  LOCAL_AWS_ENVIRONMENT_UNSET,
  LOCAL_REGION,
  LOCAL_SECRET_ACCESS_KEY,
  localAwsEnvironment,
  startS3Server,
} from '../../lib/local/s3-server.js';
import { ENV } from '../../lambdas/shared/env.js';

export const TEST_BUCKET = 'ai-shorts-assets-test';

export interface Emulators {
  dynamoEndpoint: string;
  s3Endpoint: string;
  bucket: string;
  /** Table names by logical name (`JobsTable` → `ai-shorts-jobs`). */
  tables: Record<string, string>;
  /** The variables set on `process.env` while the emulators run. */
  env: Record<string, string>;
  /** A scratch directory removed on stop (s3rver keeps objects under it). */
  dataDir: string;
  /** Releases this caller's hold; the last release stops both emulators and restores the env. */
  stop(): Promise<void>;
}

type Running = Omit<Emulators, 'stop'> & { shutdown(): Promise<void> };

let shared: Promise<Running> | undefined;
let holders = 0;

async function boot(): Promise<Running> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-emulators-'));
  const [dynamo, s3] = await Promise.allSettled([
    startDynamoDbLocal(),
    startS3Server({ directory: path.join(dataDir, 's3'), buckets: [TEST_BUCKET] }),
  ]);
  if (dynamo.status === 'rejected' || s3.status === 'rejected') {
    if (dynamo.status === 'fulfilled') await dynamo.value.stop();
    if (s3.status === 'fulfilled') await s3.value.stop();
    await rm(dataDir, { recursive: true, force: true });
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
    [ENV.ASSETS_BUCKET]: TEST_BUCKET,
  };
  const saved = new Map<string, string | undefined>();
  for (const name of [...Object.keys(env), ...LOCAL_AWS_ENVIRONMENT_UNSET]) saved.set(name, process.env[name]);
  for (const name of LOCAL_AWS_ENVIRONMENT_UNSET) delete process.env[name];
  Object.assign(process.env, env);

  return {
    dynamoEndpoint: dynamo.value.endpoint,
    s3Endpoint: s3.value.endpoint,
    bucket: TEST_BUCKET,
    tables,
    env,
    dataDir,
    async shutdown() {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await Promise.all([dynamo.value.stop(), s3.value.stop()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts the emulators, or joins the ones already running in this process. */
export async function startEmulators(): Promise<Emulators> {
  holders++;
  shared ??= boot();
  let running: Running;
  try {
    running = await shared;
  } catch (error) {
    holders--;
    shared = undefined;
    throw error;
  }
  const { shutdown, ...info } = running;
  let released = false;
  return {
    ...info,
    async stop() {
      if (released) return;
      released = true;
      holders--;
      if (holders === 0) {
        shared = undefined;
        await shutdown();
      }
    },
  };
}
