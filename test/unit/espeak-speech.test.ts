import { beforeAll, describe, expect, it } from 'vitest';
import { engineVoices, EspeakSpeechSynthesizer } from '../../lambdas/adapters/offline/espeak-speech.js';
import { ESPEAK_VOICES } from '../../lambdas/adapters/offline/espeak-voices.js';
import { InvalidInput } from '../../lambdas/core/errors.js';
import type { Speech } from '../../lambdas/core/ports.js';

/** Reads a canonical PCM WAV: format fields, and the samples as -1..1 floats. */
function readWav(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));
  const dataBytes = view.getUint32(40, true);
  const samples = new Float64Array(dataBytes / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(44 + i * 2, true) / 32768;
  return {
    riff: ascii(0, 4),
    riffSize: view.getUint32(4, true),
    wave: ascii(8, 4),
    fmt: ascii(12, 4),
    format: view.getUint16(20, true),
    channels: view.getUint16(22, true),
    sampleRate: view.getUint32(24, true),
    byteRate: view.getUint32(28, true),
    bitsPerSample: view.getUint16(34, true),
    data: ascii(36, 4),
    dataBytes,
    samples,
  };
}

const TWO_LINES = 'Octopuses have three hearts and blue blood.\nEach arm can taste what it touches, almost like a tongue!';

describe('EspeakSpeechSynthesizer', () => {
  const synthesizer = new EspeakSpeechSynthesizer();
  let speech: Speech;

  beforeAll(async () => {
    speech = await synthesizer.synthesize({ text: TWO_LINES });
  });

  it('returns a mono 16-bit PCM WAV whose header duration is durationMs', () => {
    // Prepare / Act: synthesized once in beforeAll.
    const wav = readWav(speech.audio);

    // Assess
    expect(speech.contentType).toBe('audio/wav');
    expect(speech.extension).toBe('wav');
    expect([wav.riff, wav.wave, wav.fmt, wav.data]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(wav.riffSize).toBe(speech.audio.length - 8);
    expect(wav.dataBytes).toBe(speech.audio.length - 44);
    expect({ format: wav.format, channels: wav.channels, bits: wav.bitsPerSample }).toEqual({ format: 1, channels: 1, bits: 16 });
    expect(wav.sampleRate).toBe(22050);
    expect(wav.byteRate).toBe(wav.sampleRate * 2);
    expect((wav.dataBytes / 2 / wav.sampleRate) * 1000).toBe(speech.durationMs);
    expect(speech.durationMs).toBeGreaterThan(3000);
    expect(speech.spend).toEqual({ units: { characters: TWO_LINES.length }, usd: 0 });
  });

  it('times every word of the text, in order, with offsets into the text', () => {
    // Prepare
    const expected = TWO_LINES.split(/\s+/).map((token) => token.replace(/^\p{P}+|\p{P}+$/gu, ''));

    // Act
    const words = speech.words;

    // Assess
    expect(words.map((w) => w.text)).toEqual(expected);
    for (const word of words) expect(TWO_LINES.slice(word.charStart).startsWith(word.text)).toBe(true);
    expect(words.find((w) => w.text === 'Each')?.charStart).toBe(TWO_LINES.indexOf('\n') + 1);
  });

  it('gives monotonic, non-overlapping times inside the audio, with a pause between lines', () => {
    // Prepare
    const words = speech.words;
    const lastOfLine1 = words.findIndex((w) => w.text === 'blood');

    // Act
    const gapBetweenLines = words[lastOfLine1 + 1]!.startMs - words[lastOfLine1]!.endMs;

    // Assess
    words.forEach((word, i) => {
      expect(word.startMs).toBeGreaterThanOrEqual(0);
      expect(word.endMs).toBeGreaterThan(word.startMs);
      expect(word.endMs).toBeLessThanOrEqual(speech.durationMs);
      const next = words[i + 1];
      if (next) expect(word.endMs).toBeLessThanOrEqual(next.startMs);
    });
    expect(gapBetweenLines).toBeGreaterThanOrEqual(250);
  });

  it('is loud enough and never clips', () => {
    // Prepare
    const { samples } = readWav(speech.audio);

    // Act
    let peak = 0;
    let sumSquares = 0;
    for (const s of samples) {
      peak = Math.max(peak, Math.abs(s));
      sumSquares += s * s;
    }
    const rms = Math.sqrt(sumSquares / samples.length);

    // Assess: below full scale, and RMS above -26 dBFS.
    expect(peak).toBeLessThan(1);
    expect(peak).toBeGreaterThan(0.5);
    expect(rms).toBeGreaterThan(0.05);
  });

  it('gives byte-identical output for the same input, even after other calls', async () => {
    // Prepare
    await synthesizer.synthesize({ text: 'Something else entirely, in another voice.', voice: 'en-gb' });

    // Act
    const again = await synthesizer.synthesize({ text: TWO_LINES });

    // Assess
    expect(Buffer.from(again.audio).equals(Buffer.from(speech.audio))).toBe(true);
    expect(again.words).toEqual(speech.words);
  });

  it('maps positions past non-ASCII, astral and SSML-special characters', async () => {
    // Prepare
    const text = 'Café & crème brûlée — 😀 costs <5> dollars.\nNaïve "quotes" work too';

    // Act
    const result = await synthesizer.synthesize({ text });

    // Assess
    expect(result.words.map((w) => w.text)).toEqual(['Café', 'crème', 'brûlée', '😀', 'costs', '<5>', 'dollars', 'Naïve', 'quotes', 'work', 'too']);
    for (const word of result.words) expect(text.slice(word.charStart).startsWith(word.text)).toBe(true);
  });

  it('speaks another voice when asked', async () => {
    // Act
    const british = await synthesizer.synthesize({ text: TWO_LINES, voice: 'en-GB' });

    // Assess
    expect(british.words.map((w) => w.text)).toEqual(speech.words.map((w) => w.text));
    expect(Buffer.from(british.audio).equals(Buffer.from(speech.audio))).toBe(false);
  });

  it('rejects an unknown voice, naming it and the valid ones', async () => {
    // Act
    const attempt = synthesizer.synthesize({ text: 'Hello there.', voice: 'xx-nowhere' });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidInput);
    await expect(attempt).rejects.toThrow(/"xx-nowhere".*en-gb.*en-us/);
  });

  it('rejects empty text', async () => {
    await expect(synthesizer.synthesize({ text: ' \n ' })).rejects.toBeInstanceOf(InvalidInput);
  });

  it('has a cache key naming the engine, voice and rate', () => {
    expect(synthesizer.name).toBe('espeak');
    expect(synthesizer.cacheKey).toBe('espeak-ng/en-us/150');
    expect(new EspeakSpeechSynthesizer({ defaultVoice: 'en-GB', rate: 170 }).cacheKey).toBe('espeak-ng/en-gb/170');
  });
});

describe('the voices the API offers offline', () => {
  it('are exactly the voices the engine speaks, with its names (a new eSpeak version cannot drift from the list)', async () => {
    const listed = ESPEAK_VOICES.map(([id, name]) => ({ id, name }));
    expect(listed).toEqual(await engineVoices());
  });

  it('each speak', async () => {
    const voice = new EspeakSpeechSynthesizer();
    for (const id of ['en-gb-scotland', 'de', 'pt-br']) {
      expect(ESPEAK_VOICES.some(([listed]) => listed === id), id).toBe(true);
      expect((await voice.synthesize({ text: 'One two three.', voice: id })).durationMs, id).toBeGreaterThan(200);
    }
  });
});
