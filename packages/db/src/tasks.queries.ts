import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';

import type { TaskDb } from './client.js';
import { classifyDatabaseError } from './errors.js';
import { tasks, titleSortKey, type TaskRow } from './schema.js';

/** `id` is an int4 identity: a larger id cannot exist, so it is "not found" without a query. */
const MAX_TASK_ID = 2_147_483_647;

export type TaskStatus = 'all' | 'pending' | 'completed';
export type TaskSort = 'created' | 'updated' | 'title';
export type SortOrder = 'asc' | 'desc';

export interface ListTasksOptions {
  status: TaskStatus;
  sort: TaskSort;
  order: SortOrder;
  /** Literal, case-insensitive substring of title or description. */
  q?: string | undefined;
  limit: number;
  /** Continue after this task (one of the user's), in the same sort. */
  after?: number | undefined;
}

/** `unknown_after`: the anchor task is not one of the user's (unknown, deleted or another's). */
export type ListTasksResult =
  { ok: true; tasks: TaskRow[] } | { ok: false; reason: 'unknown_after' };

export interface NewTask {
  title: string;
  description: string | null;
  completed?: boolean | undefined;
}

export interface TaskReplacement {
  title: string;
  description: string | null;
  /** Absent: left as it is. */
  completed?: boolean | undefined;
}

export interface TaskPatch {
  title?: string | undefined;
  description?: string | null | undefined;
  completed?: boolean | undefined;
}

async function run<T>(query: PromiseLike<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    throw classifyDatabaseError(error);
  }
}

interface SortColumns {
  createdAt: unknown;
  updatedAt: unknown;
  title: unknown;
}

/** The sort key over the table itself, or over a subquery of it (the outer query of a page). */
function sortKey(sort: TaskSort, from: SortColumns = tasks): SQL {
  switch (sort) {
    case 'created':
      return sql`${from.createdAt}`;
    case 'updated':
      return sql`${from.updatedAt}`;
    case 'title':
      return titleSortKey(from.title);
  }
}

/**
 * Every statement is built once per database handle and sent as a prepared statement, with
 * placeholders for the values. drizzle runs an ordinary builder query unprepared, so
 * PostgreSQL would parse and plan it on every call (planning cost ~7x the execution of a
 * lookup by id). Statements whose text depends on the request's shape (the list's sort, order,
 * filters; which fields a PATCH sets) are built per shape on first use. With
 * `prepare: false` on the client (PgBouncer, Neon pooler) postgres.js sends them unprepared.
 */
const placeholder = {
  userId: sql.placeholder('userId'),
  id: sql.placeholder('id'),
  limit: sql.placeholder('limit'),
  q: sql.placeholder('q'),
  after: sql.placeholder('after'),
  title: sql.placeholder('title'),
  description: sql.placeholder('description'),
  completed: sql.placeholder('completed'),
};

const ownTask = sql`${tasks.id} = ${placeholder.id} and ${tasks.userId} = ${placeholder.userId}`;

function listFilters(options: ListTasksOptions): SQL[] {
  const filters: SQL[] = [eq(tasks.userId, placeholder.userId)];
  if (options.status !== 'all') filters.push(eq(tasks.completed, options.status === 'completed'));
  if (options.q !== undefined) {
    // strpos, not LIKE: the needle is matched literally, so % _ \ need no escaping.
    const needle = sql`lower(${placeholder.q}::text)`;
    filters.push(
      sql`(strpos(lower(${tasks.title}), ${needle}) > 0 or strpos(lower(coalesce(${tasks.description}, '')), ${needle}) > 0)`,
    );
  }
  return filters;
}

/**
 * One statement in every case. With `after`, the anchor row is read inside the same statement
 * (so its sort key is compared at full precision, never a JS-rounded copy) and the page is a
 * LATERAL join on it: no row at all means the anchor is not the user's, one row of nulls means
 * an empty page. Ties are broken by id in the sort's direction, which makes the order total.
 */
function buildList(db: TaskDb, options: ListTasksOptions) {
  const key = sortKey(options.sort);
  const direction = options.order === 'asc' ? asc : desc;
  const orderBy = [direction(key), direction(tasks.id)];
  const filters = listFilters(options);

  if (options.after === undefined) {
    const page = db
      .select()
      .from(tasks)
      .where(and(...filters))
      .orderBy(...orderBy)
      .limit(placeholder.limit)
      .prepare('list_tasks');
    return { kind: 'first' as const, page };
  }

  const anchor = db
    .select({ key: sql`${key}`.as('anchor_key'), id: sql<number>`${tasks.id}`.as('anchor_id') })
    .from(tasks)
    .where(and(eq(tasks.id, placeholder.after), eq(tasks.userId, placeholder.userId)))
    .as('anchor');
  const comparison = options.order === 'asc' ? sql.raw('>') : sql.raw('<');
  const page = db
    .select()
    .from(tasks)
    .where(and(...filters, sql`(${key}, ${tasks.id}) ${comparison} (${anchor.key}, ${anchor.id})`))
    .orderBy(...orderBy)
    .limit(placeholder.limit)
    .as('page');
  const paged = db
    .select({
      id: page.id,
      userId: page.userId,
      title: page.title,
      description: page.description,
      completed: page.completed,
      createdAt: page.createdAt,
      updatedAt: page.updatedAt,
    })
    .from(anchor)
    .leftJoinLateral(page, sql`true`)
    .orderBy(direction(sortKey(options.sort, page)), direction(page.id))
    .prepare('list_tasks_after');
  return { kind: 'after' as const, page: paged };
}

function changed(column: SQL, value: SQL): SQL {
  return sql`${column} is distinct from ${value}`;
}

/**
 * PATCH/PUT: only the given fields are written; `updated_at` becomes now() if any of them gets
 * a different value, else stays (in SET, column references read the row's old values).
 */
function buildPatch(
  db: TaskDb,
  fields: { title: boolean; description: boolean; completed: boolean },
) {
  const set: Partial<Record<'title' | 'description' | 'completed', SQL>> = {};
  const changes: SQL[] = [];
  if (fields.title) {
    set.title = sql`${placeholder.title}::text`;
    changes.push(changed(sql`${tasks.title}`, set.title));
  }
  if (fields.description) {
    set.description = sql`${placeholder.description}::text`;
    changes.push(changed(sql`${tasks.description}`, set.description));
  }
  if (fields.completed) {
    set.completed = sql`${placeholder.completed}::boolean`;
    changes.push(changed(sql`${tasks.completed}`, set.completed));
  }
  const updatedAt =
    changes.length === 0
      ? sql`${tasks.updatedAt}`
      : sql`case when ${sql.join(changes, sql` or `)} then now() else ${tasks.updatedAt} end`;
  return db
    .update(tasks)
    .set({ ...set, updatedAt })
    .where(ownTask)
    .returning()
    .prepare('patch_task');
}

function buildStatements(db: TaskDb) {
  const lists = new Map<string, ReturnType<typeof buildList>>();
  const patches = new Map<string, ReturnType<typeof buildPatch>>();
  return {
    get: db.select().from(tasks).where(ownTask).limit(1).prepare('get_task'),
    create: db
      .insert(tasks)
      .values({
        userId: placeholder.userId,
        title: placeholder.title,
        description: placeholder.description,
        completed: placeholder.completed,
      })
      .returning()
      .prepare('create_task'),
    toggle: db
      .update(tasks)
      .set({ completed: sql`not ${tasks.completed}`, updatedAt: sql`now()` })
      .where(ownTask)
      .returning()
      .prepare('toggle_task'),
    delete: db.delete(tasks).where(ownTask).returning({ id: tasks.id }).prepare('delete_task'),
    list(options: ListTasksOptions) {
      const shape = `${options.sort}:${options.order}:${options.status}:${options.q === undefined ? '' : 'q'}:${options.after === undefined ? '' : 'after'}`;
      let statement = lists.get(shape);
      if (!statement) lists.set(shape, (statement = buildList(db, options)));
      return statement;
    },
    patch(fields: { title: boolean; description: boolean; completed: boolean }) {
      const shape = `${fields.title ? 't' : ''}${fields.description ? 'd' : ''}${fields.completed ? 'c' : ''}`;
      let statement = patches.get(shape);
      if (!statement) patches.set(shape, (statement = buildPatch(db, fields)));
      return statement;
    },
  };
}

const statementsByDatabase = new WeakMap<TaskDb, ReturnType<typeof buildStatements>>();

function statements(db: TaskDb): ReturnType<typeof buildStatements> {
  let built = statementsByDatabase.get(db);
  if (!built) statementsByDatabase.set(db, (built = buildStatements(db)));
  return built;
}

export async function listTasks(
  db: TaskDb,
  userId: string,
  options: ListTasksOptions,
): Promise<ListTasksResult> {
  if (options.after !== undefined && options.after > MAX_TASK_ID) {
    return { ok: false, reason: 'unknown_after' };
  }
  const values = { userId, limit: options.limit, q: options.q, after: options.after };
  const statement = statements(db).list(options);
  if (statement.kind === 'first') {
    return { ok: true, tasks: await run(statement.page.execute(values)) };
  }
  const rows = await run(statement.page.execute(values));
  if (rows.length === 0) return { ok: false, reason: 'unknown_after' };
  return { ok: true, tasks: rows.filter((row): row is TaskRow => row.id !== null) };
}

export async function getTask(db: TaskDb, userId: string, id: number): Promise<TaskRow | null> {
  if (id > MAX_TASK_ID) return null;
  const rows = await run(statements(db).get.execute({ userId, id }));
  return rows[0] ?? null;
}

export async function createTask(db: TaskDb, userId: string, task: NewTask): Promise<TaskRow> {
  const rows = await run(
    statements(db).create.execute({
      userId,
      title: task.title,
      description: task.description,
      completed: task.completed ?? false,
    }),
  );
  const created = rows[0];
  if (!created) throw new Error('INSERT ... RETURNING returned no row');
  return created;
}

/** PUT: title and description replaced, `completed` only when given. */
export async function replaceTask(
  db: TaskDb,
  userId: string,
  id: number,
  replacement: TaskReplacement,
): Promise<TaskRow | null> {
  return patchTask(db, userId, id, {
    title: replacement.title,
    description: replacement.description,
    completed: replacement.completed,
  });
}

/** PATCH: only the given fields are written. */
export async function patchTask(
  db: TaskDb,
  userId: string,
  id: number,
  patch: TaskPatch,
): Promise<TaskRow | null> {
  if (id > MAX_TASK_ID) return null;
  const statement = statements(db).patch({
    title: patch.title !== undefined,
    description: patch.description !== undefined,
    completed: patch.completed !== undefined,
  });
  const rows = await run(
    statement.execute({
      userId,
      id,
      title: patch.title,
      description: patch.description,
      completed: patch.completed,
    }),
  );
  return rows[0] ?? null;
}

/** Idempotent: repeating the same value leaves `updated_at` alone. */
export async function setTaskCompleted(
  db: TaskDb,
  userId: string,
  id: number,
  completed: boolean,
): Promise<TaskRow | null> {
  return patchTask(db, userId, id, { completed });
}

/** `completed = NOT completed` in the UPDATE itself: concurrent toggles never lose one. */
export async function toggleTask(db: TaskDb, userId: string, id: number): Promise<TaskRow | null> {
  if (id > MAX_TASK_ID) return null;
  const rows = await run(statements(db).toggle.execute({ userId, id }));
  return rows[0] ?? null;
}

/** True when the user's task existed and is gone. */
export async function deleteTask(db: TaskDb, userId: string, id: number): Promise<boolean> {
  if (id > MAX_TASK_ID) return false;
  const rows = await run(statements(db).delete.execute({ userId, id }));
  return rows.length > 0;
}
