import type { WebpackOverrideFn } from '@remotion/bundler';

/**
 * The composition imports the shared core, whose ESM sources import `./x.js` for `./x.ts`.
 * Webpack needs telling; pass this to `bundle()` and to Remotion Lambda's `deploySite()`.
 */
export const webpackOverride: WebpackOverrideFn = (config) => ({
  ...config,
  resolve: {
    ...config.resolve,
    extensionAlias: { '.js': ['.ts', '.tsx', '.js'], '.mjs': ['.mts', '.mjs'] },
  },
});
