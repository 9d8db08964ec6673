/**
 * Compares two renders of the same props frame by frame with ffmpeg's ssim and psnr filters,
 * so an optimisation can be shown not to change what the video looks like.
 *
 *   npx tsx test/bench/compare.ts before.mp4 after.mp4 [--frames-at 1.0,7.9,15.2 --out dir]
 *
 * With --frames-at it also writes side-by-side PNGs (before | after) to look at.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';

const run = promisify(execFile);
const FFMPEG = '/usr/bin/ffmpeg';

export interface FrameComparison {
  frames: number;
  /** Mean SSIM over all frames (luma and chroma, ffmpeg's "All"). */
  ssim: number;
  /** The least similar frame: a single bad frame (a seam, a missing caption) shows here. */
  minSsim: number;
  minSsimFrame: number;
  /** Mean PSNR in dB (ffmpeg's "average"). */
  psnr: number;
}

/** SSIM and PSNR of `after` against `before`, per frame and overall. */
export async function compareVideos(before: string, after: string): Promise<FrameComparison> {
  const dir = join(tmpdir(), `ai-shorts-compare-${process.pid}-${Date.now()}`);
  await mkdir(dir, { recursive: true });
  const stats = join(dir, 'ssim.log');
  try {
    const { stderr } = await run(
      FFMPEG,
      [
        '-hide_banner', '-nostats', '-i', after, '-i', before,
        '-lavfi', `[0:v]split[a0][a1];[1:v]split[b0][b1];[a0][b0]ssim=stats_file=${stats};[a1][b1]psnr`,
        '-f', 'null', '-',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const ssim = Number(/SSIM .*All:([\d.]+)/.exec(stderr)?.[1]);
    const psnr = Number(/PSNR .*average:([\d.inf]+)/.exec(stderr)?.[1]);
    const perFrame = (await readFile(stats, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => ({ n: Number(/n:(\d+)/.exec(line)?.[1]), all: Number(/All:([\d.]+)/.exec(line)?.[1]) }));
    const worst = perFrame.reduce((a, b) => (b.all < a.all ? b : a));
    return { frames: perFrame.length, ssim, minSsim: worst.all, minSsimFrame: worst.n - 1, psnr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes `before | after` side by side at `seconds`, half size, for a person to look at. */
export async function sideBySide(before: string, after: string, seconds: number, png: string): Promise<void> {
  await run(FFMPEG, [
    '-v', 'error', '-y', '-ss', seconds.toFixed(3), '-i', before, '-ss', seconds.toFixed(3), '-i', after,
    '-filter_complex', '[0:v]scale=iw/2:-2[a];[1:v]scale=iw/2:-2[b];[a][b]hstack', '-frames:v', '1', png,
  ]);
}

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
