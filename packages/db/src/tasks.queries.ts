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

function listFilters(userId: string, options: ListTasksOptions): SQL[] {
  const filters: SQL[] = [eq(tasks.userId, userId)];
  if (options.status !== 'all') filters.push(eq(tasks.completed, options.status === 'completed'));
  if (options.q !== undefined) {
    // strpos, not LIKE: the needle is matched literally, so % _ \ need no escaping.
    const needle = sql`lower(${options.q})`;
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
export async function listTasks(
  db: TaskDb,
  userId: string,
  options: ListTasksOptions,
): Promise<ListTasksResult> {
  const key = sortKey(options.sort);
  const direction = options.order === 'asc' ? asc : desc;
  const orderBy = [direction(key), direction(tasks.id)];
  const filters = listFilters(userId, options);

  if (options.after === undefined) {
    const rows = await run(
      db
        .select()
        .from(tasks)
        .where(and(...filters))
        .orderBy(...orderBy)
        .limit(options.limit),
    );
    return { ok: true, tasks: rows };
  }
  if (options.after > MAX_TASK_ID) return { ok: false, reason: 'unknown_after' };

  const anchor = db
    .select({ key: sql`${key}`.as('anchor_key'), id: sql<number>`${tasks.id}`.as('anchor_id') })
    .from(tasks)
    .where(and(eq(tasks.id, options.after), eq(tasks.userId, userId)))
    .as('anchor');
  const comparison = options.order === 'asc' ? sql.raw('>') : sql.raw('<');
  const page = db
    .select()
    .from(tasks)
    .where(and(...filters, sql`(${key}, ${tasks.id}) ${comparison} (${anchor.key}, ${anchor.id})`))
    .orderBy(...orderBy)
    .limit(options.limit)
    .as('page');
  const rows = await run(
    db
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
      .orderBy(direction(sortKey(options.sort, page)), direction(page.id)),
  );
  if (rows.length === 0) return { ok: false, reason: 'unknown_after' };
  return { ok: true, tasks: rows.filter((row): row is TaskRow => row.id !== null) };
}

function ownTask(userId: string, id: number): SQL {
  return sql`${eq(tasks.id, id)} and ${eq(tasks.userId, userId)}`;
}

/**
 * `updated_at` for an UPDATE that writes `changes`: now() if any column gets a different value,
 * else unchanged. In SET, column references read the row's old values.
 */
function touchedWhen(changes: SQL[]): SQL {
  if (changes.length === 0) return sql`${tasks.updatedAt}`;
  return sql`case when ${sql.join(changes, sql` or `)} then now() else ${tasks.updatedAt} end`;
}

function changed(column: SQL, value: SQL): SQL {
  return sql`${column} is distinct from ${value}`;
}

export async function getTask(db: TaskDb, userId: string, id: number): Promise<TaskRow | null> {
  if (id > MAX_TASK_ID) return null;
  const rows = await run(db.select().from(tasks).where(ownTask(userId, id)).limit(1));
  return rows[0] ?? null;
}

export async function createTask(db: TaskDb, userId: string, task: NewTask): Promise<TaskRow> {
  const rows = await run(
    db
      .insert(tasks)
      .values({
        userId,
        title: task.title,
        description: task.description,
        completed: task.completed ?? false,
      })
      .returning(),
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
  const set: Partial<Record<'title' | 'description' | 'completed', SQL>> = {};
  const changes: SQL[] = [];
  if (patch.title !== undefined) {
    set.title = sql`${patch.title}::text`;
    changes.push(changed(sql`${tasks.title}`, set.title));
  }
  if (patch.description !== undefined) {
    set.description = sql`${patch.description}::text`;
    changes.push(changed(sql`${tasks.description}`, set.description));
  }
  if (patch.completed !== undefined) {
    set.completed = sql`${patch.completed}::boolean`;
    changes.push(changed(sql`${tasks.completed}`, set.completed));
  }
  const rows = await run(
    db
      .update(tasks)
      .set({ ...set, updatedAt: touchedWhen(changes) })
      .where(ownTask(userId, id))
      .returning(),
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
  const rows = await run(
    db
      .update(tasks)
      .set({ completed: sql`not ${tasks.completed}`, updatedAt: sql`now()` })
      .where(ownTask(userId, id))
      .returning(),
  );
  return rows[0] ?? null;
}

/** True when the user's task existed and is gone. */
export async function deleteTask(db: TaskDb, userId: string, id: number): Promise<boolean> {
  if (id > MAX_TASK_ID) return false;
  const rows = await run(db.delete(tasks).where(ownTask(userId, id)).returning({ id: tasks.id }));
  return rows.length > 0;
}
