/**
 * Bundles frontend/remotion into the directory given as the only argument, as Remotion's
 * `deploySite()` would for site `ai-shorts`. Run by lib/cloud/remotion-site.ts at synth.
 */
import { bundle } from '@remotion/bundler';
import { webpackOverride } from '../../frontend/remotion/webpack-override.js';
import { REMOTION_ENTRY_POINT, REMOTION_SITE_PREFIX } from './remotion-site.js';

const [outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: node --import tsx lib/cloud/remotion-site-bundle.ts <output directory>');
  process.exit(2);
}
const started = Date.now();
await bundle({
  entryPoint: REMOTION_ENTRY_POINT,
  outDir,
  publicPath: `/${REMOTION_SITE_PREFIX}`,
  webpackOverride,
  enableCaching: true,
});
console.error(`Remotion site bundled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
