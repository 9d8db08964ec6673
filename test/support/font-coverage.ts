import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The code points a TrueType/OpenType font maps to glyphs, read from its `cmap` table (the
 * Unicode subtables: format 4 for the BMP, format 12 for everything). A tiny reader, enough to
 * ask "does this font draw this character?" without a font library.
 */
export async function fontCodePoints(path: string): Promise<Set<number>> {
  const bytes = await readFile(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = view.getUint16(4);
  let cmap = -1;
  for (let i = 0; i < tables; i++) {
    const record = 12 + i * 16;
    if (bytes.toString('latin1', record, record + 4) === 'cmap') cmap = view.getUint32(record + 8);
  }
  if (cmap < 0) throw new Error(`${path} has no cmap table`);
  const points = new Set<number>();
  const subtables = view.getUint16(cmap + 2);
  for (let i = 0; i < subtables; i++) {
    const platform = view.getUint16(cmap + 4 + i * 8);
    const encoding = view.getUint16(cmap + 4 + i * 8 + 2);
    const at = cmap + view.getUint32(cmap + 4 + i * 8 + 4);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    const format = view.getUint16(at);
    if (format === 4) {
      const segments = view.getUint16(at + 6) / 2;
      const ends = at + 14;
      const starts = ends + segments * 2 + 2;
      const deltas = starts + segments * 2;
      const offsets = deltas + segments * 2;
      for (let s = 0; s < segments; s++) {
        const end = view.getUint16(ends + s * 2);
        const start = view.getUint16(starts + s * 2);
        const delta = view.getInt16(deltas + s * 2);
        const offset = view.getUint16(offsets + s * 2);
        for (let c = start; c <= end && c !== 0xffff; c++) {
          let glyph: number;
          if (offset === 0) glyph = (c + delta) & 0xffff;
          else {
            const g = view.getUint16(offsets + s * 2 + offset + (c - start) * 2);
            glyph = g === 0 ? 0 : (g + delta) & 0xffff;
          }
          if (glyph !== 0) points.add(c);
        }
      }
    } else if (format === 12) {
      const groups = view.getUint32(at + 12);
      for (let g = 0; g < groups; g++) {
        const start = view.getUint32(at + 16 + g * 12);
        const end = view.getUint32(at + 16 + g * 12 + 4);
        const glyph = view.getUint32(at + 16 + g * 12 + 8);
        for (let c = start; c <= end; c++) if (glyph + (c - start) !== 0) points.add(c);
      }
    }
  }
  return points;
}

/** The characters of `text` none of `fonts` draws (spaces, joiners and direction marks aside: they draw nothing). */
export function uncovered(text: string, fonts: ReadonlyArray<Set<number>>): string[] {
  const missing = new Set<string>();
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (/[\s\u200B-\u200F\u2060]/u.test(ch)) continue;
    if (!fonts.some((font) => font.has(cp))) missing.add(`${ch} U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
  }
  return [...missing];
}

export interface Pixels {
  width: number;
  height: number;
  /** RGBA, row by row. */
  rgba: Uint8Array;
}

/** Decodes a picture (PNG, JPEG…) to RGBA with ffmpeg. */
export async function readPixels(path: string): Promise<Pixels> {
  const { stdout: size } = await run('/usr/bin/ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path]);
  const [width, height] = size.trim().split(',').map(Number) as [number, number];
  const { stdout } = await run('/usr/bin/ffmpeg', ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], {
    encoding: 'buffer',
    maxBuffer: width * height * 4 + 1024,
  });
  return { width, height, rgba: new Uint8Array(stdout) };
}

/** The bounding box of the pixels `match` accepts, or undefined if there are none. */
export function boxOf(pixels: Pixels, match: (r: number, g: number, b: number, a: number) => boolean): { left: number; right: number; top: number; bottom: number; count: number } | undefined {
  let [left, right, top, bottom, count] = [Infinity, -Infinity, Infinity, -Infinity, 0];
  for (let y = 0; y < pixels.height; y++) {
    for (let x = 0; x < pixels.width; x++) {
      const i = (y * pixels.width + x) * 4;
      if (!match(pixels.rgba[i]!, pixels.rgba[i + 1]!, pixels.rgba[i + 2]!, pixels.rgba[i + 3]!)) continue;
      count++;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  return count === 0 ? undefined : { left, right, top, bottom, count };
}
