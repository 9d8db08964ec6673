import type { RspackOverrideFn, WebpackOverrideFn } from '@remotion/bundler';

/**
 * The composition imports the shared core, whose ESM sources import `./x.js` for `./x.ts`.
 * The bundler needs telling: {@link COMPOSITION_BUNDLER} passes this to the local `bundle()`, and
 * lib/cloud/remotion-site-bundle.ts passes the webpack one for Remotion Lambda's site.
 */
const extensionAlias = { '.js': ['.ts', '.tsx', '.js'], '.mjs': ['.mts', '.mjs'] };

export const webpackOverride: WebpackOverrideFn = (config) => ({ ...config, resolve: { ...config.resolve, extensionAlias } });

export const rspackOverride: RspackOverrideFn = (config) => ({ ...config, resolve: { ...config.resolve, extensionAlias } });

/**
 * How the composition is bundled for the local renderer: with Rspack, which
 * @remotion/bundler ships beside webpack. A cold bundle measured 7.4 CPU-s with Rspack against
 * 22.8–34.8 CPU-s with webpack (same run, load ~25–32), and a cold bundle is what a user's first
 * video waits on. No bundler cache: the bundle folder itself is kept per source hash, and
 * webpack's cache had grown to 3.3 GB in node_modules/.cache/webpack on the shared machine.
 */
export const COMPOSITION_BUNDLER = { rspack: true, rspackOverride, webpackOverride, enableCaching: false } as const;
