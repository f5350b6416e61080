export { createDatabase, DEFAULT_PGLITE_DIR } from './client.js';
export type { Database, DatabaseOptions, TaskDb } from './client.js';
export { toPostgresJsUrl } from './connection-url.js';
export { listenConnectionName, openChangeChannel } from './notifications.js';
export type { ChangeChannel, ChangeChannelHandlers } from './notifications.js';
export {
  DatabaseUnavailableError,
  classifyDatabaseError,
  errorCode,
  isUnavailable,
} from './errors.js';
export { changeCounters, changeHorizons, taskTombstones } from './changes/table.js';
export {
  changePosition,
  lockChangeCounter,
  purgeTombstones,
  readChanges,
} from './changes/queries.js';
export type { ChangeRow, ChangesPage } from './changes/queries.js';
export { idempotencyKeys, PRIORITIES, tasks, taskPriority } from './tasks/table.js';
export type { TaskPriority, TaskRow, TaskWrite, WritableColumn } from './tasks/table.js';
export {
  createTask,
  createTaskOnce,
  deleteExpiredIdempotencyKeys,
  deleteTask,
  findIdempotencyKey,
  forgetIdempotencyKey,
  getTask,
  getTaskForUpdate,
  listTags,
  listTasks,
  updateTask,
} from './tasks/queries.js';
export type {
  ClaimedCreate,
  IdempotencyClaim,
  ListFilters,
  ListTasksOptions,
  ListTasksResult,
  NewTask,
  SortOrder,
  StoredKey,
  TagCount,
  TaskChange,
  TaskSort,
  UpdatedTask,
  TaskStatus,
} from './tasks/queries.js';
