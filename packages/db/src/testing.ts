import { randomBytes } from 'node:crypto';

import postgres from 'postgres';

import { createDatabase, type Database, type DatabaseOptions } from './client.js';

export interface TestDatabase extends Database {
  /** The URL of the fresh database (PostgreSQL only). */
  readonly url: string | undefined;
  /** Closes the handle and drops the database it made. */
  destroy(): Promise<void>;
}

/**
 * A migrated database of its own for one test file. With TEST_DATABASE_URL it creates a fresh
 * PostgreSQL database next to the one named there and drops it in destroy(), so runs never see
 * each other's rows; without it, PGlite in memory.
 */
export async function createTestDatabase(
  options: Omit<DatabaseOptions, 'url' | 'dataDir'> = {},
  adminUrl: string | undefined = process.env.TEST_DATABASE_URL,
): Promise<TestDatabase> {
  if (!adminUrl) {
    const database = await createDatabase({ ...options, dataDir: 'memory://' });
    await database.migrate();
    return { ...database, url: undefined, destroy: () => database.close() };
  }
  const empty = await createEmptyDatabase(adminUrl);
  const database = await createDatabase({ ...options, url: empty.url });
  await database.migrate();
  return {
    ...database,
    url: empty.url,
    destroy: async () => {
      await database.close();
      await empty.drop();
    },
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
