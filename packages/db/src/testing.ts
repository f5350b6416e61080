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
  const name = `todo_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await createDatabase({ ...options, url: url.toString() });
  await database.migrate();
  return {
    ...database,
    url: url.toString(),
    destroy: async () => {
      await database.close();
      const dropper = postgres(adminUrl, { max: 1, onnotice: () => undefined });
      try {
        await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
