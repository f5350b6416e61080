import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { SQL } from 'drizzle-orm';
import postgres from 'postgres';

import { createDatabase, type Database, type DatabaseOptions, type TaskDb } from './client.js';
import { MIGRATIONS_FOLDER } from './migrate.js';

export interface TestDatabase extends Database {
  /** The URL the application uses (through the pooler in a pooled run); PostgreSQL only. */
  readonly url: string | undefined;
  /** A direct URL to the same database (migrations, LISTEN); PostgreSQL only. */
  readonly directUrl: string | undefined;
  /** Whether `url` goes through a transaction pooler (PgBouncer): no prepared statements. */
  readonly pooled: boolean;
  /** Closes the handle and drops the database it made. */
  destroy(): Promise<void>;
}

/** The same database name at another server (the pooler in front of the admin's server). */
function atServer(url: string, server: string): string {
  const target = new URL(server);
  target.pathname = new URL(url).pathname;
  return target.toString();
}

/**
 * A migrated database of its own for one test file. With TEST_DATABASE_URL it creates a fresh
 * PostgreSQL database next to the one named there and drops it in destroy(), so runs never see
 * each other's rows; without it, PGlite in memory. With TEST_DATABASE_POOLER_URL too (a
 * PgBouncer in transaction mode in front of that server), the application's handle goes
 * through the pooler without prepared statements, and migrations take the direct URL, as the
 * README tells a deployment to.
 */
export async function createTestDatabase(
  options: Omit<DatabaseOptions, 'url' | 'dataDir' | 'directUrl'> = {},
  adminUrl: string | undefined = process.env.TEST_DATABASE_URL,
  poolerUrl: string | undefined = process.env.TEST_DATABASE_POOLER_URL,
): Promise<TestDatabase> {
  if (!adminUrl) {
    const database = await createDatabase({ ...options, dataDir: 'memory://' });
    await database.migrate();
    return {
      ...database,
      url: undefined,
      directUrl: undefined,
      pooled: false,
      destroy: () => database.close(),
    };
  }
  const empty = await createEmptyDatabase(adminUrl);
  const urls = testUrls(empty.url, poolerUrl);
  const database = await createDatabase({
    ...options,
    url: urls.url,
    directUrl: urls.directUrl,
    ...(urls.pooled ? { prepare: false } : {}),
  });
  await database.migrate();
  return {
    ...database,
    ...urls,
    destroy: async () => {
      await database.close();
      await empty.drop();
    },
  };
}

/** How a test reaches a database it made directly: through the pooler when the run has one. */
export function testUrls(
  directUrl: string,
  poolerUrl: string | undefined = process.env.TEST_DATABASE_POOLER_URL,
): Pick<TestDatabase, 'url' | 'directUrl' | 'pooled'> {
  return {
    url: poolerUrl ? atServer(directUrl, poolerUrl) : directUrl,
    directUrl,
    pooled: poolerUrl !== undefined,
  };
}

/** What a server process needs in its environment to use a test database. */
export function serverEnvironment(
  database: Pick<TestDatabase, 'url' | 'directUrl' | 'pooled'>,
): Record<string, string> {
  if (!database.url || !database.directUrl) return {};
  return {
    DATABASE_URL: database.url,
    DATABASE_LISTEN_URL: database.directUrl,
    ...(database.pooled ? { DATABASE_PREPARE: 'false' } : {}),
  };
}

async function asAdmin(adminUrl: string, statement: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end();
  }
}

/** A fresh, empty PostgreSQL database beside the one `adminUrl` names, and how to drop it. */
export async function createEmptyDatabase(
  adminUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `todo_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await asAdmin(adminUrl, `create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => asAdmin(adminUrl, `drop database if exists "${name}" with (force)`),
  };
}

interface Journal {
  entries: { tag: string }[];
}

/**
 * A migrations folder holding the committed migrations up to and including `tag` (e.g.
 * `0000_init`): for `database.migrate(folder)`, to build a database as an older release left it.
 */
async function committedJournal(): Promise<Journal> {
  return JSON.parse(
    await readFile(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8'),
  ) as Journal;
}

/** The tags of every committed migration, oldest first. */
export async function committedMigrations(): Promise<string[]> {
  return (await committedJournal()).entries.map((entry) => entry.tag);
}

export async function migrationsUpTo(
  tag: string,
): Promise<{ folder: string; remove(): Promise<void> }> {
  const journal = await committedJournal();
  const last = journal.entries.findIndex((entry) => entry.tag === tag);
  if (last < 0) throw new Error(`no migration ${tag}`);
  const entries = journal.entries.slice(0, last + 1);
  const folder = await mkdtemp(join(tmpdir(), 'todo-migrations-'));
  await mkdir(join(folder, 'meta'));
  await writeFile(join(folder, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const entry of entries) {
    await copyFile(join(MIGRATIONS_FOLDER, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
  }
  return { folder, remove: () => rm(folder, { recursive: true, force: true }) };
}

/**
 * The rows of a raw statement on either driver (postgres.js answers an array, PGlite an object
 * with `rows`), for tests that inspect the database itself.
 */
export async function rowsOf<T>(db: TaskDb, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}
