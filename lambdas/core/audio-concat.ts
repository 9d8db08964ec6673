/**
 * Joins voice takes into one file, with silence after any of them: per-scene voice (Generate
 * Voice speaks each segment as its own take) and duration hints (a scene lasts at least so long).
 * WAV: takes in the same PCM format are appended under one rewritten header. MP3: each take's
 * ID3 tags and Xing/Info/VBRI frame are dropped and the frames appended; silence is whole frames
 * with the take's own header (padding bit cleared, no CRC) and zero bytes after it, which a
 * decoder plays as silence (no side info, no main data).
 */
import { InvalidInput } from './errors.js';
import { mp3Frames, readHeader } from './mp3-duration.js';
import { AudioDecodeError, readWav, type WavFormat } from './pcm.js';

/** One take and the silence to play after it. */
export interface AudioPart {
  audio: Uint8Array;
  silenceAfterMs?: number;
}

/** The joined take: where each part starts in it, how long each part's own audio plays, and how long it all plays. */
export interface JoinedAudio {
  audio: Uint8Array;
  durationMs: number;
  offsetsMs: number[];
  partsMs: number[];
}

/** The takes could not be joined (not the format named, or formats that differ). */
export class AudioConcatError extends InvalidInput {
  constructor(message: string) {
    super(message);
    this.name = 'AudioConcatError';
  }
}

/** Joins takes of one format: `wav` (PCM) or `mp3`. */
export function concatAudio(format: string, parts: AudioPart[]): JoinedAudio {
  if (parts.length === 0) throw new AudioConcatError('There is no audio to join.');
  if (format === 'wav') return concatWav(parts);
  if (format === 'mp3') return concatMp3(parts);
  throw new AudioConcatError(`Cannot join ${format} audio (only wav and mp3).`);
}

/**
 * How long one take plays, measured as {@link concatAudio} measures it (its `partsMs`): a WAV's
 * whole frames of PCM, an MP3's audio frames (not its tag frame).
 */
export function takeDurationMs(format: string, audio: Uint8Array): number {
  if (format === 'wav') {
    const { format: wav, data } = readWav(audio);
    if (wav.blockAlign === 0 || wav.sampleRate === 0) throw new AudioConcatError('A WAV voice take has no frame size or sample rate.');
    return (data.length / wav.blockAlign / wav.sampleRate) * 1000;
  }
  if (format === 'mp3') {
    const frames = mp3Frames(audio).filter((f) => !f.tag);
    if (frames.length === 0) throw new AudioConcatError('A voice take is not an MP3 file (no audio frames).');
    return frames.reduce((ms, f) => ms + (f.samples / f.sampleRate) * 1000, 0);
  }
  throw new AudioConcatError(`Cannot measure ${format} audio (only wav and mp3).`);
}

function join(chunks: Uint8Array[], headerBytes = 0): Uint8Array {
  const out = new Uint8Array(headerBytes + chunks.reduce((n, c) => n + c.length, 0));
  let at = headerBytes;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** A take's format and data ({@link readWav}), its failures named as the join's. */
function readTake(bytes: Uint8Array): { format: WavFormat; data: Uint8Array } {
  try {
    return readWav(bytes);
  } catch (error) {
    if (error instanceof AudioDecodeError) throw new AudioConcatError(`A voice take: ${error.message}`);
    throw error;
  }
}

function concatWav(parts: AudioPart[]): JoinedAudio {
  const takes = parts.map((part) => readTake(part.audio));
  const format = takes[0]!.format;
  if (format.code !== 1 || format.blockAlign === 0) throw new AudioConcatError('Only PCM WAV takes can be joined.');
  for (const take of takes) {
    const f = take.format;
    if (f.code !== format.code || f.channels !== format.channels || f.sampleRate !== format.sampleRate || f.bits !== format.bits) {
      throw new AudioConcatError(`The voice takes differ in format (${f.channels} ch ${f.sampleRate} Hz ${f.bits} bit vs ${format.channels} ch ${format.sampleRate} Hz ${format.bits} bit).`);
    }
  }
  const msOf = (bytes: number) => (bytes / format.blockAlign / format.sampleRate) * 1000;
  const chunks: Uint8Array[] = [];
  const offsetsMs: number[] = [];
  const partsMs: number[] = [];
  let bytes = 0;
  takes.forEach((take, i) => {
    offsetsMs.push(msOf(bytes));
    partsMs.push(msOf(take.data.length));
    chunks.push(take.data);
    bytes += take.data.length;
    const silence = Math.ceil(((parts[i]!.silenceAfterMs ?? 0) * format.sampleRate) / 1000) * format.blockAlign;
    if (silence > 0) {
      // Zero is silence in signed PCM; 8-bit PCM is unsigned, its silence is 128.
      chunks.push(new Uint8Array(silence).fill(format.bits === 8 ? 128 : 0));
      bytes += silence;
    }
  });
  const out = join(chunks, 44);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => [...s].forEach((c, k) => (out[at + k] = c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + bytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, format.channels, true);
  view.setUint32(24, format.sampleRate, true);
  view.setUint32(28, format.sampleRate * format.blockAlign, true);
  view.setUint16(32, format.blockAlign, true);
  view.setUint16(34, format.bits, true);
  ascii(36, 'data');
  view.setUint32(40, bytes, true);
  return { audio: out, durationMs: msOf(bytes), offsetsMs, partsMs };
}

/** A frame of silence shaped like the frame at `at`: the same header without padding or CRC, then zeros. */
function silenceFrame(audio: Uint8Array, at: number): Uint8Array {
  const head = Uint8Array.from(audio.subarray(at, at + 4));
  head[1] = head[1]! | 0x01; // protection bit set: no CRC follows
  head[2] = head[2]! & ~0x02; // padding bit cleared: every silent frame has the same length
  const header = readHeader(head, 0)!;
  const frame = new Uint8Array(header.length);
  frame.set(head);
  return frame;
}

function concatMp3(parts: AudioPart[]): JoinedAudio {
  const chunks: Uint8Array[] = [];
  const offsetsMs: number[] = [];
  const partsMs: number[] = [];
  let seconds = 0;
  let rate: number | undefined;
  for (const part of parts) {
    const frames = mp3Frames(part.audio).filter((f) => !f.tag);
    if (frames.length === 0) throw new AudioConcatError('A voice take is not an MP3 file (no audio frames).');
    if (rate !== undefined && frames[0]!.sampleRate !== rate) {
      throw new AudioConcatError(`The voice takes differ in sample rate (${frames[0]!.sampleRate} Hz vs ${rate} Hz).`);
    }
    rate = frames[0]!.sampleRate;
    offsetsMs.push(seconds * 1000);
    let own = 0;
    for (const frame of frames) {
      chunks.push(part.audio.subarray(frame.offset, frame.offset + frame.length));
      own += frame.samples / frame.sampleRate;
    }
    partsMs.push(own * 1000);
    seconds += own;
    const silenceMs = part.silenceAfterMs ?? 0;
    if (silenceMs > 0) {
      const first = frames[0]!;
      const silent = silenceFrame(part.audio, first.offset);
      const frameSeconds = first.samples / first.sampleRate;
      // Whole frames, at least as long as asked (a hint is a minimum).
      const count = Math.ceil(silenceMs / 1000 / frameSeconds - 1e-9);
      for (let i = 0; i < count; i++) chunks.push(silent);
      seconds += count * frameSeconds;
    }
  }
  return { audio: join(chunks), durationMs: seconds * 1000, offsetsMs, partsMs };
}
