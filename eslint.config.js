// @ts-check
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.data/**',
      '**/.next/**',
      '**/next-env.d.ts',
      'packages/db/drizzle/**',
      'bench/results/**',
    ],
  },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Configuration is read once, in apps/server/src/config.ts, and passed down.
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration in the app’s src/config.ts and pass it down.',
        },
      ],
    },
  },
  {
    // Entry points and test set-up may read the environment directly.
    files: [
      'apps/server/src/config.ts',
      'apps/web/src/config.ts',
      'apps/web/e2e/**',
      '**/test/**',
      '**/*.test.ts',
      '**/testing.ts',
      '**/vitest.*.ts',
      '**/*.config.ts',
      'bench/**',
      'apps/server/scripts/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The web app's pages and components run in the browser too.
    files: ['apps/web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
