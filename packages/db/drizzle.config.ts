import { defineConfig } from 'drizzle-kit';

// Only `db:generate` reads this: it diffs src/schema.ts against the committed migrations.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
});
