/**
 * `shorts generate` caption and brand flags: bad values are usage errors (exit 2) naming the flag,
 * found before the local cloud starts; a kit file is checked as PUT /api/brand and the logo upload are.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBrandKitFile } from '../../lib/local/brand-kit-file.js';
import { shorts } from '../support/cli.js';

let dir: string;

/** A plain grey PNG of `side` px. */
function png(side: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const rows = Buffer.concat(Array.from({ length: side }, () => Buffer.from([0, ...Array<number>(side).fill(128)])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-cli-brand-'));
  await writeFile(path.join(dir, 'logo.png'), png(128));
  await writeFile(path.join(dir, 'tiny.png'), png(16));
  await writeFile(path.join(dir, 'good.json'), JSON.stringify({ logo: 'logo.png', logoPosition: 'bottom-left', logoOpacity: 0.6, primaryColor: '#ff3366', textColor: '#ffffff', font: 'bebas-neue' }));
  await writeFile(path.join(dir, 'bad-colour.json'), JSON.stringify({ primaryColor: 'pink' }));
  await writeFile(path.join(dir, 'tiny-logo.json'), JSON.stringify({ logo: 'tiny.png' }));
  await writeFile(path.join(dir, 'not-json.json'), 'logo: x');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('shorts generate: caption and brand flags', () => {
  it.each([
    { name: 'an unknown caption style', args: ['--caption-style', 'comic'], message: /--caption-style.*Allowed choices are bold, karaoke, minimal, boxed, outline, subtitle/s },
    { name: 'an unknown caption position', args: ['--caption-position', 'left'], message: /--caption-position.*Allowed choices are top, middle, bottom/s },
    { name: 'an unknown caption size', args: ['--caption-size', 'xl'], message: /--caption-size.*Allowed choices are s, m, l/s },
    { name: 'a kit file that does not exist', args: ['--brand', 'missing.json'], message: /--brand .*missing\.json: cannot read/ },
    { name: 'a kit file that is not JSON', args: ['--brand', 'not-json.json'], message: /--brand .*not JSON/ },
    { name: 'a bad colour in the kit', args: ['--brand', 'bad-colour.json'], message: /--brand .*primaryColor: primaryColor must be a colour like #1a2b3c/ },
    { name: 'a logo too small', args: ['--brand', 'tiny-logo.json'], message: /--brand .*logo: tiny\.png: the picture is 16x16 px; each side must be 64 to 2048 px/ },
  ])('$name exits 2 naming the flag', async ({ args, message }) => {
    const out = path.join(dir, 'x.mp4');
    const outcome = await shorts(['generate', 'cats', '--out', out, ...args.map((a) => (a.endsWith('.json') ? path.join(dir, a) : a))]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(message);
    expect((await readdir(dir)).includes('x.mp4')).toBe(false);
  });

  it('reads a good kit file: its settings and its logo (path relative to the file)', async () => {
    const kit = await readBrandKitFile(path.join(dir, 'good.json'));
    expect(kit.settings).toEqual({ logoPosition: 'bottom-left', logoOpacity: 0.6, primaryColor: '#ff3366', textColor: '#ffffff', font: 'bebas-neue' });
    expect(kit.logo).toMatchObject({ path: 'logo.png', contentType: 'image/png' });
    expect(kit.logo!.bytes.byteLength).toBe(png(128).byteLength);
  });
});
