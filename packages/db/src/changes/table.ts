import { bigint, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Each user's last change number. Every write takes the next one in its own statement, which
 * locks this row until commit: a user's writes commit in the order of their numbers, so a
 * client that has seen change n can never later meet a change below n (a global sequence or a
 * timestamp would allow exactly that).
 */
export const changeCounters = pgTable('change_counters', {
  user_id: text().primaryKey(),
  last_seq: bigint({ mode: 'number' }).notNull(),
});

/** Deleted tasks, remembered for the changes feed until the retention cleanup removes them. */
export const taskTombstones = pgTable(
  'task_tombstones',
  {
    user_id: text().notNull(),
    seq: bigint({ mode: 'number' }).notNull(),
    task_id: integer().notNull(),
    deleted_at: timestamp({ withTimezone: true, precision: 3, mode: 'date' })
      .notNull()
      .defaultNow(),
  },
  (t) => [
    // The feed: a user's deletions after a change number, in order.
    primaryKey({ columns: [t.user_id, t.seq] }),
    // The retention cleanup: the oldest first.
    index('task_tombstones_deleted_idx').on(t.deleted_at),
  ],
);

/**
 * The highest change number whose deletion the retention cleanup has forgotten, per user: a
 * feed that starts below it may have missed a deletion and must start over (reset). Written
 * only by the cleanup, never locked by a request.
 */
export const changeHorizons = pgTable('change_horizons', {
  user_id: text().primaryKey(),
  purged_seq: bigint({ mode: 'number' }).notNull(),
});
