/**
 * Every function of the stack starts with only what its template gives it: its module scope
 * builds its dependencies from its own environment (lambdas/shared/config.ts), so a variable the
 * stack forgot to give a function fails its start here, naming the variable, as it would fail
 * every invocation in AWS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';

let runtime: LocalRuntime;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-start-'));
  runtime = await startLocalRuntime({ dataDir, inMemory: true, quiet: true, queue: true });
});

afterAll(async () => {
  await runtime?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('every function of the stack', () => {
  it('starts with the environment its template gives it', async () => {
    const failures: string[] = [];
    for (const fn of runtime.host.list()) {
      try {
        await runtime.host.start(fn.id);
      } catch (error) {
        failures.push(`${fn.id}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(runtime.host.started().sort()).toEqual(Object.keys(runtime.contract.functions).sort());
  });

  it("sees none of the parent process's variables", async () => {
    process.env.AI_SHORTS_PARENT_ONLY = 'visible';
    try {
      const seen = await runtime.host.within('GetMe', async () => process.env.AI_SHORTS_PARENT_ONLY);
      expect(seen).toBeUndefined();
      expect(runtime.host.get('GetMe').environment.AI_SHORTS_PARENT_ONLY).toBeUndefined();
    } finally {
      delete process.env.AI_SHORTS_PARENT_ONLY;
    }
  });
});
