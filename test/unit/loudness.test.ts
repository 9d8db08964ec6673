import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbToGain, gainToDb, integratedLoudness, limitPeaks, normalizeLoudness, samplePeak } from '../../lambdas/core/loudness.js';
import { decodeWav, encodeWav16, type PcmAudio } from '../../lambdas/core/pcm.js';
import { ffmpegLoudness } from '../support/loudness.js';

/**
 * BS.1770 loudness as ffmpeg's ebur128 measures it: the same signals (made by ffmpeg, at several
 * rates and channel counts, with gated silences) measured by both, within 0.3 LU.
 */

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-loudness-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function synth(name: string, lavfi: string, extra: string[] = []): Promise<string> {
  const file = path.join(dir, `${name}.wav`);
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', lavfi, ...extra, file]);
  return file;
}

const signals: Array<[string, string, string[]]> = [
  ['sine 1 kHz stereo 48 kHz, -20 dBFS', 'sine=frequency=1000:sample_rate=48000:duration=3', ['-af', 'volume=0.1', '-ac', '2', '-c:a', 'pcm_s16le']],
  ['sine 100 Hz mono 44.1 kHz', 'sine=frequency=100:sample_rate=44100:duration=3', ['-af', 'volume=0.3', '-c:a', 'pcm_s16le']],
  ['pink noise stereo 22.05 kHz 24-bit', 'anoisesrc=color=pink:sample_rate=22050:amplitude=0.3:duration=4:seed=7', ['-ac', '2', '-c:a', 'pcm_s24le']],
  ['bursts with silence (both gates), float 32 kHz', "aevalsrc='if(lt(mod(t,2),0.7),0.5*sin(2*PI*3000*t)*(0.2+0.8*lt(mod(t,4),2)),0)':s=32000:d=8", ['-c:a', 'pcm_f32le']],
  ['white noise 16 kHz 8-bit', 'anoisesrc=color=white:sample_rate=16000:amplitude=0.2:duration=3:seed=3', ['-c:a', 'pcm_u8']],
];

describe('integratedLoudness', () => {
  it.each(signals)('matches ffmpeg ebur128 within 0.3 LU: %s', async (name, lavfi, extra) => {
    // Prepare
    const file = await synth(name.replace(/\W+/g, '-'), lavfi, extra);
    const expected = await ffmpegLoudness(file);

    // Act
    const lufs = integratedLoudness(decodeWav(new Uint8Array(await readFile(file))));

    // Assess
    expect(Number.isFinite(expected)).toBe(true);
    expect(Math.abs(lufs - expected)).toBeLessThanOrEqual(0.3);
  });

  it('is -Infinity for silence and for audio shorter than one block', () => {
    expect(integratedLoudness({ sampleRate: 48000, channels: [new Float32Array(48000)] })).toBe(-Infinity);
    expect(integratedLoudness({ sampleRate: 48000, channels: [new Float32Array(1000).fill(0.5)] })).toBe(-Infinity);
  });
});

describe('limitPeaks and normalizeLoudness', () => {
  const tone = (seconds: number, amplitude: number): PcmAudio => ({
    sampleRate: 48000,
    channels: [Float32Array.from({ length: 48000 * seconds }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / 48000) + (i % 9600 === 0 ? 0.9 : 0))],
  });

  it('keeps every sample under the ceiling and leaves quiet audio untouched', () => {
    const loud = limitPeaks(tone(2, 0.95), dbToGain(-1));
    expect(samplePeak(loud)).toBeLessThanOrEqual(dbToGain(-1) + 1e-6);
    const quiet: PcmAudio = { sampleRate: 48000, channels: [Float32Array.from({ length: 48000 }, (_, i) => 0.2 * Math.sin(i / 10))] };
    expect(Array.from(limitPeaks(quiet, dbToGain(-1)).channels[0]!)).toEqual(Array.from(quiet.channels[0]!));
  });

  it('reaches the target loudness with peaks under the ceiling, as ffmpeg measures the written WAV', async () => {
    // Prepare: a spiky, quiet signal (high crest factor, like speech) that needs gain and limiting.
    const spiky = tone(4, 0.02);

    // Act
    const out = normalizeLoudness(spiky, -14, dbToGain(-1.5));
    const file = path.join(dir, 'normalized.wav');
    await writeFile(file, encodeWav16(out));

    // Assess
    expect(Math.abs((await ffmpegLoudness(file)) - -14)).toBeLessThanOrEqual(0.3);
    expect(gainToDb(samplePeak(decodeWav(new Uint8Array(await readFile(file)))))).toBeLessThanOrEqual(-1);
  });
});
