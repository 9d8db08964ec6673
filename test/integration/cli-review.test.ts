/**
 * Review before render from the command line, as a user runs it on the local cloud:
 * `shorts generate --review` stops with a storyboard and prints the id; `shorts edit` changes a
 * narration and `shorts regenerate` draws a new picture (each through the HTTP API's routes, the
 * preview made again); `shorts render` renders the edited storyboard and writes the MP4.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shorts } from '../support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-review-cli-'));
  await chmod(dir, 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('shorts review commands: usage errors exit 2 and say why', () => {
  const id = '6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6f';
  it.each([
    { name: '--review with --out', args: ['generate', 'tides and moons', '--review', '--out', 'x.mp4'], message: /--review stops before the render/ },
    { name: 'an id that is not one', args: ['edit', 'video-1', '--scene', '1', '--narration', 'hi'], message: /must be a video id/ },
    { name: 'scene 0', args: ['regenerate', id, '--scene', '0'], message: /scene number from 1 to 10/ },
    { name: 'a narration without a scene', args: ['edit', id, '--narration', 'hello there'], message: /need --scene/ },
    { name: 'nothing to change', args: ['edit', id, '--scene', '2'], message: /Say what to change/ },
    { name: 'a duration hint out of range', args: ['edit', id, '--scene', '2', '--duration-hint', '99'], message: /from 1 to 20 seconds/ },
    { name: 'render without --out', args: ['render', id], message: /--out/ },
  ])('$name', async ({ args, message }) => {
    const outcome = await shorts([...args.map((a) => (a === 'x.mp4' ? path.join(dir, a) : a)), '--data-dir', path.join(dir, 'usage-data')]);
    expect(outcome.code, outcome.stderr).toBe(2);
    expect(outcome.stderr).toMatch(message);
  });
});

describe('shorts generate --review, edit, regenerate, render', () => {
  it('stops for review, takes the edits, and renders the edited storyboard', async () => {
    const data = ['--data-dir', path.join(dir, 'data')];
    // Arrange: a video stopped for review.
    const made = await shorts(['generate', 'why lighthouses blink', '--review', '--seconds', '10', '--aspect', '1:1', ...data]);
    expect(made.code, made.stderr).toBe(0);
    const id = /Video ([0-9a-f-]{36}) is ready to review/.exec(made.stdout)?.[1];
    expect(id, made.stdout).toBeDefined();
    expect(made.stdout).toMatch(/scene 1 {3}\S/);
    expect(made.stdout).toContain(`npx shorts render ${id} --out video.mp4`);
    expect((await readdir(dir)).filter((f) => f.endsWith('.mp4'))).toEqual([]);

    // Act: a new narration for scene 1, a new picture for scene 2.
    const narration = 'Keepers once wound the clockwork lamp every four hours';
    const edited = await shorts(['edit', id!, '--scene', '1', '--narration', narration, ...data]);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toContain(`scene 1   ${narration}`);
    expect(edited.stdout).toMatch(/1 of 3 free changes used/);
    const regenerated = await shorts(['regenerate', id!, '--scene', '2', ...data]);
    expect(regenerated.code, regenerated.stderr).toBe(0);
    expect(regenerated.stdout).toMatch(/2 of 3 free changes used/);

    // A scene that does not exist is the API's 404, said plainly.
    const missing = await shorts(['regenerate', id!, '--scene', '9', ...data]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/scene/i);

    const out = path.join(dir, 'edited.mp4');
    const rendered = await shorts(['render', id!, '--out', out, ...data]);

    // Assess: an MP4 of about the asked length, square.
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(rendered.stdout).toContain(out);
    const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,width,height', '-of', 'json', out], { encoding: 'utf8' });
    const info = JSON.parse(probe.stdout) as { format: { duration: string }; streams: { codec_type: string; width?: number; height?: number }[] };
    expect(Number(info.format.duration)).toBeGreaterThan(5);
    expect(info.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 1080, height: 1080 });
    expect(info.streams.some((s) => s.codec_type === 'audio')).toBe(true);

    // Rendering again is refused: the video is finished.
    const again = await shorts(['render', id!, '--out', path.join(dir, 'again.mp4'), ...data]);
    expect(again.code).toBe(2);
  }, 360_000); // four CLI runs, one a render: minutes on a loaded 2-core machine
});
