/**
 * Upgrading a database a v1 release left behind: the server's own start migrates it, every
 * row keeps its data and gets the v2 defaults, and (on PostgreSQL) two servers starting at once
 * on it migrate it once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Task } from '@todo/api';
import { createDatabase, type Database } from '@todo/db';
import {
  committedMigrations,
  createEmptyDatabase,
  migrationsUpTo,
  rowsOf,
  serverEnvironment,
  testUrls,
} from '@todo/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { httpClient } from './support/http.js';
import { startServerProcess, type ServerProcess } from './support/process.js';
import { tokenFor } from './support/tokens.js';

const V1_ROWS = 25;

interface V1Row {
  id: number;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  created_at: string;
  updated_at: string;
}

/** Where the database lives: a fresh PostgreSQL database, or a PGlite directory. */
let env: Record<string, string>;
let cleanup: () => Promise<void>;
let v1Rows: V1Row[];
const servers: ServerProcess[] = [];

/** The database as a v1 release left it: migration 0000 only, rows written as v1 wrote them. */
async function v1Database(): Promise<void> {
  let database: Database;
  if (process.env.TEST_DATABASE_URL) {
    const empty = await createEmptyDatabase(process.env.TEST_DATABASE_URL);
    env = serverEnvironment(testUrls(empty.url));
    database = await createDatabase({ url: empty.url });
    cleanup = () => empty.drop();
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'todo-migration-'));
    env = { PGLITE_DIR: dir };
    database = await createDatabase({ dataDir: dir });
    cleanup = () => rm(dir, { recursive: true, force: true });
  }
  const v1 = await migrationsUpTo('0000_init');
  try {
    await database.migrate(v1.folder);
    await database.db.execute(sql`
      insert into tasks (user_id, title, description, completed, created_at, updated_at)
      select case when g % 2 = 0 then 'alice' else 'bob' end, 'v1 task ' || g,
             case when g % 3 = 0 then null else 'notes ' || g end, g % 4 = 0,
             timestamptz '2026-06-01T10:00:00.123Z' + g * interval '1 minute',
             timestamptz '2026-06-02T10:00:00.456Z' + g * interval '1 minute'
      from generate_series(1, ${V1_ROWS}) g`);
    v1Rows = await rowsOf<V1Row>(
      database.db,
      sql`select id, user_id, title, description, completed,
                 to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
                 to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as updated_at
          from tasks order by id`,
    );
    const [row] = await rowsOf<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from information_schema.columns where table_name = 'tasks' and column_name = 'tags'`,
    );
    expect(row?.n, 'the database starts without the v2 columns').toBe(0);
  } finally {
    await database.close();
    await v1.remove();
  }
}

beforeAll(async () => {
  await v1Database();
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.kill()));
  await cleanup();
});

/** Every task of `user`, oldest first, through the API. */
async function tasksOf(server: ServerProcess, user: string): Promise<Task[]> {
  const reply = await httpClient(`${server.url}/api`, tokenFor(user)).send(
    'GET',
    `/${user}/tasks?sort=created&order=asc&limit=500`,
  );
  expect(reply.status, reply.text).toBe(200);
  return reply.body as Task[];
}

describe('when servers start on a database at migration 0000 holding v1 rows', () => {
  it('then it is migrated once and every row keeps its data, with the v2 defaults', async () => {
    // On PostgreSQL two servers start at once on it; PGlite is one process per directory.
    const count = process.env.TEST_DATABASE_URL ? 2 : 1;
    servers.push(
      ...(await Promise.all(Array.from({ length: count }, () => startServerProcess(env)))),
    );
    const [server] = servers;
    if (!server) throw new Error('no server started');

    const listed = [...(await tasksOf(server, 'alice')), ...(await tasksOf(server, 'bob'))];

    expect(listed.sort((a, b) => a.id - b.id)).toEqual(
      v1Rows.map((row) => ({
        ...row,
        priority: 'none',
        due_date: null,
        tags: [],
        recurrence: null,
        version: 1,
      })),
    );
    for (const other of servers.slice(1)) {
      expect(await tasksOf(other, 'alice')).toEqual(await tasksOf(server, 'alice'));
    }
    if (env.DATABASE_LISTEN_URL) {
      const database = await createDatabase({ url: env.DATABASE_LISTEN_URL });
      try {
        const [applied] = await rowsOf<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
        );
        expect(applied?.n, 'each migration recorded once').toBe(
          (await committedMigrations()).length,
        );
      } finally {
        await database.close();
      }
    }
  });

  it('then the migrated rows take v2 writes like any other', async () => {
    const [server] = servers;
    if (!server) throw new Error('no server started');
    const alice = httpClient(`${server.url}/api/alice`, tokenFor('alice'));
    const [first] = await tasksOf(server, 'alice');

    const reply = await alice.send('PATCH', `/tasks/${String(first?.id)}`, {
      json: { tags: ['Upgraded'], due_date: '2026-12-01', recurrence: 'FREQ=WEEKLY' },
    });

    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toMatchObject({
      title: first?.title,
      tags: ['upgraded'],
      recurrence: 'FREQ=WEEKLY',
    });
  });
});
