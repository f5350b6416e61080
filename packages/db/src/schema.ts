import { sql, type SQL } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  varchar,
} from 'drizzle-orm/pg-core';

/**
 * The characters JavaScript's String.prototype.trim() removes, as a PostgreSQL E'' string:
 * the CHECK must refuse exactly what the API trims away, not only ASCII spaces.
 */
const JS_TRIM_CHARS =
  "E'\\u0009\\u000A\\u000B\\u000C\\u000D\\u0020\\u00A0\\u1680\\u2000\\u2001\\u2002\\u2003\\u2004\\u2005\\u2006\\u2007\\u2008\\u2009\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF'";

/** Title sort key: case-insensitive, in code-point order so PGlite and PostgreSQL agree. */
export const titleSortKey = (title: unknown): SQL => sql`lower(${title}) collate "C"`;

export const tasks = pgTable(
  'tasks',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: text('user_id').notNull(),
    title: varchar('title', { length: 200 }).notNull(),
    description: varchar('description', { length: 1000 }),
    completed: boolean('completed').notNull().default(false),
    // precision 3: JavaScript dates carry milliseconds, so what we return is exactly what is stored.
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3, mode: 'date' })
      .notNull()
      .defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3, mode: 'date' })
      .notNull()
      .defaultNow(),
  },
  (t) => [
    check(
      'tasks_title_not_blank',
      sql`char_length(btrim(${t.title}, ${sql.raw(JS_TRIM_CHARS)})) > 0`,
    ),
    // Default list (sort=created, either order) and its keyset condition (created_at, id).
    index('tasks_user_created_idx').on(t.userId, t.createdAt, t.id),
    // sort=updated, either order, keyset on (updated_at, id).
    index('tasks_user_updated_idx').on(t.userId, t.updatedAt, t.id),
    // sort=title: matches the ORDER BY expression exactly (lower(title) collate "C", id).
    index('tasks_user_title_idx').on(t.userId, titleSortKey(t.title), t.id),
    // status=pending|completed with the default sort: filter and order from one index range.
    index('tasks_user_completed_created_idx').on(t.userId, t.completed, t.createdAt, t.id),
  ],
);

export type TaskRow = typeof tasks.$inferSelect;
