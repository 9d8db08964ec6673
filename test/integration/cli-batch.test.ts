/**
 * `shorts batch` as a user runs it: a CSV of two videos on the local cloud, through the HTTP API
 * (POST /api/batches, GET /api/batches/{id}), with one credit to start and one video in progress
 * at a time, so the run must buy the second video's credit and wait for the first to finish
 * before the same batch orders it. Both MP4s are checked with ffprobe.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, shorts } from '../support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-batch-'));
  await chmod(dir, 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('shorts batch', () => {
  it('exits 2 naming the file, the row and the field before anything is ordered', async () => {
    const missing = await shorts(['batch', path.join(dir, 'none.txt'), '--out-dir', path.join(dir, 'out')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read ".*none\.txt": no such file/);

    const bad = path.join(dir, 'bad.csv');
    await writeFile(bad, 'prompt,seconds\nWhy the sea is salty,10\nHow bees dance,500\n');
    const refused = await shorts(['batch', bad, '--out-dir', path.join(dir, 'out')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/bad\.csv: Row 3: seconds: .*at most 90/);

    // The flags that fill what a line leaves out are checked as flags, naming them.
    const good = path.join(dir, 'good.txt');
    await writeFile(good, 'Why the sea is salty\n');
    const language = await shorts(['batch', good, '--out-dir', path.join(dir, 'out'), '--language', 'klingon']);
    expect(language.code).toBe(2);
    expect(language.stderr).toMatch(/--language: language must be a BCP 47 tag/);
    const speed = await shorts(['batch', good, '--out-dir', path.join(dir, 'out'), '--voice-speed', '3']);
    expect(speed.code).toBe(2);
    expect(speed.stderr).toMatch(/--voice-speed: /);
    const music = await shorts(['batch', good, '--out-dir', path.join(dir, 'out'), '--music', 'trk_abc']);
    expect(music.code).toBe(2);
    expect(music.stderr).toMatch(/--music/);
  });

  it('makes every video of a CSV, buying the credits and waiting for the places it needs', { timeout: 900_000 }, async () => {
    const file = path.join(dir, 'prompts.csv');
    await writeFile(file, 'prompt,voice\nWhy the sea is salty,\n"How bees dance, and why",en-gb\n');
    const out = path.join(dir, 'videos');

    const run = await shorts(['batch', file, '--out-dir', out, '--seconds', '10', '--aspect', '1:1', '--data-dir', path.join(dir, 'data')], {
      STARTING_CREDITS: '1',
      MAX_ACTIVE_JOBS_PER_USER: '1',
    });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/\[1\/2\] queued +Why the sea is salty/);
    expect(run.stderr).toMatch(/Buying 1 simulated credit /);
    expect(run.stderr).toMatch(/\[2\/2\] waiting +for a place: You have 1 video in progress; the limit is 1/);
    expect(run.stderr.indexOf('[1/2] succeeded')).toBeLessThan(run.stderr.indexOf('[2/2] queued'));
    expect(run.stdout).toMatch(/2 succeeded, 0 failed, 0 refused, of 2\./);
    expect((await readdir(out)).sort()).toEqual(['1-why-the-sea-is-salty.mp4', '2-how-bees-dance-and-why.mp4']);
    for (const name of await readdir(out)) {
      const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,width,height', '-of', 'json', path.join(out, name)], { encoding: 'utf8' });
      const info = JSON.parse(probe.stdout) as { format: { duration: string }; streams: { codec_type: string; width?: number; height?: number }[] };
      expect(info.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
      expect(info.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 1080, height: 1080 });
      expect(Number(info.format.duration)).toBeGreaterThan(8);
      expect(Number(info.format.duration)).toBeLessThan(20);
    }
  });
});
