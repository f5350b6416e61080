/**
 * The task service: every read and write of tasks goes through it, and it is the only place
 * that writes. Each write is one statement; only a write that the recurrence rules must look at
 * (completing a recurring task, or one that may leave a recurring task undated) reads the
 * stored task first, inside a transaction that locks it.
 */
import {
  createTask,
  createTaskOnce,
  deleteTask,
  findIdempotencyKey,
  forgetIdempotencyKey,
  getTask,
  getTaskForUpdate,
  listTags,
  listTasks,
  updateTask,
  type IdempotencyClaim,
  type TaskChange,
  type TaskDb,
  type TaskRow,
  type TaskWrite,
} from '@todo/db';

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
export type IdempotentRequest = IdempotencyClaim;

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
}

export interface TaskServiceOptions {
  /** How long an Idempotency-Key is remembered (default 24 hours). */
  keyLifetimeMs?: number | undefined;
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

  function found(row: TaskRow | null): Task {
    if (!row) throw new NotFoundError();
    return toTask(row);
  }

  /**
   * One statement. When it writes nothing, a locked read says why, in the contract's order:
   * not found (404), then a version that does not match (412), then the recurrence rules
   * (400, or the write that moves a recurring task on).
   */
  async function write(userId: string, id: number, change: TaskChange): Promise<Task> {
    const row = await updateTask(db, userId, id, change);
    if (row) return toTask(row);
    return db.transaction(async (tx) => {
      const current = await getTaskForUpdate(tx, userId, id);
      if (!current) throw new NotFoundError();
      if (change.ifVersions && !change.ifVersions.includes(current.version)) {
        throw new PreconditionFailedError();
      }
      return found(await updateTask(tx, userId, id, withRecurrence(current, change)));
    });
  }

  /** The first create with the key stores it with the task; a repeat gets that answer back. */
  async function createOnce(userId: string, task: NewTask, request: IdempotentRequest) {
    const fields = { ...fieldsOf(task), title: task.title };
    // Twice at most: the second try follows an expired key being forgotten.
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await createTaskOnce(db, userId, fields, request);
      if (result.kind === 'created') return { task: toTask(result.row), replayed: false };
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
    get: async (userId, input) => found(await getTask(db, userId, input.id)),
    async create(userId, input, idempotent) {
      if (idempotent) return createOnce(userId, input, idempotent);
      const task = await createTask(db, userId, { ...fieldsOf(input), title: input.title });
      return { task: toTask(task), replayed: false };
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
      if (await deleteTask(db, userId, input.id, ifVersions)) return;
      // Nothing deleted: a task that exists failed the precondition, else there is none.
      if (ifVersions && (await getTask(db, userId, input.id))) throw new PreconditionFailedError();
      throw new NotFoundError();
    },
    tags: (userId) => listTags(db, userId),
  };
}
