export { createDatabase, DEFAULT_PGLITE_DIR } from './client.js';
export type { Database, DatabaseOptions, TaskDb } from './client.js';
export { toPostgresJsUrl } from './connection-url.js';
export {
  DatabaseUnavailableError,
  classifyDatabaseError,
  errorCode,
  isUnavailable,
} from './errors.js';
export { tasks } from './schema.js';
export type { TaskRow } from './schema.js';
export {
  createTask,
  deleteTask,
  getTask,
  listTasks,
  patchTask,
  replaceTask,
  setTaskCompleted,
  toggleTask,
} from './tasks.queries.js';
export type {
  ListTasksOptions,
  ListTasksResult,
  NewTask,
  SortOrder,
  TaskPatch,
  TaskReplacement,
  TaskSort,
  TaskStatus,
} from './tasks.queries.js';
