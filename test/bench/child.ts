/**
 * Runs one bench section in its own process and prints its result as JSON. The composition root
 * keeps one SDK client per process, pointed at the emulators that were running when it was first
 * used, so each section that starts a local cloud gets a fresh process.
 *
 *   node --import tsx test/bench/child.ts e2e <root> <out.mp4>
 *   node --import tsx test/bench/child.ts orchestration <root> <jobs>
 */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MARK = '@@bench-result ';

/** Runs `section` in a child process; resolves with what it printed as its result. */
export async function inChild<T>(section: 'e2e' | 'orchestration', args: string[]): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), section, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  const line = stdout.split('\n').find((l) => l.startsWith(MARK));
  if (code !== 0 || !line) throw new Error(`bench section ${section} failed (exit ${code}):\n${stderr.slice(-3000)}`);
  return JSON.parse(line.slice(MARK.length)) as T;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [section, root, arg] = process.argv.slice(2);
  let result: unknown;
  if (section === 'e2e') {
    const { generateOnce } = await import('./end-to-end.js');
    result = await generateOnce(root!, arg!);
  } else if (section === 'orchestration') {
    const { measureOrchestration } = await import('./orchestration.js');
    result = await measureOrchestration(root!, Number(arg));
  } else {
    throw new Error(`unknown section ${section}`);
  }
  process.stdout.write(`\n${MARK}${JSON.stringify(result)}\n`);
  process.exit(0);
}
