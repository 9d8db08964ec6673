import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    // The stack's contract (lib/local/contract), synthesized at most once per change of lib/cloud.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two cores: renders and emulators compete; run files one or two at a time.
    maxWorkers: 2,
  },
});
