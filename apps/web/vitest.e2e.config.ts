import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: real Chromium against the production builds of the web app and the API
 * (`pnpm test:e2e` builds them first). Not part of `pnpm test`. Timeouts are generous: only
 * the contract's one-second live-update bound is a timing claim.
 */
export default defineConfig({
  // The API's test support (a free port) is imported from its sources.
  resolve: { conditions: ['@todo/source'] },
  ssr: { resolve: { conditions: ['@todo/source'] } },
  test: {
    name: 'web-e2e',
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
