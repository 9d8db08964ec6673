/**
 * How long an MP3 plays, by walking its MPEG audio frames. TTS services send MP3 without a
 * duration; the video must last exactly as long as the voice, and the alignment ends with the
 * last character, not with the audio.
 */

// Kbit/s by bitrate index for Layer III; index 0 ("free") and 15 (invalid) are rejected.
const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const SAMPLE_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};

/** A Layer III frame header, read from its four bytes. */
export interface FrameHeader {
  length: number;
  samples: number;
  sampleRate: number;
  /** Offset of the Xing/Info tag, if the frame carries one (it holds no audio). */
  tagOffset: number;
}

/** The frame header at `at`, or undefined when the bytes there are not one (Layer III only). */
export function readHeader(bytes: Uint8Array, at: number): FrameHeader | undefined {
  if (at + 4 > bytes.length) return undefined;
  const b1 = bytes[at + 1]!;
  const b2 = bytes[at + 2]!;
  const b3 = bytes[at + 3]!;
  if (bytes[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const version = (b1 >> 3) & 0b11;
  const layer = (b1 >> 1) & 0b11;
  if (version === 1 || layer !== 0b01) return undefined; // reserved version; Layer III only
  const bitrateIndex = b2 >> 4;
  const sampleRateIndex = (b2 >> 2) & 0b11;
  if (bitrateIndex === 0 || bitrateIndex === 15 || sampleRateIndex === 3) return undefined;
  const mpeg1 = version === 3;
  const kbps = (mpeg1 ? BITRATES_V1 : BITRATES_V2)[bitrateIndex]!;
  const sampleRate = SAMPLE_RATES[version]![sampleRateIndex]!;
  const padding = (b2 >> 1) & 1;
  const length = Math.floor(((mpeg1 ? 144 : 72) * kbps * 1000) / sampleRate) + padding;
  const mono = b3 >> 6 === 0b11;
  const sideInfo = mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17;
  return { length, samples: mpeg1 ? 1152 : 576, sampleRate, tagOffset: at + 4 + sideInfo };
}

/** The size of an ID3v2 tag at the start of the bytes (0 when there is none). */
export function id3v2Size(bytes: Uint8Array): number {
  if (bytes.length < 10 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return 0; // "ID3"
  const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f);
  const footer = bytes[5]! & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

function isInfoTag(bytes: Uint8Array, at: number): boolean {
  const tag = String.fromCharCode(...bytes.subarray(at, at + 4));
  return tag === 'Xing' || tag === 'Info';
}

/** A frame ending at `end` is real if the stream ends there or the next thing is a frame or an ID3v1 tag. */
function frameConfirmed(bytes: Uint8Array, end: number): boolean {
  if (end > bytes.length) return false; // truncated
  if (end + 4 > bytes.length) return true;
  if (bytes[end] === 0x54 && bytes[end + 1] === 0x41 && bytes[end + 2] === 0x47) return true; // "TAG"
  return readHeader(bytes, end) !== undefined;
}

/**
 * The playing time of an MPEG-1/2/2.5 Layer III stream in milliseconds, or undefined when the
 * bytes hold no MP3 frames. Skips ID3v2 tags and the Xing/Info/VBRI frame; tolerates junk between
 * frames by resynchronising on the next valid header that is followed by another frame ({@link mp3Frames}).
 */
export function mp3DurationMs(bytes: Uint8Array): number | undefined {
  const frames = mp3Frames(bytes);
  if (frames.length === 0) return undefined;
  // A Xing/Info/VBRI tag frame carries no audio.
  const seconds = frames.reduce((sum, frame) => (frame.tag ? sum : sum + frame.samples / frame.sampleRate), 0);
  return Math.round(seconds * 1000);
}

/** One MPEG audio frame of a stream: where it is, how long it plays, and whether it is a Xing/Info/VBRI frame (no audio). */
export interface Mp3Frame {
  offset: number;
  length: number;
  samples: number;
  sampleRate: number;
  tag: boolean;
}

/**
 * The frames of an MP3 stream (ID3v2 skipped, junk and an ID3v1 tag passed over). In sync, a valid
 * header at the end of the last frame is the next frame; out of sync (at the start, after junk), a
 * header-like pattern counts only if another frame follows it. Only the first frame can be a
 * Xing/Info/VBRI tag frame.
 */
export function mp3Frames(bytes: Uint8Array): Mp3Frame[] {
  const frames: Mp3Frame[] = [];
  let at = id3v2Size(bytes);
  let synced = false;
  while (at + 4 <= bytes.length) {
    const header = readHeader(bytes, at);
    const fits = header !== undefined && at + header.length <= bytes.length;
    if (!header || !fits || (!synced && !frameConfirmed(bytes, at + header.length))) {
      synced = false;
      at++;
      continue;
    }
    synced = true;
    // VBRI sits 32 bytes after the header, whatever the mode.
    const tag = frames.length === 0 && (isInfoTag(bytes, header.tagOffset) || String.fromCharCode(...bytes.subarray(at + 36, at + 40)) === 'VBRI');
    frames.push({ offset: at, length: header.length, samples: header.samples, sampleRate: header.sampleRate, tag });
    at += header.length;
  }
  return frames;
}
