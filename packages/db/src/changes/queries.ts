/**
 * The changes feed: what changed in a user's tasks after a change number, one entry per task at
 * its latest change (a task row carries only its latest number, a deleted task only its
 * tombstone), in number order; and the retention cleanup of tombstones.
 */
import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';

import type { TaskDb } from '../client.js';
import { classifyDatabaseError } from '../errors.js';
import { singleStatement } from '../tasks/statements.js';
import { taskRowFromJson, tasks, type TaskRow } from '../tasks/table.js';
import { changeCounters, changeHorizons, taskTombstones } from './table.js';

export type ChangeRow =
  | { seq: number; op: 'upsert'; id: number; task: TaskRow }
  | { seq: number; op: 'delete'; id: number };

export interface ChangesPage {
  /** In increasing `seq` order, each task at most once. */
  changes: ChangeRow[];
  /** More changes follow the last one. */
  hasMore: boolean;
  /** The user's last change number, read after the changes. */
  head: number;
  /** The highest change number whose deletion has been forgotten (0: none). */
  horizon: number;
}

async function run<T>(query: PromiseLike<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    throw classifyDatabaseError(error);
  }
}

const placeholder = {
  user_id: sql.placeholder('user_id'),
  since: sql.placeholder('since'),
  limit: sql.placeholder('limit'),
};

/**
 * One statement, one snapshot: the user's changed tasks and tombstones after `since`, merged in
 * number order (each side ordered and limited by its own index first).
 */
const changesStatement = singleStatement((db) => {
  const upserts = db
    .select({
      seq: tasks.seq,
      id: tasks.id,
      task: sql<unknown>`to_jsonb(${tasks})`.as('task'),
    })
    .from(tasks)
    .where(and(eq(tasks.user_id, placeholder.user_id), gt(tasks.seq, placeholder.since)))
    .orderBy(asc(tasks.seq))
    .limit(placeholder.limit);
  const deletes = db
    .select({
      seq: taskTombstones.seq,
      id: taskTombstones.task_id,
      task: sql<unknown>`null::jsonb`.as('task'),
    })
    .from(taskTombstones)
    .where(
      and(
        eq(taskTombstones.user_id, placeholder.user_id),
        gt(taskTombstones.seq, placeholder.since),
      ),
    )
    .orderBy(asc(taskTombstones.seq))
    .limit(placeholder.limit);
  return unionAll(upserts, deletes)
    .orderBy(asc(sql`seq`))
    .limit(placeholder.limit)
    .prepare('read_changes');
});

const positionStatement = singleStatement((db) =>
  db
    .select({ head: changeCounters.last_seq, horizon: changeHorizons.purged_seq })
    .from(changeCounters)
    .leftJoin(changeHorizons, eq(changeHorizons.user_id, changeCounters.user_id))
    .where(eq(changeCounters.user_id, placeholder.user_id))
    .prepare('change_position'),
);

/** The user's last change number and forgotten horizon (0 for a user who never wrote). */
export async function changePosition(
  db: TaskDb,
  userId: string,
): Promise<{ head: number; horizon: number }> {
  const [row] = await run(positionStatement(db).execute({ user_id: userId }));
  return { head: row?.head ?? 0, horizon: row?.horizon ?? 0 };
}

/**
 * Up to `limit` changes after `since`. The position is read after the changes: were the
 * cleanup to forget a deletion in between, the horizon read afterwards shows it.
 */
export async function readChanges(
  db: TaskDb,
  userId: string,
  since: number,
  limit: number,
): Promise<ChangesPage> {
  const rows = await run(
    changesStatement(db).execute({ user_id: userId, since, limit: limit + 1 }),
  );
  const { head, horizon } = await changePosition(db, userId);
  const changes = rows
    .slice(0, limit)
    .map((row): ChangeRow =>
      row.task === null
        ? { seq: row.seq, op: 'delete', id: row.id }
        : { seq: row.seq, op: 'upsert', id: row.id, task: taskRowFromJson(row.task) },
    );
  return { changes, hasMore: rows.length > limit, head, horizon };
}

/**
 * Forgets up to `batch` tombstones deleted before `before`, oldest first, skipping rows a
 * request holds, and raises each user's horizon to the highest number forgotten, in one
 * statement (a feed never sees a tombstone gone without the horizon that says so).
 */
export async function purgeTombstones(db: TaskDb, before: Date, batch: number): Promise<number> {
  const oldest = db
    .select({ user_id: taskTombstones.user_id, seq: taskTombstones.seq })
    .from(taskTombstones)
    .where(lt(taskTombstones.deleted_at, before))
    .orderBy(asc(taskTombstones.deleted_at))
    .limit(batch)
    .for('update', { skipLocked: true });
  const purged = db.$with('purged').as(
    db
      .delete(taskTombstones)
      .where(sql`(${taskTombstones.user_id}, ${taskTombstones.seq}) in ${oldest}`)
      .returning({ user_id: taskTombstones.user_id, seq: taskTombstones.seq }),
  );
  const horizons = db.$with('horizons').as(
    db
      .insert(changeHorizons)
      .select((qb) =>
        qb
          .select({ user_id: purged.user_id, purged_seq: sql`max(${purged.seq})`.as('purged_seq') })
          .from(purged)
          .groupBy(purged.user_id),
      )
      .onConflictDoUpdate({
        target: changeHorizons.user_id,
        set: {
          purged_seq: sql`greatest(${changeHorizons.purged_seq}, excluded.purged_seq)`,
        },
      })
      .returning({ user_id: changeHorizons.user_id }),
  );
  const [row] = await run(
    db
      .with(purged, horizons)
      .select({ count: sql<number>`count(*)::int` })
      .from(purged),
  );
  return row?.count ?? 0;
}

/**
 * Locks the user's change counter until the transaction ends, creating it if need be. A
 * transaction that will lock a task row takes this first: every write locks the counter before
 * any task row, so two writes never wait for each other in opposite orders.
 */
export async function lockChangeCounter(db: TaskDb, userId: string): Promise<void> {
  await run(
    db
      .insert(changeCounters)
      .values({ user_id: userId, last_seq: 0 })
      .onConflictDoUpdate({
        target: changeCounters.user_id,
        set: { last_seq: sql`${changeCounters.last_seq}` },
      }),
  );
}
