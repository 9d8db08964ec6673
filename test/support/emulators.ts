/**
 * DynamoDB Local and s3rver for tests: one instance per test process, shared by every caller
 * in it, stopped when the last caller releases it. While running, `process.env` points the
 * AWS SDK (clients created with default config) and the composition root at them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalCloud } from '../../lib/local/runtime.js';

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
  try {
    const cloud = await startLocalCloud({ dataDir, inMemory: true, bucket: TEST_BUCKET });
    const { stop, ...info } = cloud;
    return {
      ...info,
      async shutdown() {
        await stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
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
