/**
 * The task service: every read and write of tasks goes through it, and it is the only place
 * that writes. Each write is one statement; only a write that the recurrence rules must look at
 * (completing a recurring task, or one that may leave a recurring task undated) reads the
 * stored task first, inside a transaction that locks it.
 */
import {
  changePosition,
  createTask,
  createTaskOnce,
  deleteTask,
  findIdempotencyKey,
  forgetIdempotencyKey,
  getTask,
  getTaskForUpdate,
  listTags,
  listTasks,
  lockChangeCounter,
  readChanges,
  updateTask,
  type IdempotencyClaim,
  type TaskChange,
  type TaskDb,
  type ChangeRow,
  type TaskRow,
  type TaskWrite,
} from '@todo/db';

import { createInProcessBus, type EventBus } from '../changes/bus.js';
import { cursorValue, type Change, type ChangesAnswer } from '../changes/contract.js';
import type { FeedPage, FeedReader } from '../changes/streams.js';
import {
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  InvalidInputError,
  NotFoundError,
  PreconditionFailedError,
} from '../errors.js';
import { DEFAULT_ORDER } from './contract.js';
import { MESSAGES, TASK_FIELDS, toTask, type Task, type TaskFieldName } from './model.js';
import { nextOccurrence } from './recurrence.js';

/**
 * The service speaks the contract's types, written out as plain types (not `z.output`) because
 * the Context names this interface and the client's bundled declarations must not need zod; the
 * router passing its validated input straight in proves the two agree.
 */
export type TaskFields = Omit<Task, 'id' | 'user_id' | 'version' | 'created_at' | 'updated_at'>;
export type NewTask = Pick<TaskFields, 'title'> & Partial<TaskFields>;
type TaskId = Pick<Task, 'id'>;

export interface TaskListQuery {
  status: 'all' | 'pending' | 'completed';
  sort: keyof typeof DEFAULT_ORDER;
  order?: 'asc' | 'desc' | undefined;
  q?: string | undefined;
  priority?: Task['priority'] | undefined;
  tag?: string | undefined;
  due_from?: string | undefined;
  due_to?: string | undefined;
  limit: number;
  after?: number | undefined;
}

export interface TagCount {
  tag: string;
  count: number;
}

/** A create's answer: the task, and whether it is the stored answer of an earlier request. */
export interface Created {
  task: Task;
  replayed: boolean;
}

/** An idempotent create: the key, and what identifies the request (see fingerprintOf). */
type IdempotentRequest = IdempotencyClaim;

/**
 * Every operation scoped to `userId`; a task that is not the user's is NotFoundError.
 * `ifVersions` (If-Match): the write happens only when the task is at one of these versions,
 * else PreconditionFailedError; it is checked inside the write statement.
 */
export interface TaskService {
  list(userId: string, query: TaskListQuery): Promise<Task[]>;
  get(userId: string, input: TaskId): Promise<Task>;
  create(userId: string, input: NewTask, idempotent?: IdempotentRequest): Promise<Created>;
  /** PUT: fields left out are kept, except description (null). */
  replace(userId: string, input: TaskId & NewTask, ifVersions?: readonly number[]): Promise<Task>;
  patch(
    userId: string,
    input: TaskId & Partial<TaskFields>,
    ifVersions?: readonly number[],
  ): Promise<Task>;
  /** `completed` absent: toggle. */
  complete(
    userId: string,
    input: TaskId & Partial<Pick<TaskFields, 'completed'>>,
    ifVersions?: readonly number[],
  ): Promise<Task>;
  delete(userId: string, input: TaskId, ifVersions?: readonly number[]): Promise<void>;
  tags(userId: string): Promise<TagCount[]>;
  /**
   * The changes feed after a cursor (absent: from the beginning). A cursor beyond the user's
   * last change is InvalidInputError; one older than the retention answers `reset`.
   */
  changes(
    userId: string,
    input: { since?: string | undefined; limit: number },
  ): Promise<ChangesAnswer>;
  /** What the live streams read. */
  readonly feed: FeedReader;
}

export interface TaskServiceOptions {
  /** Where each committed change is announced (default: within this process). */
  bus?: EventBus | undefined;
  /** How long an Idempotency-Key is remembered (default 24 hours). */
  keyLifetimeMs?: number | undefined;
}

/** A change as clients see it. */
function toChange(row: ChangeRow): Change {
  return row.op === 'upsert'
    ? { seq: row.seq, op: 'upsert', id: row.id, task: toTask(row.task) }
    : { seq: row.seq, op: 'delete', id: row.id };
}

export const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

const FIELD_NAMES = Object.keys(TASK_FIELDS) as TaskFieldName[];

/** The writable fields an input carries, and nothing else of it. */
function fieldsOf(input: Partial<TaskFields>): TaskWrite {
  return Object.fromEntries(
    FIELD_NAMES.filter((name) => input[name] !== undefined).map((name) => [name, input[name]]),
  );
}

/** PUT: fields left out are kept, except those whose absence clears them (description). */
function replacement(input: Partial<TaskFields>): TaskWrite {
  const set = fieldsOf(input);
  for (const name of FIELD_NAMES) {
    if (TASK_FIELDS[name].onReplace === 'clear' && set[name] === undefined) {
      Object.assign(set, { [name]: null });
    }
  }
  return set;
}

/**
 * The rules of recurring tasks, applied to a write given the stored task: a recurring task
 * keeps a due date (400 otherwise), and a write that would complete it moves its due date to
 * the next occurrence instead, leaving it open; with no next occurrence it completes.
 */
function withRecurrence(current: TaskRow, change: TaskChange): TaskChange {
  const recurrence =
    change.set.recurrence !== undefined ? change.set.recurrence : current.recurrence;
  const due = change.set.due_date !== undefined ? change.set.due_date : current.due_date;
  if (recurrence === null) return { ...change, guarded: false };
  if (due === null) {
    const field = change.set.due_date === null ? 'due_date' : 'recurrence';
    throw new InvalidInputError([{ path: [field], message: MESSAGES.recurringNeedsDue }]);
  }
  const completing =
    !current.completed && (change.toggle === true || change.set.completed === true);
  const next = completing ? nextOccurrence(recurrence, due) : null;
  if (next === null) return { ...change, guarded: false };
  return {
    set: { ...change.set, completed: false, due_date: next },
    toggle: false,
    guarded: false,
  };
}

export function createTaskService(db: TaskDb, options: TaskServiceOptions = {}): TaskService {
  const keyLifetimeMs = options.keyLifetimeMs ?? KEY_LIFETIME_MS;
  const bus = options.bus ?? createInProcessBus();

  /** After the commit: the task as clients see it, and the change announced. */
  function committed(row: TaskRow, changed = true): Task {
    if (changed) bus.publish({ userId: row.user_id, seq: row.seq });
    return toTask(row);
  }

  const feed: FeedReader = {
    async read(userId, since, limit): Promise<FeedPage> {
      const page = await readChanges(db, userId, since, limit);
      return { ...page, changes: page.changes.map(toChange) };
    },
    head: async (userId) => (await changePosition(db, userId)).head,
  };

  /**
   * One statement. When it writes nothing, a locked read says why, in the contract's order:
   * not found (404), then a version that does not match (412), then the recurrence rules
   * (400, or the write that moves a recurring task on).
   */
  async function write(userId: string, id: number, change: TaskChange): Promise<Task> {
    const updated = await updateTask(db, userId, id, change);
    if (updated) return committed(updated.row, updated.changed);
    const resolved = await db.transaction(async (tx) => {
      // The counter before the task row, as in every write (see lockChangeCounter).
      await lockChangeCounter(tx, userId);
      const current = await getTaskForUpdate(tx, userId, id);
      if (!current) throw new NotFoundError();
      if (change.ifVersions && !change.ifVersions.includes(current.version)) {
        throw new PreconditionFailedError();
      }
      const written = await updateTask(tx, userId, id, withRecurrence(current, change));
      if (!written) throw new NotFoundError();
      return written;
    });
    return committed(resolved.row, resolved.changed);
  }

  /** The first create with the key stores it with the task; a repeat gets that answer back. */
  async function createOnce(userId: string, task: NewTask, request: IdempotentRequest) {
    const fields = { ...fieldsOf(task), title: task.title };
    // Twice at most: the second try follows an expired key being forgotten.
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await createTaskOnce(db, userId, fields, request);
      if (result.kind === 'created') return { task: committed(result.row), replayed: false };
      if (result.kind === 'busy') throw new IdempotencyKeyInUseError();
      const stored = await findIdempotencyKey(db, userId, request.key);
      const expiredBefore = new Date(Date.now() - keyLifetimeMs);
      if (stored && stored.created_at > expiredBefore) {
        if (stored.fingerprint !== request.fingerprint) throw new IdempotencyKeyReusedError();
        return { task: toTask(stored.task), replayed: true };
      }
      if (stored) await forgetIdempotencyKey(db, userId, request.key, expiredBefore);
    }
    throw new IdempotencyKeyInUseError();
  }

  return {
    async list(userId, query) {
      const result = await listTasks(db, userId, {
        ...query,
        order: query.order ?? DEFAULT_ORDER[query.sort],
      });
      if (!result.ok) {
        throw new InvalidInputError([
          { path: ['after'], message: 'after must be the id of one of your tasks' },
        ]);
      }
      return result.tasks.map(toTask);
    },
    async get(userId, input) {
      const row = await getTask(db, userId, input.id);
      if (!row) throw new NotFoundError();
      return toTask(row);
    },
    async create(userId, input, idempotent) {
      if (idempotent) return createOnce(userId, input, idempotent);
      const task = await createTask(db, userId, { ...fieldsOf(input), title: input.title });
      return { task: committed(task), replayed: false };
    },
    replace: (userId, input, ifVersions) =>
      write(userId, input.id, { set: replacement(input), ifVersions }),
    patch: (userId, input, ifVersions) =>
      write(userId, input.id, { set: fieldsOf(input), ifVersions }),
    complete: (userId, input, ifVersions) =>
      write(
        userId,
        input.id,
        input.completed === undefined
          ? { set: {}, toggle: true, ifVersions }
          : { set: { completed: input.completed }, ifVersions },
      ),
    async delete(userId, input, ifVersions) {
      const seq = await deleteTask(db, userId, input.id, ifVersions);
      if (seq !== null) {
        bus.publish({ userId, seq });
        return;
      }
      // Nothing deleted: a task that exists failed the precondition, else there is none.
      if (ifVersions && (await getTask(db, userId, input.id))) throw new PreconditionFailedError();
      throw new NotFoundError();
    },
    tags: (userId) => listTags(db, userId),
    async changes(userId, input) {
      const since = input.since === undefined ? undefined : cursorValue(input.since);
      const page = await feed.read(userId, since ?? 0, input.limit);
      if (since !== undefined && since > page.head) {
        throw new InvalidInputError([
          {
            path: ['since'],
            message: 'since is not a cursor of yours (it is beyond your last change)',
          },
        ]);
      }
      if (since !== undefined && since < page.horizon) {
        return { changes: [], cursor: String(page.head), has_more: false, reset: true };
      }
      const last = page.changes.at(-1)?.seq ?? since ?? 0;
      return { changes: page.changes, cursor: String(last), has_more: page.hasMore, reset: false };
    },
    feed,
  };
}
