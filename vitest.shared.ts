import { defineConfig } from 'vitest/config';

/**
 * What every package's vitest project shares. Workspace packages resolve to their TypeScript
 * sources through the `@todo/source` export condition, so tests never need a build.
 * Files named `*.pg.test.ts` need a real PostgreSQL: they are included only when
 * TEST_DATABASE_URL names one (CI's second run), so the PGlite run has nothing skipped.
 */
export function packageTestConfig(name: string) {
  const withPostgres = Boolean(process.env.TEST_DATABASE_URL);
  return defineConfig({
    resolve: { conditions: ['@todo/source'] },
    ssr: { resolve: { conditions: ['@todo/source'] } },
    test: {
      name,
      include: ['{src,test}/**/*.test.ts'],
      exclude: withPostgres ? ['**/node_modules/**'] : ['**/node_modules/**', '**/*.pg.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  });
}
