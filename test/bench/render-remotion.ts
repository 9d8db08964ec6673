/**
 * Renders the fixed scene set with the product's renderer (LocalRemotionRenderer: the real
 * composition, bundle cache and render settings) and times it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalRemotionRenderer, type LocalRemotionRendererOptions } from '../../lambdas/adapters/offline/remotion-renderer.js';
import type { BlobStore, VideoRenderer } from '../../lambdas/core/ports.js';
import type { ShortVideoProps } from '../../lambdas/core/video-props.js';
import { MemoryBlobStore } from '../support/render-blob-store.js';

export interface RenderTiming {
  /** Wall time from start() to a stored MP4, browser start included. */
  wallMs: number;
  frames: number;
  /** frames / wall time. */
  fps: number;
  file: string;
}

/** Makes a renderer: the current one by default, the baseline one for before/after runs. */
export type RendererFactory = (options: { blobs: BlobStore; workDir: string; onLog: (m: string) => void }) => VideoRenderer & {
  bundle(): Promise<string>;
};

export const currentRenderer =
  (extra: Partial<LocalRemotionRendererOptions> = {}): RendererFactory =>
  (options) =>
    new LocalRemotionRenderer({ ...options, ...extra });

/** Bundles the composition (or finds the cached bundle); returns how long that took. */
export async function warmBundle(workDir: string, make: RendererFactory = currentRenderer()): Promise<number> {
  const started = performance.now();
  await make({ blobs: new MemoryBlobStore(), workDir, onLog: () => {} }).bundle();
  return performance.now() - started;
}

/** One render of `props` to `outFile` through a LocalRemotionRenderer. */
export async function renderWithRemotion(
  props: ShortVideoProps,
  workDir: string,
  outFile: string,
  make: RendererFactory = currentRenderer(),
): Promise<RenderTiming> {
  const blobs = new MemoryBlobStore();
  const logs: string[] = [];
  const renderer = make({ blobs, workDir, onLog: (m) => logs.push(m) });
  await renderer.bundle();
  const started = performance.now();
  const { renderId } = await renderer.start({ jobId: 'bench', props, outputKey: 'bench.mp4' });
  for (;;) {
    const progress = await renderer.progress(renderId);
    if (progress.fatalError) throw new Error(`render failed: ${progress.fatalError}\n${logs.join('\n')}`);
    if (progress.done) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const wallMs = performance.now() - started;
  await writeFile(outFile, await blobs.get('bench.mp4'));
  return { wallMs, frames: props.durationInFrames, fps: props.durationInFrames / (wallMs / 1000), file: outFile };
}

/** The bench renderer's work folder (Chromium wrapper, in-progress MP4s); the bundle is the checkout's shared one. */
export function remotionWorkDir(root: string): string {
  return join(root, 'remotion-work');
}
