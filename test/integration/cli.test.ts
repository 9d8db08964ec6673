import { execFile, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, shorts, type CliOutcome } from '../support/cli.js';

const exec = promisify(execFile);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-cli-'));
  await chmod(dir, 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('shorts generate: usage errors exit 2 with a clear message and write nothing', () => {
  it.each([
    { name: 'an empty prompt', args: ['generate', '', '--out', 'x.mp4'], message: /prompt must be at least 3 characters/ },
    { name: 'a blank prompt', args: ['generate', '   ', '--out', 'x.mp4'], message: /prompt must be at least 3 characters/ },
    { name: 'no --out', args: ['generate', 'cats'], message: /--out/ },
    { name: 'an unknown flag', args: ['generate', 'cats', '--out', 'x.mp4', '--colour', 'red'], message: /unknown option '--colour'/ },
    { name: 'a bad aspect', args: ['generate', 'cats', '--out', 'x.mp4', '--aspect', '4:3'], message: /4:3.*Allowed choices are 9:16, 1:1, 16:9/s },
    { name: 'seconds out of range', args: ['generate', 'cats', '--out', 'x.mp4', '--seconds', '500'], message: /seconds must be at most 90/ },
    { name: 'seconds not a number', args: ['generate', 'cats', '--out', 'x.mp4', '--seconds', 'ten'], message: /whole number/ },
    { name: 'an output that is not .mp4', args: ['generate', 'cats', '--out', 'x.mov'], message: /must name an \.mp4 file/ },
    { name: 'a missing output folder', args: ['generate', 'cats', '--out', 'no/such/dir/x.mp4'], message: /folder .* does not exist/ },
    { name: 'a voice the voice provider does not have', args: ['generate', 'cats', '--out', 'x.mp4', '--voice', 'klingon-x'], message: /--voice "klingon-x": eSpeak NG has no such voice; use one of: .*\ben-us\b/ },
    { name: 'a cloud provider without its key', args: ['generate', 'cats', '--out', 'x.mp4'], env: { SHORTS_LLM: 'groq', GROQ_API_KEY: '' }, message: /SHORTS_LLM=groq needs an API key: set GROQ_API_KEY/ },
  ])('$name', async ({ args, message, env }) => {
    // Act
    const outcome = await shorts(args.map((a) => (a === 'x.mp4' || a === 'x.mov' ? path.join(dir, a) : a)), env);

    // Assess
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(message);
    expect(await readdir(dir)).toEqual([]);
  });

  // Root writes anywhere, so as root the check runs as `nobody` — which needs to reach the CLI.
  const isRoot = process.getuid?.() === 0;
  const nobodyCanRun = !isRoot || spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-r', CLI]).status === 0;
  it.skipIf(!nobodyCanRun)('an unwritable output folder', async () => {
    // Prepare: root can write anywhere, so make the folder read-only and run as nobody when root.
    const locked = path.join(dir, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o555);
    const asNobody = isRoot;
    const args = [CLI, 'generate', 'cats', '--out', path.join(locked, 'x.mp4')];
    const outcome = asNobody
      ? await exec('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args]).then(
          (r) => ({ code: 0, ...r }),
          (e: CliOutcome) => e,
        )
      : await shorts(args.slice(1));

    // Assess
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/Cannot write .*permission denied/);
    expect(await readdir(locked)).toEqual([]);
  });
});

describe('shorts generate: a real video', () => {
  it('makes a square MP4, shows each step, prints a summary and writes the access report', async () => {
    // Act
    const out = path.join(dir, 'square.mp4');
    const report = path.join(dir, 'access.json');
    const outcome = await shorts([
      'generate', 'A tiny guide to houseplants', '--out', out, '--seconds', '10', '--aspect', '1:1', '--data-dir', path.join(dir, 'data'), '--access-report', report,
    ]);

    // Assess
    expect(outcome.stderr + outcome.stdout).not.toMatch(/error/i);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toMatch(/✓ Render video/);
    expect(outcome.stdout).toContain(out);
    expect(outcome.stdout).toMatch(/scenes\s+\d/);
    expect(outcome.stdout).toMatch(/Render video\s+[\d.]+ s/);
    const { stdout } = await exec('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', out]);
    expect(stdout.trim()).toBe('1080,1080');
    expect((await readdir(dir)).filter((f) => f.includes('partial'))).toEqual([]);

    // The access report: every pipeline function that ran, nothing denied, Start Render's preview written.
    expect(outcome.stderr).toMatch(/Access report: .*access\.json \(\d+ functions, 0 denied calls\)/);
    const { functions } = JSON.parse(await readFile(report, 'utf8')) as { functions: { name: string; denied: number; calls: { action: string; resource: string; allowed: boolean }[] }[] };
    const names = functions.map((fn) => fn.name);
    for (const fn of ['GenerateScript', 'ParseScript', 'GenerateImage', 'GenerateVoice', 'BuildCaptions', 'ComputeDuration', 'StartRender', 'CheckRender', 'FinalizeJob']) expect(names).toContain(fn);
    expect(functions.reduce((sum, fn) => sum + fn.denied, 0)).toBe(0);
    const startRender = functions.find((fn) => fn.name === 'StartRender')!;
    expect(startRender.calls).toContainEqual(expect.objectContaining({ action: 's3:PutObject', resource: expect.stringMatching(/^arn:aws:s3:::ai-shorts-local\/videos\/.+\/preview\.json$/), allowed: true }));
  });
});
