/**
 * `shorts generate` caption and brand flags: bad values are usage errors (exit 2) naming the flag,
 * found before the local cloud starts; a kit file is checked as PUT /api/brand and the logo upload are.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBrandKitFile } from '../../lib/local/brand-kit-file.js';
import { shorts } from '../support/cli.js';
import { greyPng } from '../support/png.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-cli-brand-'));
  await writeFile(path.join(dir, 'logo.png'), greyPng(128));
  await writeFile(path.join(dir, 'tiny.png'), greyPng(16));
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
    expect(kit.logo!.bytes.byteLength).toBe(greyPng(128).byteLength);
  });
});
