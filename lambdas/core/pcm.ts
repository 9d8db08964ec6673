/**
 * Audio as samples: WAV (PCM 8/16/24/32-bit, IEEE float) and MP3 (mpg123 compiled to WASM) decoded
 * to one Float32Array per channel in [-1, 1], and 16-bit WAV written back. Loudness, limiting and
 * the music bed (loudness.ts, music-bed.ts) work on this form.
 */
import { MPEGDecoder } from 'mpg123-decoder';
import { InvalidInput } from './errors.js';

/** Decoded audio: one array of samples per channel, all the same length. */
export interface PcmAudio {
  sampleRate: number;
  channels: Float32Array[];
}

/** The bytes are not audio this module can decode. */
export class AudioDecodeError extends InvalidInput {
  constructor(message: string) {
    super(message);
    this.name = 'AudioDecodeError';
  }
}

/** Number of sample frames (samples per channel). */
export function frameCount(audio: PcmAudio): number {
  return audio.channels[0]?.length ?? 0;
}

/** How long the audio plays, in milliseconds. */
export function pcmDurationMs(audio: PcmAudio): number {
  return (frameCount(audio) / audio.sampleRate) * 1000;
}

/** `wav`, `mp3` or undefined, from the first bytes. */
export function sniffAudio(bytes: Uint8Array): 'wav' | 'mp3' | undefined {
  const ascii = (at: number, n: number) => String.fromCharCode(...bytes.subarray(at, at + n));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WAVE') return 'wav';
  if (bytes.length >= 3 && ascii(0, 3) === 'ID3') return 'mp3';
  // An MPEG audio frame sync: 11 set bits.
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0) return 'mp3';
  return undefined;
}

/** Decodes WAV or MP3 (told apart by their first bytes). */
export async function decodeAudio(bytes: Uint8Array): Promise<PcmAudio> {
  const kind = sniffAudio(bytes);
  if (kind === 'wav') return decodeWav(bytes);
  if (kind === 'mp3') return decodeMp3(bytes);
  throw new AudioDecodeError('The audio is neither a WAV nor an MP3 file.');
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** A WAV file's format chunk, as written (a WAVE_FORMAT_EXTENSIBLE's real format code read from its GUID). */
export interface WavFormat {
  code: number;
  channels: number;
  sampleRate: number;
  bits: number;
  blockAlign: number;
}

/**
 * A WAV file's format and its data chunk's bytes, whole frames only (a streamed WAV may claim
 * more than it holds), without decoding the samples. Walks the RIFF chunks word-aligned.
 */
export function readWav(bytes: Uint8Array): { format: WavFormat; data: Uint8Array } {
  const ascii = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || ascii(0) !== 'RIFF' || ascii(8) !== 'WAVE') throw new AudioDecodeError('The audio is not a WAV file.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: WavFormat | undefined;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = ascii(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ' && body + 16 <= bytes.length) {
      let code = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of its sub-format GUID.
      if (code === WAVE_FORMAT_EXTENSIBLE && size >= 40 && body + 26 <= bytes.length) code = view.getUint16(body + 24, true);
      format = {
        code,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) throw new AudioDecodeError('The WAV file has its data before its format.');
      const end = Math.min(bytes.length, body + size);
      const whole = format.blockAlign > 0 ? end - body - ((end - body) % format.blockAlign) : end - body;
      return { format, data: bytes.subarray(body, body + whole) };
    }
    at = body + size + (size % 2); // chunks are word-aligned
  }
  throw new AudioDecodeError('The WAV file has no audio data.');
}

/** Decodes a WAV file: integer PCM of 8, 16, 24 or 32 bits, or 32/64-bit float; extensible headers too. */
export function decodeWav(bytes: Uint8Array): PcmAudio {
  const { format, data } = readWav(bytes);
  return decodeWavData(format, data);
}

function decodeWavData(format: WavFormat, data: Uint8Array): PcmAudio {
  const { code, channels: count, sampleRate, bits } = format;
  const width = bits / 8;
  const integer = code === WAVE_FORMAT_PCM && [8, 16, 24, 32].includes(bits);
  const float = code === WAVE_FORMAT_FLOAT && (bits === 32 || bits === 64);
  if (!integer && !float) throw new AudioDecodeError(`Cannot decode WAV format ${code} with ${bits}-bit samples.`);
  if (count < 1 || count > 8 || sampleRate < 8000 || sampleRate > 192_000) throw new AudioDecodeError(`Cannot decode WAV audio of ${count} channels at ${sampleRate} Hz.`);
  const blockAlign = width * count;
  // A streamed WAV may claim more than it holds: take the whole frames that are there.
  const frames = Math.floor(data.length / blockAlign);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const channels = Array.from({ length: count }, () => new Float32Array(frames));
  const read: (offset: number) => number = float
    ? bits === 32
      ? (o) => view.getFloat32(o, true)
      : (o) => view.getFloat64(o, true)
    : bits === 8
      ? (o) => (view.getUint8(o) - 128) / 128
      : bits === 16
        ? (o) => view.getInt16(o, true) / 32768
        : bits === 24
          ? (o) => ((view.getUint8(o) | (view.getUint8(o + 1) << 8) | (view.getInt8(o + 2) << 16)) / 8388608)
          : (o) => view.getInt32(o, true) / 2147483648;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < count; c++) channels[c]![i] = read(i * blockAlign + c * width);
  }
  return { sampleRate, channels };
}

/** Decodes an MP3 file (ID3 tags and the encoder's gapless info handled by mpg123). */
export async function decodeMp3(bytes: Uint8Array): Promise<PcmAudio> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    const decoded = decoder.decode(bytes);
    if (decoded.samplesDecoded === 0 || decoded.channelData.length === 0) throw new AudioDecodeError('The MP3 file holds no audio frames.');
    // The decoder's buffers belong to its WASM memory: copy them out before freeing it.
    const channels = decoded.channelData.map((c) => Float32Array.from(c.subarray(0, decoded.samplesDecoded)));
    // mpg123 hands a mono stream out as two equal channels: keep one (a mono voice stays mono, half the size).
    if (channels.length === 2 && channels[0]!.every((x, i) => x === channels[1]![i])) channels.pop();
    return { sampleRate: decoded.sampleRate, channels };
  } finally {
    decoder.free();
  }
}

/** Writes 16-bit PCM WAV (samples clamped to [-1, 1], rounded with TPDF dither so quiet fades do not buzz). */
export function encodeWav16(audio: PcmAudio): Uint8Array {
  const count = audio.channels.length;
  const frames = frameCount(audio);
  const bytes = frames * count * 2;
  const out = new Uint8Array(44 + bytes);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => [...s].forEach((ch, k) => (out[at + k] = ch.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + bytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, WAVE_FORMAT_PCM, true);
  view.setUint16(22, count, true);
  view.setUint32(24, audio.sampleRate, true);
  view.setUint32(28, audio.sampleRate * count * 2, true);
  view.setUint16(32, count * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, bytes, true);
  // Deterministic dither (a fixed LCG): the same audio always writes the same bytes, so content keys hold.
  let seed = 0x9e3779b9;
  const noise = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  let at = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < count; c++) {
      const x = audio.channels[c]![i]! * 32767 + (noise() - noise());
      view.setInt16(at, Math.max(-32768, Math.min(32767, Math.round(x))), true);
      at += 2;
    }
  }
  return out;
}

/** Multiplies every sample by `gain` (a new copy). */
export function applyGain(audio: PcmAudio, gain: number): PcmAudio {
  return { sampleRate: audio.sampleRate, channels: audio.channels.map((c) => c.map((x) => x * gain)) };
}

/**
 * Resamples to `rate` with a windowed-sinc (Blackman, 32 taps a side) low-passed below the lower
 * Nyquist, so downsampling does not fold high frequencies back into the audible band.
 */
export function resample(audio: PcmAudio, rate: number): PcmAudio {
  if (rate === audio.sampleRate) return audio;
  const ratio = rate / audio.sampleRate;
  const frames = frameCount(audio);
  const outFrames = Math.floor(frames * ratio);
  const cutoff = Math.min(1, ratio) * 0.95; // of the input's Nyquist
  const half = 32;
  const reach = Math.ceil(half / cutoff);
  const channels = audio.channels.map((input) => {
    const output = new Float32Array(outFrames);
    for (let i = 0; i < outFrames; i++) {
      const centre = i / ratio;
      const first = Math.max(0, Math.ceil(centre - reach));
      const last = Math.min(frames - 1, Math.floor(centre + reach));
      let sum = 0;
      let weights = 0;
      for (let k = first; k <= last; k++) {
        const t = k - centre;
        const x = t * cutoff;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        const w = 0.42 + 0.5 * Math.cos((Math.PI * t) / reach) + 0.08 * Math.cos((2 * Math.PI * t) / reach);
        const weight = sinc * w;
        sum += input[k]! * weight;
        weights += weight;
      }
      output[i] = weights === 0 ? 0 : sum / weights;
    }
    return output;
  });
  return { sampleRate: rate, channels };
}
