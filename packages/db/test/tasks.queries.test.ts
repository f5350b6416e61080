/**
 * The task queries against whichever driver the run is configured for: PGlite in memory by
 * default, a fresh PostgreSQL database when TEST_DATABASE_URL is set (CI runs both).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  createTask,
  deleteTask,
  getTask,
  listTasks,
  patchTask,
  replaceTask,
  setTaskCompleted,
  tasks,
  toggleTask,
  type ListTasksOptions,
  type TaskRow,
  type TaskSort,
} from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';

let database: TestDatabase;
/** Every statement the db layer sends, as drizzle logs it. */
const statements: { sql: string; params: unknown[] }[] = [];

const ALICE = 'user_alice';
const BOB = 'user_bob';
const defaults: ListTasksOptions = { status: 'all', sort: 'created', order: 'desc', limit: 100 };

beforeAll(async () => {
  database = await createTestDatabase({
    onQuery: (query, params) => statements.push({ sql: query, params }),
  });
  console.info(`db suite on ${database.driver}`);
});

afterAll(async () => {
  await database.destroy();
});

beforeEach(async () => {
  await database.db.delete(tasks);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function listAll(
  userId: string,
  options: Partial<ListTasksOptions> = {},
): Promise<TaskRow[]> {
  const result = await listTasks(database.db, userId, { ...defaults, ...options });
  if (!result.ok) throw new Error(`list failed: ${result.reason}`);
  return result.tasks;
}

describe('when a task is created', () => {
  it('then it is returned with server-set fields and defaults', async () => {
    const task = await createTask(database.db, ALICE, { title: 'Buy milk', description: null });

    expect(task).toMatchObject({
      userId: ALICE,
      title: 'Buy milk',
      description: null,
      completed: false,
    });
    expect(task.id).toBeGreaterThan(0);
    expect(task.createdAt).toBeInstanceOf(Date);
    expect(task.updatedAt.getTime()).toBe(task.createdAt.getTime());
  });

  it('then ids are never reused after a delete', async () => {
    const first = await createTask(database.db, ALICE, { title: 'a', description: null });
    await deleteTask(database.db, ALICE, first.id);
    const second = await createTask(database.db, ALICE, { title: 'b', description: null });

    expect(second.id).toBeGreaterThan(first.id);
  });

  it('then 200 emoji fit the varchar(200) title (lengths are code points)', async () => {
    const title = '😀'.repeat(200);
    const task = await createTask(database.db, ALICE, { title, description: '🎉'.repeat(1000) });

    expect(task.title).toBe(title);
  });
});

describe('when the database is asked to store a blank title', () => {
  it.each([[''], ['   '], ['\t\n'], ['\u00a0\u3000\ufeff']])(
    'then the CHECK constraint refuses %j',
    async (title) => {
      await expect(
        createTask(database.db, ALICE, { title, description: null }),
      ).rejects.toMatchObject({
        cause: { code: '23514' },
      });
      expect(await listAll(ALICE)).toHaveLength(0);
    },
  );
});

describe('when two users have tasks', () => {
  it('then no query lets one user read or change the other user’s task', async () => {
    const bobs = await createTask(database.db, BOB, { title: 'Bob only', description: 'secret' });
    const before = await getTask(database.db, BOB, bobs.id);

    expect(await getTask(database.db, ALICE, bobs.id)).toBeNull();
    expect(await listAll(ALICE)).toEqual([]);
    expect(await listAll(ALICE, { q: 'Bob' })).toEqual([]);
    expect(await listTasks(database.db, ALICE, { ...defaults, after: bobs.id })).toEqual({
      ok: false,
      reason: 'unknown_after',
    });
    expect(
      await replaceTask(database.db, ALICE, bobs.id, { title: 'x', description: null }),
    ).toBeNull();
    expect(await patchTask(database.db, ALICE, bobs.id, { title: 'x' })).toBeNull();
    expect(await setTaskCompleted(database.db, ALICE, bobs.id, true)).toBeNull();
    expect(await toggleTask(database.db, ALICE, bobs.id)).toBeNull();
    expect(await deleteTask(database.db, ALICE, bobs.id)).toBe(false);

    expect(await getTask(database.db, BOB, bobs.id)).toEqual(before);
    expect(await listAll(BOB)).toEqual([before]);
  });
});

describe('when a task id is beyond the int4 range', () => {
  it('then every id query answers not found without an error', async () => {
    const huge = 2 ** 40;
    expect(await getTask(database.db, ALICE, huge)).toBeNull();
    expect(await patchTask(database.db, ALICE, huge, { title: 'x' })).toBeNull();
    expect(await toggleTask(database.db, ALICE, huge)).toBeNull();
    expect(await deleteTask(database.db, ALICE, huge)).toBe(false);
    expect(await listTasks(database.db, ALICE, { ...defaults, after: huge })).toEqual({
      ok: false,
      reason: 'unknown_after',
    });
  });
});

describe('when tasks are updated', () => {
  it('then PUT replaces title and description and keeps completed when absent', async () => {
    const task = await createTask(database.db, ALICE, {
      title: 'old',
      description: 'old text',
      completed: true,
    });
    await sleep(5);

    const updated = await replaceTask(database.db, ALICE, task.id, {
      title: 'new',
      description: null,
    });

    expect(updated).toMatchObject({ title: 'new', description: null, completed: true });
    expect(updated?.updatedAt.getTime()).toBeGreaterThan(task.updatedAt.getTime());
  });

  it('then PUT of identical values keeps updated_at', async () => {
    const task = await createTask(database.db, ALICE, { title: 'same', description: 'd' });
    await sleep(5);

    const updated = await replaceTask(database.db, ALICE, task.id, {
      title: 'same',
      description: 'd',
      completed: false,
    });

    expect(updated).toEqual(task);
  });

  it('then PATCH writes only the given fields', async () => {
    const task = await createTask(database.db, ALICE, { title: 't', description: 'keep' });
    await sleep(5);

    const patched = await patchTask(database.db, ALICE, task.id, { completed: true });

    expect(patched).toMatchObject({ title: 't', description: 'keep', completed: true });
    expect(patched?.updatedAt.getTime()).toBeGreaterThan(task.updatedAt.getTime());
  });

  it('then a PATCH that changes nothing keeps updated_at', async () => {
    const task = await createTask(database.db, ALICE, { title: 't', description: null });
    await sleep(5);

    const patched = await patchTask(database.db, ALICE, task.id, { title: 't', description: null });

    expect(patched).toEqual(task);
  });

  it('then set-completed is idempotent and only the first call moves updated_at', async () => {
    const task = await createTask(database.db, ALICE, { title: 't', description: null });
    await sleep(5);

    const first = await setTaskCompleted(database.db, ALICE, task.id, true);
    await sleep(5);
    const second = await setTaskCompleted(database.db, ALICE, task.id, true);

    expect(first?.completed).toBe(true);
    expect(first?.updatedAt.getTime()).toBeGreaterThan(task.updatedAt.getTime());
    expect(second).toEqual(first);
  });

  it('then toggle flips completed each time and moves updated_at', async () => {
    const task = await createTask(database.db, ALICE, { title: 't', description: null });
    await sleep(5);

    const once = await toggleTask(database.db, ALICE, task.id);
    await sleep(5);
    const twice = await toggleTask(database.db, ALICE, task.id);

    expect(once?.completed).toBe(true);
    expect(twice?.completed).toBe(false);
    expect(twice?.updatedAt.getTime()).toBeGreaterThan(once?.updatedAt.getTime() ?? Infinity);
  });

  it('then delete removes the task once', async () => {
    const task = await createTask(database.db, ALICE, { title: 't', description: null });

    expect(await deleteTask(database.db, ALICE, task.id)).toBe(true);
    expect(await deleteTask(database.db, ALICE, task.id)).toBe(false);
    expect(await getTask(database.db, ALICE, task.id)).toBeNull();
  });
});

describe('when the list is filtered', () => {
  beforeEach(async () => {
    await createTask(database.db, ALICE, { title: 'Buy MILK', description: null });
    await createTask(database.db, ALICE, {
      title: 'Call mum',
      description: 'about the milk',
      completed: true,
    });
    await createTask(database.db, ALICE, {
      title: '100% done_ok\\',
      description: null,
      completed: true,
    });
    await createTask(database.db, ALICE, { title: 'Walk', description: null });
  });

  it('then status selects pending or completed tasks', async () => {
    expect((await listAll(ALICE, { status: 'pending' })).map((t) => t.title).sort()).toEqual([
      'Buy MILK',
      'Walk',
    ]);
    expect((await listAll(ALICE, { status: 'completed' })).map((t) => t.title).sort()).toEqual([
      '100% done_ok\\',
      'Call mum',
    ]);
    expect(await listAll(ALICE, { status: 'all' })).toHaveLength(4);
  });

  it('then q matches title or description case-insensitively', async () => {
    expect((await listAll(ALICE, { q: 'milk' })).map((t) => t.title).sort()).toEqual([
      'Buy MILK',
      'Call mum',
    ]);
  });

  it('then q treats % _ and \\ as ordinary characters', async () => {
    expect((await listAll(ALICE, { q: '%' })).map((t) => t.title)).toEqual(['100% done_ok\\']);
    expect((await listAll(ALICE, { q: '_' })).map((t) => t.title)).toEqual(['100% done_ok\\']);
    expect((await listAll(ALICE, { q: '\\' })).map((t) => t.title)).toEqual(['100% done_ok\\']);
    expect(await listAll(ALICE, { q: 'b_y' })).toEqual([]);
  });

  it('then status and q combine', async () => {
    expect((await listAll(ALICE, { q: 'milk', status: 'completed' })).map((t) => t.title)).toEqual([
      'Call mum',
    ]);
  });

  it('then limit caps the page', async () => {
    expect(await listAll(ALICE, { limit: 3 })).toHaveLength(3);
  });
});

/** The contract's order: the sort key, ties broken by id in the same direction. */
function expectedOrder(rows: TaskRow[], sort: TaskSort, order: 'asc' | 'desc'): number[] {
  const key = (row: TaskRow): number | string =>
    sort === 'created'
      ? row.createdAt.getTime()
      : sort === 'updated'
        ? row.updatedAt.getTime()
        : row.title.toLowerCase();
  const sign = order === 'asc' ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
      return (a.id - b.id) * sign;
    })
    .map((row) => row.id);
}

describe('when a list with duplicate titles and equal timestamps is walked page by page', () => {
  let all: TaskRow[];

  beforeEach(async () => {
    // One multi-row INSERT: every row gets the same now(), so created_at ties everywhere.
    const titles = ['b', 'B', 'a', 'c', 'A', 'b', 'c', 'a', 'B', 'd', 'b'];
    all = await database.db
      .insert(tasks)
      .values(titles.map((title, i) => ({ userId: ALICE, title, completed: i % 3 === 0 })))
      .returning();
    await createTask(database.db, BOB, { title: 'a', description: null });
    // Two rows with a later updated_at, tied with each other.
    const touched = await database.db
      .update(tasks)
      .set({ updatedAt: sql`now() + interval '1 minute'` })
      .where(sql`${tasks.id} in (${all[2]?.id ?? 0}, ${all[7]?.id ?? 0})`)
      .returning();
    all = all.map((row) => touched.find((t) => t.id === row.id) ?? row);
  });

  const cases = (['created', 'updated', 'title'] as const).flatMap((sort) =>
    (['asc', 'desc'] as const).map((order) => [sort, order] as const),
  );

  it.each(cases)(
    'then sort=%s order=%s visits every row exactly once, in order',
    async (sort, order) => {
      expect(new Set(all.map((row) => row.createdAt.getTime())).size).toBe(1);

      const seen: number[] = [];
      let after: number | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const result = await listTasks(database.db, ALICE, {
          ...defaults,
          sort,
          order,
          limit: 3,
          after,
        });
        if (!result.ok) throw new Error('anchor refused');
        seen.push(...result.tasks.map((row) => row.id));
        if (result.tasks.length < 3) break;
        after = result.tasks.at(-1)?.id;
      }

      expect(seen).toEqual(expectedOrder(all, sort, order));
    },
  );

  it('then a page after the last task is empty, not an error', async () => {
    const last = expectedOrder(all, 'created', 'desc').at(-1);

    expect(await listTasks(database.db, ALICE, { ...defaults, after: last })).toEqual({
      ok: true,
      tasks: [],
    });
  });

  it('then paging combines with the status filter', async () => {
    const pending = all.filter((row) => !row.completed);
    const first = await listTasks(database.db, ALICE, {
      ...defaults,
      status: 'pending',
      sort: 'title',
      order: 'asc',
      limit: 4,
    });
    if (!first.ok) throw new Error('list failed');
    const second = await listTasks(database.db, ALICE, {
      ...defaults,
      status: 'pending',
      sort: 'title',
      order: 'asc',
      limit: 100,
      after: first.tasks.at(-1)?.id,
    });
    if (!second.ok) throw new Error('list failed');

    expect([...first.tasks, ...second.tasks].map((row) => row.id)).toEqual(
      expectedOrder(pending, 'title', 'asc'),
    );
  });

  it('then an unknown or deleted anchor is refused the same way', async () => {
    const victim = all[0]?.id ?? 0;
    await deleteTask(database.db, ALICE, victim);

    expect(await listTasks(database.db, ALICE, { ...defaults, after: victim })).toEqual({
      ok: false,
      reason: 'unknown_after',
    });
    expect(await listTasks(database.db, ALICE, { ...defaults, after: 999_999 })).toEqual({
      ok: false,
      reason: 'unknown_after',
    });
  });
});

describe('when one user among 100,000 rows lists tasks', () => {
  it('then every sort of the list query, first page and deep page, uses an index', async () => {
    await database.db.execute(sql`
      insert into tasks (user_id, title, completed)
      select 'bulk_' || (g % 2000), 'task ' || g, g % 2 = 0 from generate_series(1, 100000) g`);
    await database.db.execute(sql`analyze tasks`);
    const anchor = (await listAll('bulk_7', { limit: 30 })).at(-1)?.id;
    // Without an anchor the "deep page" variants would quietly plan the first page again.
    expect(anchor).toEqual(expect.any(Number));

    const variants: Partial<ListTasksOptions>[] = [
      { sort: 'created', order: 'desc' },
      { sort: 'updated', order: 'asc' },
      { sort: 'title', order: 'asc' },
      { sort: 'created', order: 'desc', status: 'pending' },
      { sort: 'created', order: 'desc', after: anchor },
      { sort: 'title', order: 'desc', after: anchor },
    ];
    for (const variant of variants) {
      statements.length = 0;
      await listAll('bulk_7', { ...variant, limit: 50 });
      expect(statements, 'one statement per list').toHaveLength(1);
      const plan = await explain(statements[0] ?? { sql: '', params: [] });

      expect(plan, JSON.stringify(variant)).toMatch(/Index Scan|Index Only Scan|Bitmap Index Scan/);
      expect(plan, JSON.stringify(variant)).not.toMatch(/Seq Scan/);
    }
  });
});

/** EXPLAIN of a logged statement, its bind parameters inlined (test-controlled values only). */
async function explain(query: { sql: string; params: unknown[] }): Promise<string> {
  const text = query.sql.replace(/\$(\d+)/g, (_, index: string) => {
    const param = query.params[Number(index) - 1];
    return typeof param === 'number' ? String(param) : `'${String(param).replaceAll("'", "''")}'`;
  });
  const result: unknown = await database.db.execute(sql.raw(`explain ${text}`));
  const rows = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
  return rows.map((row) => Object.values(row as Record<string, unknown>).join(' ')).join('\n');
}
