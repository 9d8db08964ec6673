/**
 * The cached synthesis (lib/local/contract/synthesize.ts): a hit is fast and runs no child, the
 * hash follows the inputs, concurrent loads synthesize once, a failing synthesis says why, and
 * locks and old files are cleaned up.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cacheFileName,
  contractHash,
  contractInputFiles,
  HASHED_FILES,
  loadSynthesizedStack,
  REPO_ROOT,
  runSynthChild,
  SynthesisFailed,
  type RunSynth,
} from '../../lib/local/contract/synthesize.js';
import { CONTRACT_FILE_VERSION, type SynthesizedStack } from '../../lib/local/contract/types.js';

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const never: RunSynth = () => {
  throw new Error('synthesized on what should have been a cache hit');
};

/** A stand-in synthesis that writes a minimal contract file (for the lock and cleanup tests). */
function fakeSynth(calls: { count: number }, delayMs = 0): RunSynth {
  return async (outFile, hash) => {
    calls.count += 1;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const stack: SynthesizedStack = {
      version: CONTRACT_FILE_VERSION,
      hash,
      template: { Resources: {} },
      index: {} as SynthesizedStack['index'],
      stateMachineDefinition: '{}',
    };
    writeFileSync(outFile, JSON.stringify(stack));
  };
}

function write(root: string, file: string, text: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

describe('loadSynthesizedStack', () => {
  it('hits the cache the global setup filled: no child process, well under 100 ms', async () => {
    // Prepare
    const first = await loadSynthesizedStack({ runSynth: never });

    // Act: three hits (the other worker may be busy on the second core; the best one is the cost).
    const times: number[] = [];
    let second = first;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      second = await loadSynthesizedStack({ runSynth: never, onSynthesize: () => expect.fail('onSynthesize on a hit') });
      times.push(performance.now() - started);
    }

    // Assess
    console.log(`contract cache hit (hash + read + parse): ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
    expect(Math.min(...times)).toBeLessThan(100);
    expect(second.hash).toBe(first.hash);
    expect(second.template).toEqual(first.template);
    expect(second.cacheFile.endsWith(cacheFileName(second.hash))).toBe(true);
    expect(Object.keys(second.index.functions)).toContain('StartRender');
  });

  it('synthesizes once for two concurrent loads on an empty cache dir (the real child process)', async () => {
    // Prepare
    const cacheDir = join(tempDir('ai-shorts-contract-cache-'), 'nested', 'cache');
    let children = 0;
    const counted: RunSynth = (outFile, hash) => {
      children += 1;
      return runSynthChild(outFile, hash);
    };
    const told: string[] = [];

    // Act
    const started = performance.now();
    const [a, b] = await Promise.all([
      loadSynthesizedStack({ cacheDir, runSynth: counted, onSynthesize: () => told.push('a') }),
      loadSynthesizedStack({ cacheDir, runSynth: counted, onSynthesize: () => told.push('b') }),
    ]);
    console.log(`contract cache miss (child synthesis): ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // Assess
    expect(children).toBe(1);
    expect(told.sort()).toEqual(['a', 'b']);
    expect(a.hash).toBe(b.hash);
    expect(a.template).toEqual(b.template);
    expect(readdirSync(cacheDir)).toEqual([cacheFileName(a.hash)]); // no lock, no temp file left
    const third = await loadSynthesizedStack({ cacheDir, runSynth: never });
    expect(third.stateMachineDefinition).toBe(a.stateMachineDefinition);
  });

  it('takes over a lock whose process is gone, and keeps only the newest few other cache files', async () => {
    // Prepare
    const cacheDir = tempDir('ai-shorts-contract-cache-');
    const calls = { count: 0 };
    const hash = contractHash();
    writeFileSync(join(cacheDir, `${cacheFileName(hash)}.lock`), JSON.stringify({ pid: 2 ** 22 + 12345 }));
    const old = Array.from({ length: 5 }, (_, i) => cacheFileName(String(i).repeat(64)));
    old.forEach((name, i) => {
      writeFileSync(join(cacheDir, name), '{}');
      utimesSync(join(cacheDir, name), 1_000_000 + i, 1_000_000 + i);
    });
    writeFileSync(join(cacheDir, 'unrelated.txt'), 'kept');

    // Act
    const loaded = await loadSynthesizedStack({ cacheDir, runSynth: fakeSynth(calls), lockTimeoutMs: 5_000 });

    // Assess
    expect(calls.count).toBe(1);
    expect(loaded.hash).toBe(hash);
    expect(readdirSync(cacheDir).sort()).toEqual([cacheFileName(hash), ...old.slice(2), 'unrelated.txt'].sort());
  });

  it('waits for a live lock holder and gives up after the timeout, naming the lock', async () => {
    // Prepare
    const cacheDir = tempDir('ai-shorts-contract-cache-');
    const lock = join(cacheDir, `${cacheFileName(contractHash())}.lock`);
    writeFileSync(lock, JSON.stringify({ pid: process.pid }));

    // Act
    const attempt = loadSynthesizedStack({ cacheDir, runSynth: never, lockTimeoutMs: 300 });

    // Assess
    await expect(attempt).rejects.toThrow(SynthesisFailed);
    await expect(loadSynthesizedStack({ cacheDir, runSynth: never, lockTimeoutMs: 300 })).rejects.toThrow(lock);
    expect(existsSync(lock)).toBe(true); // not ours to remove
  });

  it('treats a cache file of another version as a miss', async () => {
    // Prepare
    const cacheDir = tempDir('ai-shorts-contract-cache-');
    const hash = contractHash();
    writeFileSync(join(cacheDir, cacheFileName(hash)), JSON.stringify({ version: CONTRACT_FILE_VERSION - 1, hash }));
    const calls = { count: 0 };

    // Act
    const loaded = await loadSynthesizedStack({ cacheDir, runSynth: fakeSynth(calls) });

    // Assess
    expect(calls.count).toBe(1);
    expect(loaded.version).toBe(CONTRACT_FILE_VERSION);
  });
});

describe('the hash', () => {
  function fakeRepo(): string {
    const root = tempDir('ai-shorts-contract-repo-');
    write(root, 'lib/cloud/api.ts', 'export const a = 1;');
    write(root, 'lambdas/steps/x/handler.ts', 'export const handler = 1;');
    write(root, 'state-machines/video-pipeline.asl.json', '{}');
    for (const file of HASHED_FILES) write(root, file, `// ${file}`);
    write(root, 'lib/local/runtime.ts', 'not an input');
    write(root, 'README.md', 'not an input');
    return root;
  }

  it('covers lib/cloud, lambdas, state-machines, the app, cdk.json, the lock file, the synth script and the ASL path module, sorted', () => {
    // Prepare
    const root = fakeRepo();

    // Act
    const files = contractInputFiles(root);

    // Assess
    expect(files).toEqual(
      [
        'bin/app.ts',
        'cdk.json',
        'lambdas/steps/x/handler.ts',
        'lib/cloud/api.ts',
        'lib/local/contract/synth-main.ts',
        'lib/local/contract/types.ts',
        'lib/local/state-machine-runner.ts',
        'package-lock.json',
        'state-machines/video-pipeline.asl.json',
      ].sort(),
    );
    expect(contractInputFiles()).toEqual(expect.arrayContaining(['lib/cloud/ai-shorts-stack.ts', 'lambdas/steps/registry.ts', 'package-lock.json']));
  });

  it('changes with the contents of any input, a new input, a renamed input; not with other files', () => {
    // Prepare
    const root = fakeRepo();
    const before = contractHash(root);

    // Act + Assess
    write(root, 'README.md', 'edited');
    write(root, 'lib/local/runtime.ts', 'edited');
    expect(contractHash(root)).toBe(before);

    write(root, 'lambdas/steps/x/handler.ts', 'export const handler = 2;');
    const edited = contractHash(root);
    expect(edited).not.toBe(before);

    write(root, 'lambdas/steps/x/handler.ts', 'export const handler = 1;');
    expect(contractHash(root)).toBe(before);

    write(root, 'lib/cloud/new-construct.ts', '');
    expect(contractHash(root)).not.toBe(before);
    rmSync(join(root, 'lib/cloud/new-construct.ts'));

    write(root, 'cdk.json', '{"context":{}}');
    expect(contractHash(root)).not.toBe(before);
    write(root, 'cdk.json', '// cdk.json');

    // The same content under another name is another input.
    expect(contractHash(root, ['lib/cloud/api.ts'])).not.toBe(
      (() => {
        write(root, 'lib/cloud/other.ts', 'export const a = 1;');
        return contractHash(root, ['lib/cloud/other.ts']);
      })(),
    );
  });

  it('keys the cache: an input changed since the last load is a miss', async () => {
    // Prepare
    const root = fakeRepo();
    const cacheDir = tempDir('ai-shorts-contract-cache-');
    const calls = { count: 0 };
    const first = await loadSynthesizedStack({ root, cacheDir, runSynth: fakeSynth(calls) });

    // Act
    await loadSynthesizedStack({ root, cacheDir, runSynth: fakeSynth(calls) });
    write(root, 'state-machines/video-pipeline.asl.json', '{"StartAt":"A"}');
    const changed = await loadSynthesizedStack({ root, cacheDir, runSynth: fakeSynth(calls) });

    // Assess
    expect(calls.count).toBe(2);
    expect(changed.hash).not.toBe(first.hash);
    expect(readdirSync(cacheDir).sort()).toEqual([cacheFileName(first.hash), cacheFileName(changed.hash)].sort());
  });
});

describe('runSynthChild', () => {
  it("fails with the tail of the child's stderr", async () => {
    // Prepare
    const dir = tempDir('ai-shorts-contract-fail-');
    const script = join(dir, 'fail.mjs');
    writeFileSync(script, "console.error('x'.repeat(10000)); console.error('InvalidContext: Context SHORTS_LLM=offline cannot run in AWS Lambda'); process.exit(3);");

    // Act
    const attempt = runSynthChild(join(dir, 'out.json'), 'hash', script);

    // Assess
    await expect(attempt).rejects.toThrow(SynthesisFailed);
    await expect(runSynthChild(join(dir, 'out.json'), 'hash', script)).rejects.toThrow(/exited with 3\.\n[x]+\nInvalidContext: Context SHORTS_LLM=offline cannot run in AWS Lambda$/);
  });
});

describe('two processes', () => {
  it('synthesize once between them: the lock file is the arbiter, not this process', async () => {
    // Prepare: two Node processes load with a stand-in synthesis that records each run.
    const dir = tempDir('ai-shorts-contract-procs-');
    const cacheDir = join(dir, 'cache');
    const runs = join(dir, 'runs.log');
    const script = join(dir, 'load.mts');
    writeFileSync(
      script,
      `import { appendFileSync, writeFileSync } from 'node:fs';
import { loadSynthesizedStack } from ${JSON.stringify(join(REPO_ROOT, 'lib/local/contract/synthesize.ts'))};
const loaded = await loadSynthesizedStack({
  cacheDir: ${JSON.stringify(cacheDir)},
  runSynth: async (out, hash) => {
    appendFileSync(${JSON.stringify(runs)}, process.pid + '\\n');
    await new Promise((r) => setTimeout(r, 1500));
    writeFileSync(out, JSON.stringify({ version: ${CONTRACT_FILE_VERSION}, hash, template: { Resources: {} }, index: {}, stateMachineDefinition: '{}' }));
  },
});
console.log(loaded.hash);
`,
    );
    const run = () =>
      new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT }, (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim()),
        );
      });

    // Act
    const [a, b] = await Promise.all([run(), run()]);

    // Assess
    expect(readFileSync(runs, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(a).toBe(contractHash());
    expect(b).toBe(a);
  });
});
