import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gainToDb, integratedLoudness, samplePeak } from '../../lambdas/core/loudness.js';
import { MUSIC_BED_LUFS, MusicBedError, prepareMusicBed } from '../../lambdas/core/music-bed.js';
import { AudioDecodeError, decodeAudio, decodeWav, encodeWav16, pcmDurationMs, resample } from '../../lambdas/core/pcm.js';
import { ffmpegLoudness } from '../support/loudness.js';

/** Decoding WAV and MP3 to samples, writing WAV, and preparing a music bed, checked against ffmpeg. */

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-pcm-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function make(name: string, lavfi: string, extra: string[]): Promise<Uint8Array> {
  const file = path.join(dir, name);
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', lavfi, ...extra, file]);
  return new Uint8Array(await readFile(file));
}

/** The RMS of the difference between two equal-length channels. */
function rmsDifference(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum / a.length);
}

describe('pcm', () => {
  it.each([
    ['pcm_u8', 1 / 64],
    ['pcm_s16le', 1e-4],
    ['pcm_s24le', 1e-4],
    ['pcm_s32le', 1e-4],
    ['pcm_f32le', 1e-4],
  ])('decodes %s WAV to the same samples as 16-bit', async (codec, tolerance) => {
    // Prepare
    const lavfi = 'sine=frequency=440:sample_rate=44100:duration=1';
    const reference = decodeWav(await make('ref.wav', lavfi, ['-af', 'volume=0.5', '-ac', '2', '-c:a', 'pcm_s16le']));

    // Act
    const audio = decodeWav(await make(`${codec}.wav`, lavfi, ['-af', 'volume=0.5', '-ac', '2', '-c:a', codec]));

    // Assess
    expect(audio.sampleRate).toBe(44100);
    expect(audio.channels).toHaveLength(2);
    expect(audio.channels[0]!.length).toBe(44100);
    expect(rmsDifference(audio.channels[1]!, reference.channels[1]!)).toBeLessThan(tolerance);
  });

  it('decodes an MP3 (ID3 tag, LAME info frame) to its length and level', async () => {
    const bytes = await make('tone.mp3', 'sine=frequency=440:sample_rate=44100:duration=2', ['-af', 'volume=0.5', '-c:a', 'libmp3lame', '-b:a', '128k']);
    const audio = await decodeAudio(bytes);
    expect(audio.sampleRate).toBe(44100);
    expect(Math.abs(pcmDurationMs(audio) - 2000)).toBeLessThan(60);
    // ffmpeg's sine is 1/8 full scale (-18 dBFS), halved: -24 dBFS.
    expect(gainToDb(samplePeak(audio))).toBeGreaterThan(-25);
    expect(gainToDb(samplePeak(audio))).toBeLessThan(-23);
  });

  it('writes 16-bit WAV that ffmpeg reads back as the same audio', async () => {
    const source = decodeWav(await make('src.wav', 'sine=frequency=300:sample_rate=48000:duration=1', ['-ac', '2', '-c:a', 'pcm_f32le']));
    const file = path.join(dir, 'written.wav');
    await writeFile(file, encodeWav16(source));
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,sample_rate,channels,duration', '-of', 'csv=p=0', file]);
    expect(stdout.trim()).toBe('pcm_s16le,48000,2,1.000000');
    expect(rmsDifference(decodeWav(new Uint8Array(await readFile(file))).channels[0]!, source.channels[0]!)).toBeLessThan(1e-4);
  });

  it('refuses what is not audio, naming the problem', async () => {
    await expect(decodeAudio(new TextEncoder().encode('<html>not audio</html>'))).rejects.toThrow(AudioDecodeError);
    expect(() => decodeWav(new TextEncoder().encode('RIFF\0\0\0\0WAVEjunk'))).toThrow(/no audio data/);
  });

  it('resamples 96 kHz to 48 kHz keeping a tone and removing what is above the new Nyquist', () => {
    const rate = 96000;
    const tone = Float32Array.from({ length: rate }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / rate));
    const ultrasonic = Float32Array.from({ length: rate }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 30000 * i) / rate));
    const kept = resample({ sampleRate: rate, channels: [tone] }, 48000);
    const removed = resample({ sampleRate: rate, channels: [ultrasonic] }, 48000);
    expect(kept.channels[0]!.length).toBe(48000);
    expect(gainToDb(samplePeak({ sampleRate: 48000, channels: [kept.channels[0]!.subarray(100, 47900)] }))).toBeCloseTo(gainToDb(0.5), 0);
    expect(gainToDb(samplePeak({ sampleRate: 48000, channels: [removed.channels[0]!.subarray(100, 47900)] }))).toBeLessThan(-40);
  });
});

describe('prepareMusicBed', () => {
  it.each([
    ['a quiet MP3', 'bed.mp3', 'anoisesrc=color=pink:sample_rate=44100:amplitude=0.05:duration=3:seed=1', ['-ac', '2', '-c:a', 'libmp3lame']],
    ['a loud 96 kHz 5.1 WAV', 'bed.wav', 'anoisesrc=color=brown:sample_rate=96000:amplitude=0.9:duration=2:seed=2', ['-ac', '6', '-c:a', 'pcm_s24le']],
  ])('brings %s to the bed loudness, peaks under -1 dBFS, stereo, at most 48 kHz', async (_name, file, lavfi, extra) => {
    // Prepare
    const bytes = await make(file, lavfi, extra);

    // Act
    const bed = await prepareMusicBed(bytes);
    const out = path.join(dir, `prepared-${file}.wav`);
    await writeFile(out, bed.wav);

    // Assess
    const audio = decodeWav(bed.wav);
    expect(audio.channels).toHaveLength(2);
    expect(audio.sampleRate).toBeLessThanOrEqual(48000);
    expect(Math.abs((await ffmpegLoudness(out)) - MUSIC_BED_LUFS)).toBeLessThanOrEqual(0.3);
    expect(Math.abs(integratedLoudness(audio) - MUSIC_BED_LUFS)).toBeLessThanOrEqual(0.3);
    expect(gainToDb(samplePeak(audio))).toBeLessThanOrEqual(-1);
    expect(Math.abs(bed.durationMs - pcmDurationMs(audio))).toBeLessThan(1);
  });

  it('refuses a silent or too short bed', async () => {
    await expect(prepareMusicBed(await make('silent.wav', 'anullsrc=r=44100:cl=stereo', ['-t', '2', '-c:a', 'pcm_s16le']))).rejects.toThrow(MusicBedError);
    await expect(prepareMusicBed(await make('short.wav', 'sine=frequency=440:sample_rate=44100:duration=0.5', ['-c:a', 'pcm_s16le']))).rejects.toThrow(/shorter than one second/);
  });
});
