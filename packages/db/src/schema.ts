/** Every table, for drizzle's typed handle (the migrations come from the same definitions). */
export { changeCounters, changeHorizons, taskTombstones } from './changes/table.js';
export { idempotencyKeys, taskPriority, tasks, taskTags } from './tasks/table.js';
