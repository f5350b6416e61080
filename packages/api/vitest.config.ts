import { defineConfig, mergeConfig } from 'vitest/config';

import { packageTestConfig } from '../../vitest.shared.js';

/**
 * Type tests (`*.test-d.ts`) run under tsc as part of `pnpm test`: `expectTypeOf` checks nothing
 * at runtime, so a plain `vitest run` would pass them whatever the types say.
 */
export default mergeConfig(
  packageTestConfig('api'),
  defineConfig({
    test: {
      typecheck: {
        enabled: true,
        checker: 'tsc',
        include: ['test/**/*.test-d.ts'],
        tsconfig: './tsconfig.json',
      },
    },
  }),
);
