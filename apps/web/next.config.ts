import type { NextConfig } from 'next';

const config: NextConfig = {
  // PGlite loads its WebAssembly and data files from its own package directory at run time.
  serverExternalPackages: ['@electric-sql/pglite'],
  typescript: {
    // The build checks the app against @todo/client as published (its built declarations);
    // tsconfig.json maps it to the sources so `pnpm typecheck` and lint need no build first.
    tsconfigPath: 'tsconfig.build.json',
  },
  poweredByHeader: false,
  // The corner badge covers the list on a phone; build errors still show as an overlay.
  devIndicators: false,
};

export default config;
