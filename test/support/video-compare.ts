/**
 * Compares two renders of the same props frame by frame with ffmpeg's ssim and psnr filters,
 * so a change to the renderer can be shown not to change what the video looks like.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

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
