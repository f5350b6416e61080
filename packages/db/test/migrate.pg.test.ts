import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const adminUrl = process.env.TEST_DATABASE_URL ?? '';
const fixture = fileURLToPath(new URL('./fixtures/migrate-at.ts', import.meta.url));
const migrations = fileURLToPath(new URL('../drizzle', import.meta.url));
const name = `todo_migrate_${Date.now().toString(36)}`;
const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();

const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });

beforeAll(async () => {
  await admin.unsafe(`create database "${name}"`);
});

afterAll(async () => {
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

describe('when two processes migrate the same empty PostgreSQL at the same instant', () => {
  it('then both succeed and the schema exists once', async () => {
    const startAt = String(Date.now() + 2_000);
    const children = [1, 2].map(() =>
      run(process.execPath, ['--import', 'tsx', fixture, url, startAt], { timeout: 30_000 }),
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
