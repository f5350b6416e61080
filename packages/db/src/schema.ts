/** Every table, for drizzle's typed handle (the migrations come from the same definitions). */
export { idempotencyKeys, taskPriority, tasks } from './tasks/table.js';
