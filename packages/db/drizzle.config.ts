import { defineConfig } from 'drizzle-kit';

// Only `db:generate` reads this: it diffs the table definitions against the committed migrations.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/*/table.ts',
  out: './drizzle',
});
