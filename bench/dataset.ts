/**
 * The benchmark's data in its own database: 2,000 users × 50 tasks plus one user ("big") with
 * 10,000, loaded with one INSERT ... SELECT each, deterministic, recreated before every run.
 */
import { createDatabase } from '@todo/db';
import postgres from 'postgres';

export const BIG_USER = 'big';

export interface DatasetSize {
  users: number;
  tasksPerUser: number;
  bigUserTasks: number;
}

/** Any fixed number: the advisory lock one run holds on the admin database for its whole run. */
const RUN_LOCK = 7_390_221;

/**
 * One run at a time per PostgreSQL: the dataset is dropped and recreated by name, so a second run
 * would pull it away from the first. Resolves with the release, or rejects when a run holds it.
 */
export async function lockBenchRun(adminUrl: string): Promise<() => Promise<void>> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  const [row] = await admin<
    { locked: boolean }[]
  >`select pg_try_advisory_lock(${RUN_LOCK}) as locked`;
  if (!row?.locked) {
    await admin.end();
    throw new Error('another benchmark run holds this PostgreSQL (its advisory lock is taken)');
  }
  return () => admin.end();
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops and recreates the database, applies the committed migrations, loads the rows. */
export async function resetDataset(
  adminUrl: string,
  name: string,
  size: DatasetSize,
): Promise<string> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(adminUrl, name);
  const database = await createDatabase({ url });
  await database.migrate();
  await database.close();

  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql`
      insert into tasks (user_id, title, description, completed, created_at, updated_at)
      select 'u' || u, 'Task ' || t || ' of u' || u, case when t % 3 = 0 then 'Notes for task ' || t end, t % 4 = 0,
             timestamptz '2026-01-01' + (u * 50 + t) * interval '1 second',
             timestamptz '2026-01-01' + (u * 50 + t) * interval '1 second'
      from generate_series(0, ${size.users - 1}) u, generate_series(0, ${size.tasksPerUser - 1}) t
      order by u, t`;
    await addBigUser(sql, size.bigUserTasks);
    // VACUUM too: a fresh bulk load would otherwise start autovacuum during the measurement.
    await sql`vacuum analyze tasks, task_tags`;
  } finally {
    await sql.end();
  }
  return url;
}

/** A tag on one task in ten, of the big user's and of everyone else's (the same vocabulary). */
export const SCALE_TAG = 't3';

/**
 * The v2 fields as a real list has them: a third of the tasks undated, the rest spread over
 * about a year (many equal dates), four priorities, two tags each from a shared vocabulary.
 */
const V2_FIELDS = (g: string) => `
  (array['none','low','medium','high'])[1 + ${g} % 4]::task_priority,
  case when ${g} % 3 = 0 then null else date '2026-01-01' + (${g} % 365) end,
  array['t' || (${g} % 10), 'p' || (${g} % 7)]`;

async function addBigUser(sql: postgres.Sql, count: number): Promise<void> {
  await sql.unsafe(`
    insert into tasks (user_id, title, completed, created_at, updated_at, priority, due_date, tags)
    select '${BIG_USER}', 'Big task ' || g, g % 2 = 0,
           timestamptz '2026-02-01' + g * interval '1 second', timestamptz '2026-02-01' + g * interval '1 second',
           ${V2_FIELDS('g')}
    from generate_series(1, ${count}) g order by g`);
}

/** The scale run's table: the big user plus filler users up to `total` rows. */
export async function loadScaleTable(
  url: string,
  total: number,
  bigUserTasks: number,
): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql`truncate tasks, task_tags`;
    await addBigUser(sql, bigUserTasks);
    await sql.unsafe(`
      insert into tasks (user_id, title, completed, created_at, updated_at, priority, due_date, tags)
      select 'f' || (g % 20000), 'Filler ' || g, g % 3 = 0,
             timestamptz '2026-03-01' + g * interval '1 millisecond', timestamptz '2026-03-01' + g * interval '1 millisecond',
             ${V2_FIELDS('g')}
      from generate_series(1, ${total - bigUserTasks}) g`);
    // VACUUM too: a fresh bulk load would otherwise start autovacuum during the measurement.
    await sql`vacuum analyze tasks, task_tags`;
  } finally {
    await sql.end();
  }
}

/** Task ids per user, for the get and toggle workloads. */
export async function taskIdsOf(
  url: string,
  users: readonly string[],
): Promise<Map<string, number[]>> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<{ user_id: string; ids: number[] }[]>`
      select user_id, array_agg(id order by id) as ids from tasks where user_id in ${sql(users)} group by user_id`;
    return new Map(rows.map((row) => [row.user_id, row.ids]));
  } finally {
    await sql.end();
  }
}
