/**
 * PNG files made in tests, byte for byte as a PNG encoder writes them (signature, IHDR, one
 * IDAT, IEND), so what reads them (image-size, sharp-free checks, browsers) sees real pictures.
 */
import { crc32, deflateSync } from 'node:zlib';

/** Encodes 8-bit `pixels` (rows of `width` × channels bytes, top to bottom): greyscale (1 channel) or RGB (3). */
export function encodePng(width: number, height: number, channels: 1 | 3, pixels: Uint8Array): Buffer {
  const stride = width * channels;
  if (pixels.byteLength !== stride * height) throw new Error(`encodePng: ${pixels.byteLength} bytes for ${width}×${height}×${channels}`);
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 2; // greyscale or truecolour
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** A plain mid-grey square PNG of `side` px. */
export function greyPng(side: number): Buffer {
  return encodePng(side, side, 1, new Uint8Array(side * side).fill(128));
}
