import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEmptyDatabase } from '../src/testing.js';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./fixtures/migrate-at.ts', import.meta.url));
const migrations = fileURLToPath(new URL('../drizzle', import.meta.url));
/** The children start here: `--import tsx` resolves from this package, which declares tsx. */
const packageDir = fileURLToPath(new URL('..', import.meta.url));
let empty: Awaited<ReturnType<typeof createEmptyDatabase>>;
let url: string;

beforeAll(async () => {
  empty = await createEmptyDatabase(process.env.TEST_DATABASE_URL ?? '');
  url = empty.url;
});

afterAll(async () => {
  await empty.drop();
});

describe('when two processes migrate the same empty PostgreSQL at the same instant', () => {
  it('then both succeed and the schema exists once', async () => {
    const startAt = String(Date.now() + 2_000);
    const children = [1, 2].map(() =>
      run(process.execPath, ['--import', 'tsx', fixture, url, startAt], {
        cwd: packageDir,
        timeout: 30_000,
      }),
    );

    const results = await Promise.allSettled(children);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    const sql = postgres(url, { max: 1, onnotice: () => undefined });
    try {
      const applied = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      const files = (await readdir(migrations)).filter((file) => file.endsWith('.sql'));
      const tables = await sql`select count(*)::int as n from pg_tables where tablename = 'tasks'`;
      expect(applied[0]?.n).toBe(files.length);
      expect(tables[0]?.n).toBe(1);
    } finally {
      await sql.end();
    }
  });
});
