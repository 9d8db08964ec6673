import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatAudio, takeDurationMs } from '../../lambdas/core/audio-concat.js';
import { mp3DurationMs } from '../../lambdas/core/mp3-duration.js';

/**
 * Joining voice takes: the joined file's duration is the takes' plus the silences, the silence
 * decodes as silence and the speech as speech — checked by ffprobe/ffmpeg on the written file.
 */

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-concat-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A tone of `seconds` made by ffmpeg in the given container (mp3: LAME's ID3v2 tag and Info frame included). */
async function tone(name: string, seconds: number, ext: 'wav' | 'mp3'): Promise<Uint8Array> {
  const file = path.join(dir, `${name}.${ext}`);
  const codec = ext === 'wav' ? ['-c:a', 'pcm_s16le'] : ['-c:a', 'libmp3lame', '-b:a', '128k'];
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`, '-ac', '1', ...codec, file]);
  return new Uint8Array(await readFile(file));
}

async function probeSeconds(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

/** The loudest sample (dBFS) between `from` and `from + seconds`, decoded by ffmpeg. */
async function maxVolume(file: string, from: number, seconds: number): Promise<number> {
  const { stderr } = await run('ffmpeg', ['-v', 'info', '-ss', String(from), '-t', String(seconds), '-i', file, '-af', 'volumedetect', '-f', 'null', '-']);
  const match = /max_volume: (-?[\d.]+|-inf) dB/.exec(stderr);
  if (!match) throw new Error(`no volume in ffmpeg's output: ${stderr}`);
  return match[1] === '-inf' ? -Infinity : Number(match[1]);
}

async function decodeErrors(file: string): Promise<string> {
  const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']);
  return stderr.trim();
}

describe('concatAudio', () => {
  it('joins WAV takes with silence between them: durations add up, the gap is silent', async () => {
    // Prepare
    const first = await tone('a', 1.2, 'wav');
    const second = await tone('b', 0.8, 'wav');

    // Act
    const joined = concatAudio('wav', [{ audio: first, silenceAfterMs: 500 }, { audio: second }]);
    const file = path.join(dir, 'joined.wav');
    await writeFile(file, joined.audio);

    // Assess
    expect(joined.offsetsMs[0]).toBe(0);
    expect(joined.offsetsMs[1]).toBeCloseTo(1700, 0);
    expect(joined.durationMs).toBeCloseTo(2500, 0);
    expect(await probeSeconds(file)).toBeCloseTo(2.5, 2);
    expect(await decodeErrors(file)).toBe('');
    expect(await maxVolume(file, 1.25, 0.4)).toBeLessThan(-90);
    expect(await maxVolume(file, 0.2, 0.8)).toBeGreaterThan(-20);
    expect(await maxVolume(file, 1.8, 0.6)).toBeGreaterThan(-20);
  });

  it('refuses WAV takes in different formats rather than joining noise', async () => {
    const mono = await tone('m', 0.2, 'wav');
    const file = path.join(dir, 'stereo.wav');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=0.2', '-ac', '2', '-c:a', 'pcm_s16le', file]);
    expect(() => concatAudio('wav', [{ audio: mono }, { audio: new Uint8Array(readFileSync(file)) }])).toThrow(/format/);
  });

  it('joins MP3 takes: tags and Info frames dropped, silence frames decode as silence, mp3DurationMs reads the joined file', async () => {
    // Prepare
    const first = await tone('c', 1.0, 'mp3');
    const second = await tone('d', 1.5, 'mp3');
    const firstMs = mp3DurationMs(first)!;
    const secondMs = mp3DurationMs(second)!;

    // Act
    const joined = concatAudio('mp3', [{ audio: first, silenceAfterMs: 600 }, { audio: second, silenceAfterMs: 300 }]);
    const file = path.join(dir, 'joined.mp3');
    await writeFile(file, joined.audio);

    // Assess: whole frames of silence, at least as long as asked, less than a frame more.
    const frameMs = (1152 / 44100) * 1000;
    const firstSilence = joined.offsetsMs[1]! - firstMs;
    expect(firstSilence).toBeGreaterThanOrEqual(600 - 0.5);
    expect(firstSilence).toBeLessThan(600 + frameMs);
    expect(String.fromCharCode(...joined.audio.subarray(0, 3))).not.toBe('ID3');
    expect(Math.abs(mp3DurationMs(joined.audio)! - joined.durationMs)).toBeLessThanOrEqual(1);
    expect(joined.durationMs).toBeGreaterThanOrEqual(firstMs + 600 + secondMs + 300 - 1);
    expect(Math.abs((await probeSeconds(file)) * 1000 - joined.durationMs)).toBeLessThan(30);
    expect(await decodeErrors(file)).toBe('');
    expect(await maxVolume(file, firstMs / 1000 + 0.1, 0.4)).toBeLessThan(-90);
    expect(await maxVolume(file, joined.durationMs / 1000 - 0.25, 0.2)).toBeLessThan(-90);
    expect(await maxVolume(file, 0.2, 0.6)).toBeGreaterThan(-20);
    expect(await maxVolume(file, joined.offsetsMs[1]! / 1000 + 0.2, 1)).toBeGreaterThan(-20);
  });

  it('returns a single take as it is when nothing is added', async () => {
    const only = await tone('e', 0.5, 'wav');
    const joined = concatAudio('wav', [{ audio: only }]);
    expect(joined.durationMs).toBeCloseTo(500, 0);
    expect(joined.offsetsMs).toEqual([0]);
  });

  it('measures a take alone as the join measures it', async () => {
    for (const ext of ['wav', 'mp3'] as const) {
      const takes = [await tone(`m1-${ext}`, 0.7, ext), await tone(`m2-${ext}`, 1.3, ext)];
      const joined = concatAudio(ext, takes.map((audio) => ({ audio })));
      expect(takes.map((audio) => takeDurationMs(ext, audio))).toEqual(joined.partsMs.map((ms) => expect.closeTo(ms, 6)));
    }
    expect(() => takeDurationMs('ogg', new Uint8Array(8))).toThrow(/only wav and mp3/);
  });
});
