/**
 * The task queries: one function per operation, each one SQL statement scoped to the user
 * (`db` and `userId` always the first arguments).
 */
import { and, asc, desc, eq, lt, sql, type Placeholder, type SQL } from 'drizzle-orm';

import { changeCounters, taskTombstones } from '../changes/table.js';
import type { TaskDb } from '../client.js';
import { classifyDatabaseError, errorCode } from '../errors.js';
import { singleStatement, statementFamily } from './statements.js';
import {
  dueAscKey,
  dueDescKey,
  idempotencyKeys,
  TASK_COLUMNS as COLUMNS,
  taskRowFromJson,
  tasks,
  taskTags,
  titleSortKey,
  WRITABLE_COLUMNS as WRITABLE,
  type TaskPriority,
  type TaskRow,
  type TaskWrite,
  type WritableColumn,
} from './table.js';

/** `id` is an int4 identity: a larger id cannot exist, so it is "not found" without a query. */
const MAX_TASK_ID = 2_147_483_647;

export type TaskStatus = 'all' | 'pending' | 'completed';
export type TaskSort = 'created' | 'updated' | 'title' | 'due' | 'priority';
export type SortOrder = 'asc' | 'desc';

/** Conditions the list may be narrowed by; each is applied when its value is given. */
export interface ListFilters {
  /** Literal, case-insensitive substring of title or description. */
  q?: string | undefined;
  priority?: TaskPriority | undefined;
  /** A normalised tag the task carries. */
  tag?: string | undefined;
  /** Inclusive bounds on due_date (`YYYY-MM-DD`); either one excludes undated tasks. */
  due_from?: string | undefined;
  due_to?: string | undefined;
}
type FilterName = keyof ListFilters;

export interface ListTasksOptions extends ListFilters {
  status: TaskStatus;
  sort: TaskSort;
  order: SortOrder;
  limit: number;
  /** Continue after this task (one of the user's), in the same sort. */
  after?: number | undefined;
}

/** `unknown_after`: the anchor task is not one of the user's (unknown, deleted or another's). */
export type ListTasksResult =
  { ok: true; tasks: TaskRow[] } | { ok: false; reason: 'unknown_after' };

export interface TagCount {
  tag: string;
  count: number;
}

/** A write to one task: the columns to set, or `completed` flipped in the statement itself. */
export interface TaskChange {
  set: TaskWrite;
  toggle?: boolean | undefined;
  /**
   * false: the caller has already applied the rules of recurring tasks (it read the row in
   * this transaction). Otherwise the statement refuses, by matching no row, a write that would
   * complete a recurring task or leave one without a due date; the caller then reads the row
   * to tell that apart from "not found".
   */
  guarded?: boolean | undefined;
  /** If-Match: the write happens only when the task's version is one of these. */
  ifVersions?: readonly number[] | undefined;
}

/** A version precondition as a parameter: a PostgreSQL int[] literal. */
const versionList = (versions: readonly number[]) => `{${versions.join(',')}}`;
const versionMatches = sql`${tasks.version} = any(${sql.placeholder('if_versions')}::int[])`;

async function run<T>(query: PromiseLike<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    throw classifyDatabaseError(error);
  }
}

/** A placeholder for a column's value, encoded by that column (arrays, dates) when executed. */
function columnValue(name: WritableColumn): SQL {
  const column = COLUMNS[name];
  return sql`${sql.param(sql.placeholder(name), column)}::${sql.raw(column.getSQLType())}`;
}

const placeholder = {
  user_id: sql.placeholder('user_id'),
  id: sql.placeholder('id'),
  limit: sql.placeholder('limit'),
  after: sql.placeholder('after'),
};

const ownTask = and(eq(tasks.id, placeholder.id), eq(tasks.user_id, placeholder.user_id));

const user = sql`${placeholder.user_id}::text`;
const idempotencyKey = sql`${sql.placeholder('key')}::text`;

/**
 * The CTE that takes the user's next change number. Its upsert locks the user's counter row
 * until the statement commits, so the user's writes commit in number order. Every write
 * statement reads it before it locks a task row (in WHERE, or in the values of an insert): one
 * lock order everywhere, so two writes never deadlock. With `claimKey` the counter is only
 * taken once the idempotency key is claimed (todo_claim_idempotency_key, migration 0002), so a
 * second create with a key in use fails at once instead of queueing behind the first.
 */
function changeNumber(db: TaskDb, claimKey = false) {
  const insert = claimKey
    ? db
        .insert(changeCounters)
        .select(sql`select ${user}, 1 where todo_claim_idempotency_key(${user}, ${idempotencyKey})`)
    : db.insert(changeCounters).values({ user_id: placeholder.user_id, last_seq: 1 });
  const change = db.$with('change').as(
    insert
      .onConflictDoUpdate({
        target: changeCounters.user_id,
        set: { last_seq: sql`${changeCounters.last_seq} + 1` },
      })
      .returning({ seq: changeCounters.last_seq }),
  );
  return { change, seq: sql<number>`(select ${change.seq} from ${change})` };
}

// ---- the list -----------------------------------------------------------------------------------

/** The user's rows of task_tags under a tag. */
const tagged = (value: Placeholder): SQL =>
  sql`${taskTags.user_id} = ${placeholder.user_id} and ${taskTags.tag} = ${value}`;

/** How each filter narrows the list, given its value as a bound parameter. */
const FILTERS: Record<FilterName, (value: Placeholder) => SQL> = {
  // strpos, not LIKE: the needle is matched literally, so % _ \ need no escaping.
  q: (value) =>
    sql`(strpos(lower(${tasks.title}), lower(${value}::text)) > 0 or strpos(lower(coalesce(${tasks.description}, '')), lower(${value}::text)) > 0)`,
  priority: (value) => sql`${tasks.priority} = ${value}::task_priority`,
  // The user's tasks in task_tags under the tag (listStatement reads the sort=created page
  // straight from its index instead).
  tag: (value) =>
    sql`${tasks.id} in (select ${taskTags.task_id} from ${taskTags} where ${tagged(value)})`,
  due_from: (value) => sql`${tasks.due_date} >= ${value}::date`,
  due_to: (value) => sql`${tasks.due_date} <= ${value}::date`,
};
const FILTER_NAMES = Object.keys(FILTERS) as FilterName[];

// A type alias, not an interface: a shape must be assignable to ShapeValue.
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
type ListShape = {
  sort: TaskSort;
  order: SortOrder;
  status: TaskStatus;
  filters: FilterName[];
  after: boolean;
};

/** The columns a sort key reads: the table's, or a subquery's of it. */
interface SortColumns {
  created_at: unknown;
  updated_at: unknown;
  title: unknown;
  due_date: unknown;
  priority: unknown;
}

function sortKey(sort: TaskSort, order: SortOrder, from: SortColumns): SQL {
  switch (sort) {
    case 'created':
      return sql`${from.created_at}`;
    case 'updated':
      return sql`${from.updated_at}`;
    case 'title':
      return titleSortKey(from.title);
    case 'due':
      return order === 'asc' ? dueAscKey(from.due_date) : dueDescKey(from.due_date);
    case 'priority':
      return sql`${from.priority}`;
  }
}

/**
 * One statement in every case. With `after`, the anchor row is read inside the same statement
 * (so its sort key is compared at full precision, never a JS-rounded copy) and the page is a
 * LATERAL join on it: no row at all means the anchor is not the user's, one row with no page
 * means an empty page. Ties are broken by id in the sort's direction, which makes the order total.
 */
const listStatement = statementFamily((db, shape: ListShape) => {
  // tag= in the default sort: the page is one ordered range of task_tags' index, each row then
  // joined to its task by id; the tag's condition is on task_tags, the others on the task.
  const byTag = shape.sort === 'created' && shape.filters.includes('tag');
  const key = byTag ? sql`${taskTags.created_at}` : sortKey(shape.sort, shape.order, tasks);
  const id = byTag ? taskTags.task_id : tasks.id;
  const direction = shape.order === 'asc' ? asc : desc;
  const conditions: SQL[] = [eq(tasks.user_id, placeholder.user_id)];
  if (shape.status !== 'all') conditions.push(eq(tasks.completed, shape.status === 'completed'));
  for (const name of shape.filters) {
    const value = sql.placeholder(name);
    conditions.push(byTag && name === 'tag' ? tagged(value) : FILTERS[name](value));
  }
  const source = () =>
    byTag
      ? db.select(COLUMNS).from(taskTags).innerJoin(tasks, eq(tasks.id, taskTags.task_id))
      : db.select(COLUMNS).from(tasks);

  if (!shape.after) {
    const first = source()
      .where(and(...conditions))
      .orderBy(direction(key), direction(id))
      .limit(placeholder.limit)
      .prepare('list_tasks');
    return { kind: 'first' as const, first };
  }

  const anchorKey = sortKey(shape.sort, shape.order, tasks);
  const anchor = db
    .select({
      key: sql`${anchorKey}`.as('anchor_key'),
      id: sql<number>`${tasks.id}`.as('anchor_id'),
    })
    .from(tasks)
    .where(and(eq(tasks.id, placeholder.after), eq(tasks.user_id, placeholder.user_id)))
    .as('anchor');
  const comparison = shape.order === 'asc' ? sql.raw('>') : sql.raw('<');
  const page = source()
    .where(and(...conditions, sql`(${key}, ${id}) ${comparison} (${anchor.key}, ${anchor.id})`))
    .orderBy(direction(key), direction(id))
    .limit(placeholder.limit)
    .as('page');
  const paged = db
    .select()
    .from(anchor)
    .leftJoinLateral(page, sql`true`)
    .orderBy(direction(sortKey(shape.sort, shape.order, page)), direction(page.id))
    .prepare('list_tasks_after');
  return { kind: 'after' as const, paged };
});

function listShape(options: ListTasksOptions): ListShape {
  return {
    sort: options.sort,
    order: options.order,
    status: options.status,
    filters: FILTER_NAMES.filter((name) => options[name] !== undefined),
    after: options.after !== undefined,
  };
}

export async function listTasks(
  db: TaskDb,
  userId: string,
  options: ListTasksOptions,
): Promise<ListTasksResult> {
  if (options.after !== undefined && options.after > MAX_TASK_ID) {
    return { ok: false, reason: 'unknown_after' };
  }
  const values = { ...options, user_id: userId };
  const statement = listStatement.get(db, listShape(options));
  if (statement.kind === 'first') {
    return { ok: true, tasks: await run(statement.first.execute(values)) };
  }
  const rows = await run(statement.paged.execute(values));
  if (rows.length === 0) return { ok: false, reason: 'unknown_after' };
  return { ok: true, tasks: rows.flatMap((row) => (row.page ? [row.page] : [])) };
}

// ---- one task -----------------------------------------------------------------------------------

const getStatement = singleStatement((db) =>
  db.select().from(tasks).where(ownTask).limit(1).prepare('get_task'),
);

export async function getTask(db: TaskDb, userId: string, id: number): Promise<TaskRow | null> {
  if (id > MAX_TASK_ID) return null;
  const rows = await run(getStatement(db).execute({ user_id: userId, id }));
  return rows[0] ?? null;
}

/** The user's task, locked until the end of the transaction `db` belongs to. */
export async function getTaskForUpdate(
  db: TaskDb,
  userId: string,
  id: number,
): Promise<TaskRow | null> {
  if (id > MAX_TASK_ID) return null;
  const rows = await run(
    db.select().from(tasks).where(ownTask).for('update').execute({ user_id: userId, id }),
  );
  return rows[0] ?? null;
}

/** The columns a write sets, in table order: the part of the write that shapes its SQL. */
function presentColumns(write: TaskWrite): WritableColumn[] {
  return WRITABLE.filter((name) => write[name] !== undefined);
}

/** The values of a new task with the given columns (the others take their defaults). */
function taskValues(fields: WritableColumn[], seq: SQL) {
  return {
    ...Object.fromEntries(fields.map((name) => [name, sql.placeholder(name)])),
    user_id: placeholder.user_id,
    title: sql.placeholder('title'),
    seq,
  };
}

const createStatement = statementFamily((db, fields: WritableColumn[]) => {
  const { change, seq } = changeNumber(db);
  return db
    .with(change)
    .insert(tasks)
    .values(taskValues(fields, seq))
    .returning()
    .prepare('create_task');
});

/** A new task: a title, and any other writable columns (absent ones take their defaults). */
export type NewTask = TaskWrite & { title: string };

export async function createTask(db: TaskDb, userId: string, task: NewTask): Promise<TaskRow> {
  const rows = await run(
    createStatement.get(db, presentColumns(task)).execute({ ...task, user_id: userId }),
  );
  const created = rows[0];
  if (!created) throw new Error('INSERT ... RETURNING returned no row');
  return created;
}

// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
type UpdateShape = {
  fields: WritableColumn[];
  toggle: boolean;
  guarded: boolean;
  conditional: boolean;
};

/**
 * Only the given columns are written (`completed = not completed` for a toggle, so concurrent
 * toggles never lose one). `version` and `updated_at` move only when a value changes, in the same
 * statement; `updated_at` always forward, even within the same millisecond (in SET, column
 * references read the old row). With `conditional`, the version must match (If-Match) here, in
 * the write itself, never in a read before it.
 */
const updateStatement = statementFamily((db, shape: UpdateShape) => {
  const next = Object.fromEntries(
    WRITABLE.map((name) => [
      name,
      shape.fields.includes(name) ? columnValue(name) : sql`${COLUMNS[name]}`,
    ]),
  ) as Record<WritableColumn, SQL>;
  if (shape.toggle) next.completed = sql`not ${tasks.completed}`;
  const set = Object.fromEntries(
    WRITABLE.filter(
      (name) => shape.fields.includes(name) || (shape.toggle && name === 'completed'),
    ).map((name) => [name, next[name]]),
  );
  const changes = shape.fields.map((name) => sql`${COLUMNS[name]} is distinct from ${next[name]}`);
  if (shape.toggle) changes.push(sql`true`);
  const changed = changes.length === 0 ? sql`false` : sql.join(changes, sql` or `);
  const { change, seq } = changeNumber(db);
  // The change number first (see changeNumber), then the row.
  const conditions = [sql`${seq} is not null`, ownTask];
  if (shape.conditional) conditions.push(versionMatches);
  if (shape.guarded) {
    conditions.push(
      sql`(${next.recurrence} is null or (${next.due_date} is not null and (${tasks.completed} or not ${next.completed})))`,
    );
  }
  return db
    .with(change)
    .update(tasks)
    .set({
      ...set,
      version: sql`case when ${changed} then ${tasks.version} + 1 else ${tasks.version} end`,
      seq: sql`case when ${changed} then ${seq} else ${tasks.seq} end`,
      updated_at: sql`case when ${changed} then greatest(now(), ${tasks.updated_at} + interval '1 millisecond') else ${tasks.updated_at} end`,
    })
    .where(and(...conditions))
    .returning({ ...COLUMNS, changed: sql<boolean>`${tasks.seq} = ${seq}` })
    .prepare('update_task');
});

/** A write's row as it is now, and whether the write changed it (else nothing was written). */
export interface UpdatedTask {
  row: TaskRow;
  changed: boolean;
}

/**
 * The updated row, or null: not the user's task, its version not one of `ifVersions`, or
 * (guarded) refused by the recurrence rules.
 */
export async function updateTask(
  db: TaskDb,
  userId: string,
  id: number,
  change: TaskChange,
): Promise<UpdatedTask | null> {
  if (id > MAX_TASK_ID) return null;
  const shape: UpdateShape = {
    fields: presentColumns(change.set),
    toggle: change.toggle ?? false,
    guarded: change.guarded ?? true,
    conditional: change.ifVersions !== undefined,
  };
  const rows = await run(
    updateStatement.get(db, shape).execute({
      ...change.set,
      user_id: userId,
      id,
      if_versions: versionList(change.ifVersions ?? []),
    }),
  );
  const [first] = rows;
  if (!first) return null;
  const { changed, ...row } = first;
  return { row, changed };
}

/** The task goes, and a tombstone with the delete's change number takes its place in the feed. */
const deleteStatement = statementFamily((db, conditional: boolean) => {
  const { change, seq } = changeNumber(db);
  const deleted = db.$with('deleted').as(
    db
      .delete(tasks)
      .where(and(sql`${seq} is not null`, ownTask, conditional ? versionMatches : undefined))
      .returning({ id: tasks.id, user_id: tasks.user_id }),
  );
  return db
    .with(change, deleted)
    .insert(taskTombstones)
    .select((qb) =>
      qb
        .select({
          user_id: deleted.user_id,
          seq: sql`${seq}`.as('seq'),
          task_id: deleted.id,
          deleted_at: sql`now()`.as('deleted_at'),
        })
        .from(deleted),
    )
    .returning({ seq: taskTombstones.seq })
    .prepare('delete_task');
});

/**
 * The delete's change number when the user's task existed (with one of `ifVersions`, when
 * given) and is gone; null when nothing was deleted.
 */
export async function deleteTask(
  db: TaskDb,
  userId: string,
  id: number,
  ifVersions?: readonly number[],
): Promise<number | null> {
  if (id > MAX_TASK_ID) return null;
  const rows = await run(
    deleteStatement.get(db, ifVersions !== undefined).execute({
      user_id: userId,
      id,
      if_versions: versionList(ifVersions ?? []),
    }),
  );
  return rows[0]?.seq ?? null;
}

// ---- idempotent create --------------------------------------------------------------------------

/** A create that may happen once per (user, key): the request's fingerprint is kept with it. */
export interface IdempotencyClaim {
  key: string;
  fingerprint: string;
}

/** `busy`: a create with the key is running now; `taken`: the key is already stored. */
export type ClaimedCreate =
  { kind: 'created'; row: TaskRow } | { kind: 'busy' } | { kind: 'taken' };

/** SQLSTATE of todo_claim_idempotency_key (migration 0002) when the key is held. */
const KEY_IN_USE = 'TD409';
const UNIQUE_VIOLATION = '23505';

/**
 * One statement: the task is inserted and the key stored with the task as created, so a crash
 * leaves both or neither. Taking the change number first claims the key (an advisory lock held
 * to the end of the statement's transaction) and fails the whole statement when another create
 * holds it.
 */
const createOnceStatement = statementFamily((db, fields: WritableColumn[]) => {
  const { change, seq } = changeNumber(db, true);
  const created = db
    .$with('created')
    .as(db.insert(tasks).values(taskValues(fields, seq)).returning());
  const saved = db.$with('saved').as(
    db
      .insert(idempotencyKeys)
      .select((qb) =>
        qb
          .select({
            user_id: user.as('user_id'),
            key: idempotencyKey.as('key'),
            fingerprint: sql`${sql.placeholder('fingerprint')}::text`.as('fingerprint'),
            task: sql`to_jsonb(created)`.as('task'),
            created_at: sql`now()`.as('created_at'),
          })
          .from(created),
      )
      .returning({ key: idempotencyKeys.key }),
  );
  return db.with(change, created, saved).select().from(created).prepare('create_task_once');
});

export async function createTaskOnce(
  db: TaskDb,
  userId: string,
  task: NewTask,
  claim: IdempotencyClaim,
): Promise<ClaimedCreate> {
  try {
    const rows = await createOnceStatement
      .get(db, presentColumns(task))
      .execute({ ...task, user_id: userId, ...claim });
    const row = rows[0];
    if (!row) throw new Error('INSERT ... RETURNING returned no row');
    return { kind: 'created', row };
  } catch (error) {
    const code = errorCode(error);
    if (code === KEY_IN_USE) return { kind: 'busy' };
    if (code === UNIQUE_VIOLATION) return { kind: 'taken' };
    throw classifyDatabaseError(error);
  }
}

export interface StoredKey {
  fingerprint: string;
  /** The task as the first create stored it. */
  task: TaskRow;
  created_at: Date;
}

const keyOf = and(
  eq(idempotencyKeys.user_id, placeholder.user_id),
  eq(idempotencyKeys.key, sql.placeholder('key')),
);

const findKeyStatement = singleStatement((db) =>
  db.select().from(idempotencyKeys).where(keyOf).prepare('find_idempotency_key'),
);

export async function findIdempotencyKey(
  db: TaskDb,
  userId: string,
  key: string,
): Promise<StoredKey | null> {
  const [row] = await run(findKeyStatement(db).execute({ user_id: userId, key }));
  return row
    ? { fingerprint: row.fingerprint, task: taskRowFromJson(row.task), created_at: row.created_at }
    : null;
}

/** Removes the user's key if it was stored before `before` (expired); true when it did. */
export async function forgetIdempotencyKey(
  db: TaskDb,
  userId: string,
  key: string,
  before: Date,
): Promise<boolean> {
  const rows = await run(
    db
      .delete(idempotencyKeys)
      .where(and(keyOf, lt(idempotencyKeys.created_at, before)))
      .returning({ key: idempotencyKeys.key })
      .execute({ user_id: userId, key }),
  );
  return rows.length > 0;
}

/**
 * Deletes up to `batch` keys stored before `before`, oldest first, skipping rows another
 * transaction has locked: a short statement that never waits for, nor holds up, a request.
 */
export async function deleteExpiredIdempotencyKeys(
  db: TaskDb,
  before: Date,
  batch: number,
): Promise<number> {
  const oldest = db
    .select({ user_id: idempotencyKeys.user_id, key: idempotencyKeys.key })
    .from(idempotencyKeys)
    .where(lt(idempotencyKeys.created_at, before))
    .orderBy(asc(idempotencyKeys.created_at))
    .limit(batch)
    .for('update', { skipLocked: true });
  const rows = await run(
    db
      .delete(idempotencyKeys)
      .where(sql`(${idempotencyKeys.user_id}, ${idempotencyKeys.key}) in ${oldest}`)
      .returning({ key: idempotencyKeys.key }),
  );
  return rows.length;
}

// ---- tags ---------------------------------------------------------------------------------------

const tagsStatement = singleStatement((db) => {
  const count = sql<number>`count(*)::int`;
  return db
    .select({ tag: taskTags.tag, count })
    .from(taskTags)
    .where(eq(taskTags.user_id, placeholder.user_id))
    .groupBy(taskTags.tag)
    .orderBy(desc(count), sql`${taskTags.tag} collate "C"`)
    .prepare('list_tags');
});

/** Every tag on the user's tasks with how many carry it: most used first, then by code point. */
export async function listTags(db: TaskDb, userId: string): Promise<TagCount[]> {
  return run(tagsStatement(db).execute({ user_id: userId }));
}
