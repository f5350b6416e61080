/**
 * task_tags, the ordered index behind `tag=`: the triggers keep it equal to the tasks' tags
 * through every write, migration 0004 fills it from the tasks already there, and a tag page in
 * the default sort reads one range of its index in order, also as the generic plan a prepared
 * statement ends up with (the plan that made a GIN lookup plus a sort slow at scale).
 */

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  createDatabase,
  createTask,
  createTaskOnce,
  deleteTask,
  listTags,
  listTasks,
  tasks,
  updateTask,
  type Database,
  type ListTasksOptions,
} from '../src/index.js';
import {
  createEmptyDatabase,
  createTestDatabase,
  migrationsUpTo,
  rowsOf,
  type TestDatabase,
} from '../src/testing.js';

let database: TestDatabase;
const statements: { sql: string; params: unknown[] }[] = [];
const defaults: ListTasksOptions = { status: 'all', sort: 'created', order: 'desc', limit: 100 };

beforeAll(async () => {
  database = await createTestDatabase({
    onQuery: (query, params) => statements.push({ sql: query, params }),
  });
});

afterAll(async () => {
  await database.destroy();
});

beforeEach(async () => {
  await database.db.delete(tasks);
});

interface TagRow {
  task_id: number;
  tag: string;
  user_id: string;
}

async function tagRows(db = database.db): Promise<TagRow[]> {
  return rowsOf<TagRow>(
    db,
    sql`select task_id, tag, user_id from task_tags order by task_id, tag collate "C"`,
  );
}

async function idsWithTag(userId: string, tag: string, options: Partial<ListTasksOptions> = {}) {
  const result = await listTasks(database.db, userId, { ...defaults, ...options, tag });
  if (!result.ok) throw new Error(result.reason);
  return result.tasks.map((task) => task.id);
}

describe('when tasks are created, retagged, toggled and deleted', () => {
  it('then task_tags holds exactly their current tags after each write', async () => {
    const first = await createTask(database.db, 'alice', { title: 'a', tags: ['home', 'shop'] });
    const second = await createTask(database.db, 'alice', { title: 'b', tags: ['home'] });
    const bobs = await createTask(database.db, 'bob', { title: 'c', tags: ['home'] });
    await createTask(database.db, 'alice', { title: 'untagged' });

    expect(await tagRows()).toEqual([
      { task_id: first.id, tag: 'home', user_id: 'alice' },
      { task_id: first.id, tag: 'shop', user_id: 'alice' },
      { task_id: second.id, tag: 'home', user_id: 'alice' },
      { task_id: bobs.id, tag: 'home', user_id: 'bob' },
    ]);

    await updateTask(database.db, 'alice', first.id, { set: { tags: ['shop', 'work'] } });
    await updateTask(database.db, 'alice', second.id, { set: {}, toggle: true });
    await updateTask(database.db, 'alice', second.id, { set: { title: 'b2', tags: ['home'] } });
    await deleteTask(database.db, 'bob', bobs.id);

    expect(await tagRows()).toEqual([
      { task_id: first.id, tag: 'shop', user_id: 'alice' },
      { task_id: first.id, tag: 'work', user_id: 'alice' },
      { task_id: second.id, tag: 'home', user_id: 'alice' },
    ]);
    expect(await idsWithTag('alice', 'home')).toEqual([second.id]);
    expect(await idsWithTag('alice', 'work')).toEqual([first.id]);
    expect(await idsWithTag('bob', 'home')).toEqual([]);
    expect(await listTags(database.db, 'alice')).toEqual([
      { tag: 'home', count: 1 },
      { tag: 'shop', count: 1 },
      { tag: 'work', count: 1 },
    ]);

    await updateTask(database.db, 'alice', first.id, { set: { tags: [] } });
    expect(await tagRows()).toEqual([{ task_id: second.id, tag: 'home', user_id: 'alice' }]);
  });

  it('then an idempotent create indexes its tags once, and its replay adds nothing', async () => {
    const claim = { key: 'k1', fingerprint: 'f1' };
    const created = await createTaskOnce(database.db, 'alice', { title: 'a', tags: ['x'] }, claim);
    const again = await createTaskOnce(database.db, 'alice', { title: 'a', tags: ['x'] }, claim);

    expect(created.kind).toBe('created');
    expect(again.kind).toBe('taken');
    expect(await tagRows()).toEqual([
      { task_id: created.kind === 'created' ? created.row.id : -1, tag: 'x', user_id: 'alice' },
    ]);
  });
});

describe('when a tag is walked page by page from an anchor that does not carry it', () => {
  it('then the walk goes on from the anchor’s place in the order, both orders', async () => {
    const made = [];
    for (let i = 0; i < 9; i++) {
      made.push(
        await createTask(database.db, 'alice', { title: `t${i}`, tags: i % 3 === 0 ? [] : ['x'] }),
      );
    }
    const untagged = made[3]?.id;
    const tagged = made.filter((_, i) => i % 3 !== 0).map((task) => task.id);

    // The anchor (the 4th task) has no tag x: the page is every x task after it in the order.
    expect(await idsWithTag('alice', 'x', { order: 'asc', after: untagged })).toEqual(
      tagged.filter((id) => id > (untagged ?? 0)),
    );
    expect(await idsWithTag('alice', 'x', { order: 'desc', after: untagged })).toEqual(
      tagged.filter((id) => id < (untagged ?? 0)).reverse(),
    );
  });
});

describe('when a database at migration 0003 holds tagged tasks', () => {
  it('then migration 0004 indexes every tag of every task, duplicates once', async () => {
    let upgraded: Database;
    let drop: () => Promise<void>;
    if (process.env.TEST_DATABASE_URL) {
      const empty = await createEmptyDatabase(process.env.TEST_DATABASE_URL);
      upgraded = await createDatabase({ url: empty.url });
      drop = () => empty.drop();
    } else {
      upgraded = await createDatabase({ dataDir: 'memory://' });
      drop = () => Promise.resolve();
    }
    const before = await migrationsUpTo('0003_change_numbers');
    try {
      await upgraded.migrate(before.folder);
      await upgraded.db.execute(sql`
        insert into tasks (user_id, title, tags, created_at)
        select 'u' || (g % 3), 'task ' || g,
               case when g % 4 = 0 then '{}'::text[] else array['t' || (g % 5), 'all', 'all'] end,
               timestamptz '2026-01-01' + g * interval '1 minute'
        from generate_series(1, 60) g`);
      await upgraded.migrate();

      const [counts] = await rowsOf<{ expected: number; indexed: number }>(
        upgraded.db,
        sql`select (select count(*)::int from tasks, lateral (select distinct unnest(tags)) t) as expected,
                   (select count(*)::int from task_tags) as indexed`,
      );
      // 45 tagged tasks, two distinct tags each.
      expect(counts).toEqual({ expected: 90, indexed: 90 });
      const result = await listTasks(upgraded.db, 'u1', { ...defaults, tag: 't2' });
      if (!result.ok) throw new Error(result.reason);
      // g % 3 = 1 and g % 5 = 2: 7, 22, 37, 52; 52 is a multiple of 4 (untagged). Newest first.
      expect(result.tasks.map((task) => task.title)).toEqual(['task 37', 'task 22', 'task 7']);
    } finally {
      await before.remove();
      await upgraded.close();
      await drop();
    }
  });
});

/** The plan PostgreSQL uses once it caches a generic plan for the logged statement. */
async function genericPlan(query: { sql: string; params: unknown[] }): Promise<string> {
  const literal = (param: unknown) =>
    typeof param === 'number' ? String(param) : `'${String(param).replaceAll("'", "''")}'`;
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`set local plan_cache_mode = force_generic_plan`);
    await tx.execute(sql.raw(`prepare tag_page_plan as ${query.sql}`));
    const rows = await rowsOf<Record<string, unknown>>(
      tx,
      sql.raw(`explain execute tag_page_plan(${query.params.map(literal).join(', ')})`),
    );
    await tx.execute(sql`deallocate tag_page_plan`);
    return rows.map((row) => Object.values(row).join(' ')).join('\n');
  });
}

describe('when a user with thousands of tasks, among many users, lists a tag in the default sort', () => {
  it('then the page, first and after an anchor, is one ordered range of the tag index, no sort', async () => {
    // As the scale bench has it: one big user, a tag on one task in ten, many small users.
    await database.db.execute(sql`
      insert into tasks (user_id, title, tags, completed, created_at)
      select case when g % 10 = 0 then 'big' else 'small_' || (g % 2000) end, 'task ' || g,
             array['t' || (g / 10 % 10), 'u' || (g % 7)], g % 2 = 0,
             timestamptz '2026-01-01' + g * interval '1 second'
      from generate_series(1, 50000) g`);
    // As autovacuum leaves a table (and the bench's load does): statistics and visibility map.
    await database.db.execute(sql`vacuum analyze tasks`);
    await database.db.execute(sql`vacuum analyze task_tags`);
    const firstPage = await idsWithTag('big', 't7', { limit: 5 });
    expect(firstPage).toHaveLength(5);

    for (const options of [
      { order: 'desc' as const },
      { order: 'asc' as const },
      { order: 'desc' as const, status: 'pending' as const },
      { order: 'desc' as const, after: firstPage.at(-1) },
    ]) {
      statements.length = 0;
      await idsWithTag('big', 't7', { ...options, limit: 50 });
      const plan = await genericPlan(statements[0] ?? { sql: '', params: [] });
      const lines = plan.split('\n');
      const sorts = lines.flatMap((line, index) =>
        /^\s*(->\s*)?Sort\s+\(/.test(line) ? [index] : [],
      );

      expect(plan, JSON.stringify(options)).toMatch(/Index Only Scan.* on task_tags/);
      expect(plan, JSON.stringify(options)).not.toMatch(/Seq Scan|Bitmap/);
      // With an anchor the page (50 rows at most) is ordered once more, above the LATERAL join.
      expect(sorts, `${JSON.stringify(options)}\n${plan}`).toEqual(options.after ? [0] : []);
    }
  });
});
