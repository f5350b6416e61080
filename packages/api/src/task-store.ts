/**
 * The storage the routers need, in contract types. The Context (and so the published router
 * types) names only this interface, never drizzle or postgres types.
 */
import {
  createTask,
  deleteTask,
  getTask,
  listTasks,
  patchTask,
  replaceTask,
  setTaskCompleted,
  toggleTask,
  type TaskDb,
  type TaskRow,
} from '@todo/db';

import type { Task } from './contract/tasks.js';

export interface TaskListQuery {
  status: 'all' | 'pending' | 'completed';
  sort: 'created' | 'updated' | 'title';
  order: 'asc' | 'desc';
  q?: string | undefined;
  limit: number;
  after?: number | undefined;
}

export interface TaskFields {
  title: string;
  description: string | null;
  completed?: boolean | undefined;
}

export interface TaskChanges {
  title?: string | undefined;
  description?: string | null | undefined;
  completed?: boolean | undefined;
}

/** Every method is one SQL statement scoped to `userId`; null/false: not the user's task. */
export interface TaskStore {
  /** `unknown_after`: the `after` task is not one of the user's. */
  list(userId: string, query: TaskListQuery): Promise<Task[] | 'unknown_after'>;
  get(userId: string, id: number): Promise<Task | null>;
  create(userId: string, fields: TaskFields): Promise<Task>;
  replace(userId: string, id: number, fields: TaskFields): Promise<Task | null>;
  patch(userId: string, id: number, changes: TaskChanges): Promise<Task | null>;
  setCompleted(userId: string, id: number, completed: boolean): Promise<Task | null>;
  toggle(userId: string, id: number): Promise<Task | null>;
  delete(userId: string, id: number): Promise<boolean>;
}

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    user_id: row.userId,
    title: row.title,
    description: row.description,
    completed: row.completed,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const toTaskOrNull = (row: TaskRow | null): Task | null => (row ? toTask(row) : null);

export function createTaskStore(db: TaskDb): TaskStore {
  return {
    async list(userId, query) {
      const result = await listTasks(db, userId, query);
      return result.ok ? result.tasks.map(toTask) : result.reason;
    },
    get: async (userId, id) => toTaskOrNull(await getTask(db, userId, id)),
    create: async (userId, fields) => toTask(await createTask(db, userId, fields)),
    replace: async (userId, id, fields) => toTaskOrNull(await replaceTask(db, userId, id, fields)),
    patch: async (userId, id, changes) => toTaskOrNull(await patchTask(db, userId, id, changes)),
    setCompleted: async (userId, id, completed) =>
      toTaskOrNull(await setTaskCompleted(db, userId, id, completed)),
    toggle: async (userId, id) => toTaskOrNull(await toggleTask(db, userId, id)),
    delete: (userId, id) => deleteTask(db, userId, id),
  };
}
