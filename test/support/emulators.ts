/**
 * The local cloud for tests of the stores and adapters: one runtime per test process, shared by
 * every caller in it, stopped when the last caller releases it. Tests act as the local operator
 * (admin credentials, configured explicitly): nothing is set on `process.env`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';

export const TEST_BUCKET = 'ai-shorts-assets-test';

export interface Emulators {
  runtime: LocalRuntime;
  bucket: string;
  /** Table names by logical name (`JobsTable` → `ai-shorts-jobs`). */
  tables: Record<string, string>;
  /** SDK client configuration with the operator's credentials, for one local service. */
  clientConfig: LocalRuntime['adminClientConfig'];
  /** A scratch directory removed on stop (the S3 server keeps objects under it). */
  dataDir: string;
  /** Releases this caller's hold; the last release stops the runtime. */
  stop(): Promise<void>;
}

type Running = Omit<Emulators, 'stop'> & { shutdown(): Promise<void> };

let shared: Promise<Running> | undefined;
let holders = 0;

async function boot(): Promise<Running> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-emulators-'));
  try {
    const runtime = await startLocalRuntime({ dataDir, inMemory: true, bucket: TEST_BUCKET, quiet: true, settings: {} });
    return {
      runtime,
      bucket: runtime.contract.buckets.assets.name,
      tables: Object.fromEntries(Object.entries(runtime.contract.tables).map(([logical, table]) => [logical, table.name])),
      clientConfig: runtime.adminClientConfig,
      dataDir,
      async shutdown() {
        await runtime.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Starts the local cloud, or joins the one already running in this process. */
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
