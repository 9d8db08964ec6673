/**
 * Compares two renders of the same props frame by frame (SSIM, PSNR; test/support/video-compare.ts).
 *
 *   npx tsx test/bench/compare.ts before.mp4 after.mp4 [--frames-at 1.0,7.9,15.2 --out dir]
 *
 * With --frames-at it also writes side-by-side PNGs (before | after) to look at.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compareVideos, sideBySide } from '../support/video-compare.js';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [before, after, ...rest] = process.argv.slice(2);
  if (!before || !after) {
    console.error('usage: compare.ts before.mp4 after.mp4 [--frames-at 1,7.9 --out dir]');
    process.exit(2);
  }
  const result = await compareVideos(before, after);
  console.log(
    `frames ${result.frames}  SSIM ${result.ssim.toFixed(5)} (worst ${result.minSsim.toFixed(5)} at frame ${result.minSsimFrame})  PSNR ${result.psnr.toFixed(2)} dB`,
  );
  const at = rest.indexOf('--frames-at');
  if (at >= 0) {
    const out = rest[rest.indexOf('--out') + 1] ?? '.';
    await mkdir(out, { recursive: true });
    for (const s of (rest[at + 1] ?? '').split(',').map(Number)) {
      const png = join(out, `compare-${s.toFixed(2)}s.png`);
      await sideBySide(before, after, s, png);
      console.log(png);
    }
  }
}
