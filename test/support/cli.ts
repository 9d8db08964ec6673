/** Runs the `shorts` CLI as a user would, with the project's Node (the one running the tests). */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const CLI = path.resolve('bin/shorts.mjs');

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** The exit code and both streams; a non-zero exit is an outcome, not a throw. */
export async function shorts(args: string[], env: Record<string, string> = {}, timeoutMs = 900_000): Promise<CliOutcome> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
