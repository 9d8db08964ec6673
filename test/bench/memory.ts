/**
 * Peak memory of one generation: `node bin/shorts.mjs generate …` as its own process, its PSS
 * summed over the whole tree (tsx, DynamoDB Local's JVM, Chromium and its helpers, the
 * encoder) every ~200 ms. Also gives the CLI's wall time, start-up included.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_PROMPT, BENCH_SECONDS } from './fixture.js';
import { freshDataDir } from './end-to-end.js';
import { samplePss, type PssSample } from './process-tree.js';

export interface MemoryMeasurement {
  peak: PssSample;
  samples: number;
  /** The CLI's wall time, process start to exit. */
  wallMs: number;
}

export async function measureGenerateMemory(root: string, outFile: string): Promise<MemoryMeasurement> {
  const data = await freshDataDir(root);
  try {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [join(process.cwd(), 'bin/shorts.mjs'), 'generate', BENCH_PROMPT, '--out', outFile, '--seconds', String(BENCH_SECONDS), '--data-dir', data.dir],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const sampler = samplePss(child.pid!, 200);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', resolve);
    });
    const wallMs = performance.now() - started;
    const { peak, samples } = await sampler.stop();
    if (code !== 0) throw new Error(`shorts generate exited with ${code}: ${stderr.slice(-2000)}`);
    return { peak, samples, wallMs };
  } finally {
    await data.remove();
  }
}
