/**
 * The task service: every read and write of tasks goes through it, and it is the only place
 * that writes. Each write is one statement; only a write that the recurrence rules must look at
 * (completing a recurring task, or one that may leave a recurring task undated) reads the
 * stored task first, inside a transaction that locks it.
 */
import {
  createTask,
  deleteTask,
  getTask,
  getTaskForUpdate,
  listTags,
  listTasks,
  updateTask,
  type TaskChange,
  type TaskDb,
  type TaskRow,
  type TaskWrite,
} from '@todo/db';

import { InvalidInputError, NotFoundError } from '../errors.js';
import { DEFAULT_ORDER } from './contract.js';
import { MESSAGES, TASK_FIELDS, toTask, type Task, type TaskFieldName } from './model.js';
import { nextOccurrence } from './recurrence.js';

/**
 * The service speaks the contract's types, written out as plain types (not `z.output`) because
 * the Context names this interface and the client's bundled declarations must not need zod; the
 * router passing its validated input straight in proves the two agree.
 */
export type TaskFields = Omit<Task, 'id' | 'user_id' | 'created_at' | 'updated_at'>;
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

/** Every operation scoped to `userId`; a task that is not the user's is NotFoundError. */
export interface TaskService {
  list(userId: string, query: TaskListQuery): Promise<Task[]>;
  get(userId: string, input: TaskId): Promise<Task>;
  create(userId: string, input: NewTask): Promise<Task>;
  /** PUT: fields left out are kept, except description (null). */
  replace(userId: string, input: TaskId & NewTask): Promise<Task>;
  patch(userId: string, input: TaskId & Partial<TaskFields>): Promise<Task>;
  /** `completed` absent: toggle. */
  complete(userId: string, input: TaskId & Partial<Pick<TaskFields, 'completed'>>): Promise<Task>;
  delete(userId: string, input: TaskId): Promise<void>;
  tags(userId: string): Promise<TagCount[]>;
}

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

export function createTaskService(db: TaskDb): TaskService {
  function found(row: TaskRow | null): Task {
    if (!row) throw new NotFoundError();
    return toTask(row);
  }

  /** One statement; when it refuses (not found, or recurrence), a locked read decides. */
  async function write(userId: string, id: number, change: TaskChange): Promise<Task> {
    const row = await updateTask(db, userId, id, change);
    if (row) return toTask(row);
    return db.transaction(async (tx) => {
      const current = await getTaskForUpdate(tx, userId, id);
      if (!current) throw new NotFoundError();
      return found(await updateTask(tx, userId, id, withRecurrence(current, change)));
    });
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
    create: async (userId, input) =>
      toTask(await createTask(db, userId, { ...fieldsOf(input), title: input.title })),
    replace: (userId, input) => write(userId, input.id, { set: replacement(input) }),
    patch: (userId, input) => write(userId, input.id, { set: fieldsOf(input) }),
    complete: (userId, input) =>
      write(
        userId,
        input.id,
        input.completed === undefined
          ? { set: {}, toggle: true }
          : { set: { completed: input.completed } },
      ),
    async delete(userId, input) {
      if (!(await deleteTask(db, userId, input.id))) throw new NotFoundError();
    },
    tags: (userId) => listTags(db, userId),
  };
}
