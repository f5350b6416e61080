/**
 * The task queries against whichever driver the run is configured for: PGlite in memory by
 * default, a fresh PostgreSQL database when TEST_DATABASE_URL is set (CI runs both).
 */
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  createTask,
  deleteTask,
  getTask,
  listTags,
  listTasks,
  tasks,
  updateTask as updateTaskRow,
  type ListTasksOptions,
  type TaskRow,
  type TaskSort,
} from '../src/index.js';
import { createTestDatabase, rowsOf, type TestDatabase } from '../src/testing.js';

let database: TestDatabase;
/** Every statement the db layer sends, as drizzle logs it. */
const statements: { sql: string; params: unknown[] }[] = [];

const ALICE = 'user_alice';
const BOB = 'user_bob';
/** The row a write leaves, or null when it wrote nothing. */
async function updateTask(...args: Parameters<typeof updateTaskRow>): Promise<TaskRow | null> {
  return (await updateTaskRow(...args))?.row ?? null;
}

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
      user_id: ALICE,
      title: 'Buy milk',
      description: null,
      completed: false,
      priority: 'none',
      due_date: null,
      tags: [],
      recurrence: null,
    });
    expect(task.id).toBeGreaterThan(0);
    expect(task.created_at).toBeInstanceOf(Date);
    expect(task.updated_at.getTime()).toBe(task.created_at.getTime());
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
    expect(await updateTask(database.db, ALICE, bobs.id, { set: { title: 'x' } })).toBeNull();
    expect(await updateTask(database.db, ALICE, bobs.id, { set: {}, toggle: true })).toBeNull();
    expect(
      await updateTask(database.db, ALICE, bobs.id, { set: { completed: true }, guarded: false }),
    ).toBeNull();
    expect(await listTags(database.db, ALICE)).toEqual([]);
    expect(await deleteTask(database.db, ALICE, bobs.id)).toBeNull();

    expect(await getTask(database.db, BOB, bobs.id)).toEqual(before);
    expect(await listAll(BOB)).toEqual([before]);
  });
});

describe('when a task id is beyond the int4 range', () => {
  it('then every id query answers not found without an error', async () => {
    const huge = 2 ** 40;
    expect(await getTask(database.db, ALICE, huge)).toBeNull();
    expect(await updateTask(database.db, ALICE, huge, { set: { title: 'x' } })).toBeNull();
    expect(await updateTask(database.db, ALICE, huge, { set: {}, toggle: true })).toBeNull();
    expect(await deleteTask(database.db, ALICE, huge)).toBeNull();
    expect(await listTasks(database.db, ALICE, { ...defaults, after: huge })).toEqual({
      ok: false,
      reason: 'unknown_after',
    });
  });
});

describe('when tasks are updated', () => {
  it('then only the given columns are written and updated_at moves', async () => {
    const task = await createTask(database.db, ALICE, {
      title: 'old',
      description: 'keep',
      tags: ['a'],
      due_date: '2026-12-01',
    });

    const updated = await updateTask(database.db, ALICE, task.id, {
      set: { title: 'new', priority: 'high', tags: ['b', 'a'] },
    });

    expect(updated).toMatchObject({
      title: 'new',
      description: 'keep',
      priority: 'high',
      tags: ['b', 'a'],
      due_date: '2026-12-01',
      completed: false,
    });
    expect(updated?.updated_at.getTime()).toBeGreaterThan(task.updated_at.getTime());
  });

  it('then a write of identical values (tags in the same order included) keeps updated_at', async () => {
    const task = await createTask(database.db, ALICE, {
      title: 'same',
      description: 'd',
      tags: ['x', 'y'],
      due_date: '2026-01-31',
      priority: 'low',
    });

    const updated = await updateTask(database.db, ALICE, task.id, {
      set: {
        title: 'same',
        description: 'd',
        completed: false,
        tags: ['x', 'y'],
        due_date: '2026-01-31',
        priority: 'low',
      },
    });

    expect(updated).toEqual(task);
  });

  it('then the same tags in another order are a change', async () => {
    const task = await createTask(database.db, ALICE, { title: 't', tags: ['x', 'y'] });

    const updated = await updateTask(database.db, ALICE, task.id, { set: { tags: ['y', 'x'] } });

    expect(updated?.updated_at.getTime()).toBeGreaterThan(task.updated_at.getTime());
  });

  it('then updated_at moves forward on every change, even within one millisecond', async () => {
    const task = await createTask(database.db, ALICE, { title: 't' });
    const seen = [task.updated_at.getTime()];
    for (let i = 0; i < 5; i++) {
      const updated = await updateTask(database.db, ALICE, task.id, { set: {}, toggle: true });
      seen.push(updated?.updated_at.getTime() ?? 0);
    }

    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('then toggle flips completed each time', async () => {
    const task = await createTask(database.db, ALICE, { title: 't' });

    const once = await updateTask(database.db, ALICE, task.id, { set: {}, toggle: true });
    const twice = await updateTask(database.db, ALICE, task.id, { set: {}, toggle: true });

    expect(once?.completed).toBe(true);
    expect(twice?.completed).toBe(false);
  });

  it('then delete removes the task once', async () => {
    const task = await createTask(database.db, ALICE, { title: 't' });

    expect(await deleteTask(database.db, ALICE, task.id)).toEqual(expect.any(Number));
    expect(await deleteTask(database.db, ALICE, task.id)).toBeNull();
    expect(await getTask(database.db, ALICE, task.id)).toBeNull();
  });
});

describe('when a write meets a recurring task', () => {
  it('then a guarded write that would complete it, or leave it undated, matches no row', async () => {
    const task = await createTask(database.db, ALICE, {
      title: 'weekly',
      due_date: '2026-12-01',
      recurrence: 'FREQ=WEEKLY',
    });
    const undated = await createTask(database.db, ALICE, { title: 'undated' });

    expect(await updateTask(database.db, ALICE, task.id, { set: { completed: true } })).toBeNull();
    expect(await updateTask(database.db, ALICE, task.id, { set: {}, toggle: true })).toBeNull();
    expect(await updateTask(database.db, ALICE, task.id, { set: { due_date: null } })).toBeNull();
    expect(
      await updateTask(database.db, ALICE, undated.id, { set: { recurrence: 'FREQ=DAILY' } }),
    ).toBeNull();
    expect(await getTask(database.db, ALICE, task.id)).toEqual(task);
  });

  it('then writes that keep it open and dated go through', async () => {
    const task = await createTask(database.db, ALICE, {
      title: 'weekly',
      due_date: '2026-12-01',
      recurrence: 'FREQ=WEEKLY',
    });

    const moved = await updateTask(database.db, ALICE, task.id, {
      set: { title: 'renamed', due_date: '2026-12-08', completed: false },
    });

    expect(moved).toMatchObject({ title: 'renamed', due_date: '2026-12-08', completed: false });
  });

  it('then an unguarded write (the caller applied the rules) completes it', async () => {
    const task = await createTask(database.db, ALICE, {
      title: 'weekly',
      due_date: '2026-12-01',
      recurrence: 'FREQ=WEEKLY',
    });

    const done = await updateTask(database.db, ALICE, task.id, {
      set: { completed: true },
      guarded: false,
    });

    expect(done).toMatchObject({ completed: true, recurrence: 'FREQ=WEEKLY' });
  });

  it('then the database itself refuses a recurring task without a due date', async () => {
    await expect(
      createTask(database.db, ALICE, { title: 'r', recurrence: 'FREQ=DAILY' }),
    ).rejects.toMatchObject({ cause: { code: '23514' } });
  });
});

describe('when the list is filtered', () => {
  beforeEach(async () => {
    await createTask(database.db, ALICE, {
      title: 'Buy MILK',
      priority: 'high',
      tags: ['shop', 'home'],
      due_date: '2026-12-01',
    });
    await createTask(database.db, ALICE, {
      title: 'Call mum',
      description: 'about the milk',
      completed: true,
      tags: ['family'],
      due_date: '2026-12-05',
    });
    await createTask(database.db, ALICE, {
      title: '100% done_ok\\',
      completed: true,
      priority: 'high',
      tags: ['home'],
    });
    await createTask(database.db, ALICE, { title: 'Walk', due_date: '2026-11-30' });
    await createTask(database.db, BOB, { title: 'Bob milk', tags: ['home'], priority: 'high' });
  });

  const titles = async (options: Partial<ListTasksOptions>) =>
    (await listAll(ALICE, options)).map((t) => t.title).sort();

  it('then status selects pending or completed tasks', async () => {
    expect(await titles({ status: 'pending' })).toEqual(['Buy MILK', 'Walk']);
    expect(await titles({ status: 'completed' })).toEqual(['100% done_ok\\', 'Call mum']);
    expect(await listAll(ALICE, { status: 'all' })).toHaveLength(4);
  });

  it('then q matches title or description case-insensitively', async () => {
    expect(await titles({ q: 'milk' })).toEqual(['Buy MILK', 'Call mum']);
  });

  it('then q treats % _ and \\ as ordinary characters', async () => {
    expect(await titles({ q: '%' })).toEqual(['100% done_ok\\']);
    expect(await titles({ q: '_' })).toEqual(['100% done_ok\\']);
    expect(await titles({ q: '\\' })).toEqual(['100% done_ok\\']);
    expect(await listAll(ALICE, { q: 'b_y' })).toEqual([]);
  });

  it('then priority, tag and the due range select on their own and combine with AND', async () => {
    expect(await titles({ priority: 'high' })).toEqual(['100% done_ok\\', 'Buy MILK']);
    expect(await titles({ tag: 'home' })).toEqual(['100% done_ok\\', 'Buy MILK']);
    expect(await titles({ tag: 'nope' })).toEqual([]);
    expect(await titles({ due_from: '2026-12-01' })).toEqual(['Buy MILK', 'Call mum']);
    expect(await titles({ due_to: '2026-12-01' })).toEqual(['Buy MILK', 'Walk']);
    expect(await titles({ due_from: '2026-12-01', due_to: '2026-12-01' })).toEqual(['Buy MILK']);
    expect(await titles({ tag: 'home', status: 'pending', priority: 'high', q: 'milk' })).toEqual([
      'Buy MILK',
    ]);
  });

  it('then limit caps the page', async () => {
    expect(await listAll(ALICE, { limit: 3 })).toHaveLength(3);
  });

  it('then tags are counted over the user’s tasks, most used first, then by code point', async () => {
    await createTask(database.db, ALICE, { title: 'z', tags: ['Zed', 'family'] });

    expect(await listTags(database.db, ALICE)).toEqual([
      { tag: 'family', count: 2 },
      { tag: 'home', count: 2 },
      { tag: 'Zed', count: 1 },
      { tag: 'shop', count: 1 },
    ]);
  });
});

/** The contract's order: the sort key (undated last in both orders), ties broken by id in the same direction. */
function expectedOrder(
  rows: TaskRow[],
  options: Pick<ListTasksOptions, 'sort' | 'order'>,
): number[] {
  const priorities = ['none', 'low', 'medium', 'high'];
  const key = (row: TaskRow): number | string =>
    options.sort === 'created'
      ? row.created_at.getTime()
      : options.sort === 'updated'
        ? row.updated_at.getTime()
        : options.sort === 'title'
          ? row.title.toLowerCase()
          : options.sort === 'priority'
            ? priorities.indexOf(row.priority)
            : (row.due_date ?? '');
  const sign = options.order === 'asc' ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      if (options.sort === 'due' && (a.due_date === null) !== (b.due_date === null)) {
        return a.due_date === null ? 1 : -1;
      }
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
      return (a.id - b.id) * sign;
    })
    .map((row) => row.id);
}

function matches(row: TaskRow, options: Partial<ListTasksOptions>): boolean {
  return (
    (options.status === undefined ||
      options.status === 'all' ||
      row.completed === (options.status === 'completed')) &&
    (options.priority === undefined || row.priority === options.priority) &&
    (options.tag === undefined || row.tags.includes(options.tag)) &&
    (options.due_from === undefined ||
      (row.due_date !== null && row.due_date >= options.due_from)) &&
    (options.due_to === undefined || (row.due_date !== null && row.due_date <= options.due_to)) &&
    (options.q === undefined ||
      row.title.toLowerCase().includes(options.q.toLowerCase()) ||
      (row.description ?? '').toLowerCase().includes(options.q.toLowerCase()))
  );
}

/** Every page of a walk, `after` the last id of the previous one, until a short page. */
async function walk(userId: string, options: ListTasksOptions): Promise<number[]> {
  const seen: number[] = [];
  let after: number | undefined;
  for (;;) {
    const result = await listTasks(database.db, userId, { ...options, after });
    if (!result.ok) throw new Error(`anchor ${String(after)} refused`);
    seen.push(...result.tasks.map((row) => row.id));
    if (result.tasks.length < options.limit) return seen;
    after = result.tasks.at(-1)?.id;
  }
}

const SORTS: TaskSort[] = ['created', 'updated', 'title', 'due', 'priority'];

describe('when random tasks with many ties are walked page by page', () => {
  // Few distinct values: equal titles (up to case), due dates, priorities and timestamps abound,
  // and about a third of the tasks have no due date.
  const row = fc.record({
    title: fc.constantFrom('a', 'A', 'b', 'B ', 'c'),
    completed: fc.boolean(),
    priority: fc.constantFrom('none', 'low', 'medium', 'high'),
    due_date: fc.option(fc.constantFrom('2026-01-01', '2026-01-02', '2026-02-28'), {
      freq: 3,
      nil: null,
    }),
    tags: fc.subarray(['x', 'y', 'z']),
    // The few distinct timestamps that make created and updated ties.
    minute: fc.nat({ max: 2 }),
  });
  const filterValues = {
    status: fc.constantFrom('pending' as const, 'completed' as const),
    priority: fc.constantFrom('none' as const, 'low' as const, 'medium' as const, 'high' as const),
    tag: fc.constantFrom('x', 'y', 'z'),
    due_from: fc.constantFrom('2026-01-01', '2026-01-02'),
    due_to: fc.constantFrom('2026-01-02', '2026-02-28'),
    q: fc.constantFrom('a', 'b'),
  };
  // No filter, one, or two at once: enough tasks stay in the list for paging to be tested.
  const filters: fc.Arbitrary<Partial<ListTasksOptions>> = fc
    .subarray(Object.keys(filterValues) as (keyof typeof filterValues)[], { maxLength: 2 })
    .chain((names) =>
      fc
        .tuple(...names.map((name) => filterValues[name]))
        .map((values): Partial<ListTasksOptions> =>
          Object.fromEntries(names.map((name, i) => [name, values[i]])),
        ),
    );

  it('then every sort and order, with and without each filter, at page sizes 1 to 7, returns every match once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 0, maxLength: 40 }),
        fc.constantFrom(...SORTS),
        fc.constantFrom('asc' as const, 'desc' as const),
        filters,
        fc.integer({ min: 1, max: 7 }),
        async (rows, sort, order, filter, limit) => {
          await database.db.delete(tasks);
          const inserted =
            rows.length === 0
              ? []
              : await database.db
                  .insert(tasks)
                  .values(
                    rows.map(({ minute, ...task }) => ({
                      ...task,
                      user_id: ALICE,
                      created_at: new Date(Date.UTC(2026, 0, 1, 0, minute)),
                      updated_at: new Date(Date.UTC(2026, 0, 1, 0, 2 - minute)),
                    })),
                  )
                  .returning();
          const options: ListTasksOptions = { ...defaults, ...filter, sort, order, limit };

          const seen = await walk(ALICE, options);

          expect(seen).toEqual(
            expectedOrder(
              inserted.filter((task) => matches(task, filter)),
              options,
            ),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('when a walk meets its edges', () => {
  let all: TaskRow[];

  beforeEach(async () => {
    all = await database.db
      .insert(tasks)
      .values(['b', 'a', 'c'].map((title) => ({ user_id: ALICE, title })))
      .returning();
    await createTask(database.db, BOB, { title: 'a' });
  });

  it('then a page after the last task is empty, not an error', async () => {
    const last = expectedOrder(all, { sort: 'created', order: 'desc' }).at(-1);

    expect(await listTasks(database.db, ALICE, { ...defaults, after: last })).toEqual({
      ok: true,
      tasks: [],
    });
  });

  it('then an unknown, deleted or another user’s anchor is refused the same way', async () => {
    const victim = all[0]?.id ?? 0;
    await deleteTask(database.db, ALICE, victim);
    const bobs = (await listAll(BOB))[0]?.id;

    for (const after of [victim, 999_999, bobs]) {
      expect(await listTasks(database.db, ALICE, { ...defaults, after })).toEqual({
        ok: false,
        reason: 'unknown_after',
      });
    }
  });
});

describe('when the list is asked for every combination of its filters', () => {
  it('then each combination runs its own SQL, carrying exactly its own conditions', async () => {
    const values = {
      q: 'needle',
      priority: 'high',
      tag: 'home',
      due_from: '2026-01-01',
      due_to: '2026-12-31',
    } as const;
    // A fragment only that filter's condition puts in the SQL.
    const fragments = {
      q: 'strpos(',
      priority: '::task_priority',
      tag: '"task_tags"."tag" = $',
      due_from: '>= $',
      due_to: '<= $',
    } as const;
    const names = Object.keys(values) as (keyof typeof values)[];
    const texts = new Set<string>();
    for (let mask = 0; mask < 2 ** names.length; mask++) {
      const chosen = names.filter((_, bit) => mask & (1 << bit));
      statements.length = 0;
      await listAll(ALICE, Object.fromEntries(chosen.map((name) => [name, values[name]])));
      const text = statements[0]?.sql ?? '';
      texts.add(text);
      for (const name of names) {
        expect(text.includes(fragments[name]), `${name} in ${chosen.join('+')}`).toBe(
          chosen.includes(name),
        );
      }
    }

    expect(texts.size).toBe(2 ** names.length);
  });
});

describe('when one user among 100,000 rows lists tasks', () => {
  it('then every sort and filter of the list query, first page and deep page, uses an index', async () => {
    await database.db.execute(sql`
      insert into tasks (user_id, title, completed, priority, due_date, tags)
      select 'bulk_' || (g % 2000), 'task ' || g, g % 2 = 0,
             (array['none','low','medium','high'])[1 + g % 4]::task_priority,
             case when g % 3 = 0 then null else date '2026-01-01' + (g % 400) end,
             array['t' || (g % 10), 'u' || (g % 7)]
      from generate_series(1, 100000) g`);
    await database.db.execute(sql`analyze tasks`);
    await database.db.execute(sql`analyze task_tags`);
    const anchor = (await listAll('bulk_7', { limit: 30 })).at(-1)?.id;
    // Without an anchor the "deep page" variants would quietly plan the first page again.
    expect(anchor).toEqual(expect.any(Number));

    const variants: Partial<ListTasksOptions>[] = [
      { sort: 'created', order: 'desc' },
      { sort: 'updated', order: 'asc' },
      { sort: 'title', order: 'asc' },
      { sort: 'due', order: 'asc' },
      { sort: 'due', order: 'desc' },
      { sort: 'priority', order: 'desc' },
      { sort: 'created', order: 'desc', status: 'pending' },
      { sort: 'created', order: 'desc', tag: 't7' },
      { sort: 'created', order: 'desc', after: anchor },
      { sort: 'title', order: 'desc', after: anchor },
      { sort: 'due', order: 'desc', after: anchor },
      { sort: 'priority', order: 'asc', after: anchor },
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
  const rows = await rowsOf<Record<string, unknown>>(database.db, sql.raw(`explain ${text}`));
  return rows.map((row) => Object.values(row).join(' ')).join('\n');
}
