import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.SHORTS_API ?? 'http://127.0.0.1:3000';

/**
 * The dashboard. `npm run build:web` writes frontend/dist, which `npx shorts dev` serves and
 * CloudFront hosts. `npx vite --config frontend/vite.config.ts` serves it with hot reload and
 * sends /api to a running `npx shorts dev` (SHORTS_API, default http://127.0.0.1:3000).
 */
export default defineConfig({
  root,
  base: '/',
  publicDir: 'public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // React libraries mark modules "use client" for server components; meaningless in an SPA.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: {
      '/api': {
        target: api,
        // Local session tokens are minted for (and checked against) the origin that asked.
        configure: (proxy) => proxy.on('proxyReq', (request) => request.setHeader('origin', api)),
      },
    },
  },
});
