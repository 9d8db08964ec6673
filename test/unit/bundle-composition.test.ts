import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleComposition, compositionSourceHash } from '../../lambdas/adapters/offline/remotion-renderer.js';
import { parseParts } from '../bench/first-run.js';

describe('bundleComposition: one bundle per source hash, whichever process asks first', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('waits for the bundle another live process is making instead of bundling too', async () => {
    // Arrange: the lock of a bundle in progress, held by a live process (this one).
    const root = await mkdtemp(join(tmpdir(), 'bundle-lock-'));
    dirs.push(root);
    const bundleDir = join(root, await compositionSourceHash());
    await writeFile(`${bundleDir}.lock`, String(process.pid));
    let built = false;

    // Act: ask, then let the "other process" finish its bundle a little later.
    const asked = bundleComposition(root, { onBundled: () => (built = true) });
    await new Promise((done) => setTimeout(done, 700));
    const early = await Promise.race([asked.then(() => 'resolved'), new Promise((done) => setTimeout(() => done('waiting'), 50))]);
    await mkdir(bundleDir);
    await writeFile(join(bundleDir, 'index.html'), '<html></html>');
    const serveUrl = await asked;

    // Assess: it waited, took the other bundle, and built nothing of its own (no temporary folder).
    expect(early).toBe('waiting');
    expect(serveUrl).toBe(bundleDir);
    expect(built).toBe(false);
    expect((await readdir(root)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('finds a bundle already on disk without taking the lock', async () => {
    // Arrange
    const root = await mkdtemp(join(tmpdir(), 'bundle-hit-'));
    dirs.push(root);
    const bundleDir = join(root, await compositionSourceHash());
    await mkdir(bundleDir, { recursive: true });
    await writeFile(join(bundleDir, 'index.html'), '<html></html>');

    // Act
    const serveUrl = await bundleComposition(root);

    // Assess
    expect(serveUrl).toBe(bundleDir);
    expect(await readdir(root)).toEqual([bundleDir.split('/').pop()]);
  });
});

describe('parseParts: the first-run bench reads setup and the CLI by their own words', () => {
  it('reads npm ci, synthesis, start, bundle, steps and total', () => {
    // Arrange
    const setup = 'setup: installing npm packages (npm ci)\nsetup: npm packages installed in 71 s\n';
    const generate = [
      'Stack synthesized in 14.2 s.',
      'Local cloud started in 16.0 s.',
      '  time per step:',
      '    Write script    0.1 s',
      '    Render video    41.6 s',
      '  total     60.3 s wall time',
      '  once      stack synthesized in 14.2 s, composition bundled in 9.8 s (alongside the steps)',
      '',
    ].join('\n');

    // Act
    const parts = parseParts(setup, generate);

    // Assess
    expect(parts).toEqual({
      npmCiMs: 71_000,
      synthMs: 14_200,
      cloudStartMs: 16_000,
      bundleMs: 9_800,
      cliTotalMs: 60_300,
      steps: { 'Write script': 100, 'Render video': 41_600 },
    });
  });
});
