/** Every table, for drizzle's typed handle (the migrations come from the same definitions). */
export { taskPriority, tasks } from './tasks/table.js';
