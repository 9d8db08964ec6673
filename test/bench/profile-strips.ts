/**
 * Profiling harness for the layered render's strips: draws the bench fixture's overlay strips
 * (overlay-plan.ts) in Chromium exactly as the renderer does — one browser, renderFrames, PNG —
 * without ffmpeg, and prints the wall time and the CPU time per kind of process. Not part of
 * `npm run bench`; for trying a setting in a minute.
 *
 *   npx tsx test/bench/profile-strips.ts '{"layers":["captions"],"transparent":true}'
 *
 * Keys: layers (default all) · transparent (the renderer's transparent-page option) · out (a
 * directory to write the PNGs to, for looking at them) · limit (the first N strips of each layer).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBrowser, renderFrames, selectComposition } from '@remotion/renderer';
import { OVERLAY_BAND_COMPOSITION_ID, planOverlay, type OverlayBandProps, type OverlayLayer } from '../../frontend/remotion/overlay-plan.js';
import { LocalRemotionRenderer, screenshotWithinViewport } from '../../lambdas/adapters/offline/remotion-renderer.js';
import { MemoryBlobStore } from '../support/render-blob-store.js';
import { loadFixture, serveFixture } from './fixture.js';
import { sampleCpu } from './process-tree.js';
import { remotionWorkDir } from './render-remotion.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as { layers?: OverlayLayer[]; transparent?: boolean; out?: string; limit?: number };
const root = join(process.cwd(), 'test-artifacts', 'bench');
const fixture = await loadFixture(root);
const serveUrl = await new LocalRemotionRenderer({ blobs: new MemoryBlobStore(), workDir: remotionWorkDir(root) }).bundle();
const served = await serveFixture(fixture);
const props = served.props;
const wrapper = join(remotionWorkDir(root), 'chromium-offline.sh');
const browser = screenshotWithinViewport(
  await openBrowser('chrome', { browserExecutable: wrapper, chromiumOptions: { gl: null }, chromeMode: 'chrome-for-testing', logLevel: 'error' }),
  { transparent: opts.transparent ?? false },
);
const page = { serveUrl, puppeteerInstance: browser, browserExecutable: wrapper, chromiumOptions: { gl: null }, chromeMode: 'chrome-for-testing' as const, logLevel: 'error' as const };
const plans = planOverlay(props).filter((plan) => !opts.layers || opts.layers.includes(plan.layer));
const cpu = sampleCpu(process.pid);
const started = performance.now();
let drawn = 0;
let bytes = 0;
for (const plan of plans) {
  const inputProps: OverlayBandProps = { ...props, layer: plan.layer, bandTop: plan.top, bandHeight: plan.height };
  const composition = await selectComposition({ ...page, id: OVERLAY_BAND_COMPOSITION_ID, inputProps });
  if (opts.out) mkdirSync(join(opts.out, plan.layer), { recursive: true });
  await renderFrames({
    ...page, composition, inputProps, frames: plan.frames.slice(0, opts.limit ?? plan.frames.length), imageFormat: 'png', outputDir: null, concurrency: 1, muted: true,
    onStart: () => {}, onFrameUpdate: () => {},
    onFrameBuffer: (buffer, frame) => {
      drawn++;
      bytes += buffer.length;
      if (opts.out) writeFileSync(join(opts.out, plan.layer, `${String(frame).padStart(4, '0')}.png`), buffer);
    },
  });
}
const wall = (performance.now() - started) / 1000;
const total = await cpu.stop();
await browser.close({ silent: true });
await served.close();
const parts = Object.entries(cpu.byKind()).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(' | ');
console.log(`${JSON.stringify(opts)}: ${drawn} strips (${plans.map((p) => `${p.layer} ${p.height}px`).join(', ')}), ${(bytes / drawn / 1024).toFixed(0)} KB each, wall ${wall.toFixed(1)} s, ${((wall / drawn) * 1000).toFixed(0)} ms/strip, CPU ${total.toFixed(1)} s (${((total / drawn) * 1000).toFixed(0)} ms/strip)`);
console.log(`  ${parts}`);
process.exit(0);
