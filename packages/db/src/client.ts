import { mkdir } from 'node:fs/promises';

import { sql, type Logger } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

import { toPostgresJsUrl } from './connection-url.js';
import { classifyDatabaseError } from './errors.js';
import { migratePglite, migratePostgres } from './migrate.js';
import * as schema from './schema.js';

/** The one handle type both drivers produce; queries take it as their first argument. */
export type TaskDb = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseOptions {
  /** A PostgreSQL URL (Neon included). Unset: the embedded PGlite below. */
  url?: string | undefined;
  /**
   * A direct (not pooled) URL to the same database, for migrations: their session advisory
   * lock does not survive PgBouncer's transaction pooling. Default: `url`.
   */
  directUrl?: string | undefined;
  /** PGlite data directory; `memory://` keeps it in memory (tests). Default `./.data/pglite`. */
  dataDir?: string | undefined;
  /** postgres.js pool size. */
  poolMax?: number | undefined;
  /** Protocol-level prepared statements; `false` for PgBouncer / Neon pooled URLs in transaction mode. */
  prepare?: boolean | undefined;
  /** Seconds to wait for a connection before the database counts as unavailable. */
  connectTimeoutSeconds?: number | undefined;
  /** Seconds before an idle pooled connection is closed (Neon cuts idle ones anyway). */
  idleTimeoutSeconds?: number | undefined;
  /** Called once per SQL statement sent (the benchmark counts statements per request). */
  onQuery?: ((query: string, params: unknown[]) => void) | undefined;
}

export interface Database {
  readonly db: TaskDb;
  readonly driver: 'postgres' | 'pglite';
  /**
   * Applies the committed migrations; safe on every start and from concurrent processes.
   * `folder`: another migrations folder (tests that start from an older schema).
   */
  migrate(folder?: string): Promise<void>;
  /** Resolves when the database answers `select 1`; rejects (classified) when it does not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_PGLITE_DIR = './.data/pglite';

/**
 * Seconds before reconnecting after the n-th failed connection. postgres.js's default grows as
 * 3^n/100 up to 20 s across the whole pool, so after a two-second outage queued queries wait
 * up to 20 s for a retry instead of failing fast (503) and recovering at once. Capped at 1 s.
 */
export function reconnectBackoff(failures: number): number {
  return Math.min(0.05 * 2 ** failures, 1);
}

function queryLogger(onQuery: DatabaseOptions['onQuery']): Logger | undefined {
  return onQuery
    ? {
        logQuery: (query, params) => {
          onQuery(query, params);
        },
      }
    : undefined;
}

export async function createDatabase(options: DatabaseOptions = {}): Promise<Database> {
  return options.url ? createPostgres(options.url, options) : createPglite(options);
}

function createPostgres(databaseUrl: string, options: DatabaseOptions): Database {
  const url = toPostgresJsUrl(databaseUrl);
  const client = postgres(url, {
    max: options.poolMax ?? 10,
    prepare: options.prepare ?? true,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    idle_timeout: options.idleTimeoutSeconds ?? 30,
    backoff: reconnectBackoff,
    onnotice: () => undefined,
  });
  const db = drizzlePostgres(client, { schema, logger: queryLogger(options.onQuery) });
  return {
    db,
    driver: 'postgres',
    migrate: (folder) =>
      migratePostgres(options.directUrl ? toPostgresJsUrl(options.directUrl) : url, folder),
    ping: () => ping(db),
    close: () => client.end({ timeout: 5 }),
  };
}

/** PGlite is loaded only when used: a server on PostgreSQL never pays its memory. */
async function createPglite(options: DatabaseOptions): Promise<Database> {
  const [{ PGlite }, { btree_gin }, { drizzle: drizzlePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/btree_gin'),
    import('drizzle-orm/pglite'),
  ]);
  const dataDir = options.dataDir ?? DEFAULT_PGLITE_DIR;
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) await mkdir(dataDir, { recursive: true });
  // btree_gin: migration 0001 creates it (for a tag index 0004 replaced), so replaying needs it.
  const extensions = { btree_gin };
  const client = inMemory ? new PGlite({ extensions }) : new PGlite(dataDir, { extensions });
  await client.waitReady;
  const db = drizzlePglite(client, { schema, logger: queryLogger(options.onQuery) });
  return {
    db,
    driver: 'pglite',
    migrate: (folder) => migratePglite(db, folder),
    ping: () => ping(db),
    close: () => client.close(),
  };
}

async function ping(db: TaskDb): Promise<void> {
  try {
    await db.execute(sql`select 1`);
  } catch (error) {
    throw classifyDatabaseError(error);
  }
}
