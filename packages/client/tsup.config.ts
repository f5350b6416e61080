import { defineConfig } from 'tsup';

/**
 * ESM and CJS, each with its own declarations. The router's types come from the private
 * @todo/* packages, so their declarations are bundled in (dts.resolve); @trpc/* stay imports,
 * as peers. Nothing of the server reaches the JavaScript: @todo/api is imported for types only.
 */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  target: 'node20',
  platform: 'neutral',
  dts: {
    // TypeScript treats any bare import resolved through node_modules as an external library,
    // and rollup-plugin-dts then leaves it as an import; the workspace packages are private, so
    // for this declaration bundle only, map them to their sources to inline what is used.
    compilerOptions: {
      baseUrl: '.',
      paths: { '@todo/api': ['../api/src/index.ts'], '@todo/db': ['../db/src/index.ts'] },
    },
  },
  external: ['@trpc/client', '@trpc/server'],
  clean: true,
  sourcemap: false,
  treeshake: true,
});
