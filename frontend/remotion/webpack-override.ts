import type { RspackOverrideFn, WebpackOverrideFn } from '@remotion/bundler';

/**
 * The composition imports the shared core, whose ESM sources import `./x.js` for `./x.ts`.
 * The bundler needs telling; {@link COMPOSITION_BUNDLER} passes this to `bundle()` and to Remotion
 * Lambda's `deploySite()`.
 */
const extensionAlias = { '.js': ['.ts', '.tsx', '.js'], '.mjs': ['.mts', '.mjs'] };

export const webpackOverride: WebpackOverrideFn = (config) => ({ ...config, resolve: { ...config.resolve, extensionAlias } });

export const rspackOverride: RspackOverrideFn = (config) => ({ ...config, resolve: { ...config.resolve, extensionAlias } });

/**
 * How the composition is bundled, locally and for Remotion Lambda's site: with Rspack, which
 * @remotion/bundler ships beside webpack. A cold bundle measured ~6 CPU-s with Rspack against
 * ~22 CPU-s with webpack (BENCHMARKS.md, "The first video on a fresh machine"), which is what a
 * user's first video waits on; so no bundler cache is kept either (webpack's grew by ~30 MB a
 * bundle in node_modules/.cache/webpack, and a cold Rspack build is cheaper than webpack's warm one
 * needed to be worth it).
 */
export const COMPOSITION_BUNDLER = { rspack: true, rspackOverride, webpackOverride, enableCaching: false } as const;
