import { fileURLToPath } from 'node:url';

import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as migrateWithPostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

/** The committed drizzle-kit output; `../drizzle` from both src/ and dist/. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url));

/** Any fixed 64-bit key; only our migrations take it. */
const MIGRATION_LOCK_KEY = 7_311_042_118;

/**
 * drizzle's migrator is not safe to run from two processes at once (drizzle-orm#874): both
 * create the `drizzle` schema and its table and one fails. A session advisory lock on one
 * dedicated connection serialises them; the second then finds every migration applied. Session
 * locks do not survive PgBouncer transaction pooling, so give migrations a direct URL.
 */
export async function migratePostgres(
  url: string,
  migrationsFolder = MIGRATIONS_FOLDER,
): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migrateWithPostgres(drizzle(client), { migrationsFolder });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** PGlite is one connection in one process: nothing can run beside it. */
export async function migratePglite<TSchema extends Record<string, unknown>>(
  db: PgliteDatabase<TSchema>,
  migrationsFolder = MIGRATIONS_FOLDER,
): Promise<void> {
  const { migrate: migrateWithPglite } = await import('drizzle-orm/pglite/migrator');
  await migrateWithPglite(db, { migrationsFolder });
}
