import { describe, expect, it } from 'vitest';
import { mp3DurationMs } from '../../lambdas/core/mp3-duration.js';

/** An MPEG-1 Layer III frame (mono, 128 kbit/s, 44.1 kHz): 417 bytes, 1152 samples. */
function frame(body = 0): Uint8Array {
  const bytes = new Uint8Array(417).fill(body);
  bytes.set([0xff, 0xfb, 0x90, 0xc4]);
  return bytes;
}

/** The same frame carrying a Xing/Info tag after its side info (mono MPEG-1: 17 bytes). */
function infoFrame(): Uint8Array {
  const bytes = frame();
  bytes.set([...'Info'].map((c) => c.charCodeAt(0)), 4 + 17);
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function id3(size: number): Uint8Array {
  const tag = new Uint8Array(10 + size);
  tag.set([0x49, 0x44, 0x33, 4, 0, 0]);
  tag.set([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f], 6);
  return tag;
}

const FRAME_MS = (1152 / 44100) * 1000;

describe('mp3DurationMs', () => {
  it('adds up the frames', () => {
    const audio = concat(...Array.from({ length: 100 }, () => frame()));
    expect(mp3DurationMs(audio)).toBe(Math.round(100 * FRAME_MS));
  });

  it('skips an ID3v2 tag, the Info frame and a trailing ID3v1 tag', () => {
    const tail = new Uint8Array(128);
    tail.set([0x54, 0x41, 0x47]); // "TAG"
    const audio = concat(id3(300), infoFrame(), ...Array.from({ length: 10 }, () => frame()), tail);
    expect(mp3DurationMs(audio)).toBe(Math.round(10 * FRAME_MS));
  });

  it('resynchronises after junk between frames', () => {
    const junk = new Uint8Array([0xff, 0xfb, 0x00, 0x12, 0x34]);
    const audio = concat(frame(), frame(), junk, frame(), frame());
    expect(mp3DurationMs(audio)).toBe(Math.round(4 * FRAME_MS));
  });

  it('ignores a truncated last frame', () => {
    const audio = concat(frame(), frame(), frame().subarray(0, 200));
    expect(mp3DurationMs(audio)).toBe(Math.round(2 * FRAME_MS));
  });

  it('is undefined for bytes that are not MP3', () => {
    expect(mp3DurationMs(new TextEncoder().encode('RIFF....WAVEfmt '))).toBeUndefined();
    expect(mp3DurationMs(new Uint8Array(0))).toBeUndefined();
  });
});
