/**
 * Prepared statements, built once per database handle and statement shape.
 *
 * drizzle runs an ordinary builder query unprepared, so PostgreSQL would parse and plan it on
 * every call (planning a lookup by id costs about 7 times its execution). A statement whose SQL
 * depends on the request (the list's sort and filters, the fields a write sets) is built once
 * per *shape*: the builder receives nothing but the shape, and the cache key is derived from the
 * whole shape, so a condition the key does not know about cannot exist in the SQL. With
 * `prepare: false` on the client (PgBouncer, Neon's pooler) postgres.js sends them unprepared.
 */
import type { TaskDb } from '../client.js';

export type ShapeValue =
  string | number | boolean | null | readonly ShapeValue[] | { readonly [key: string]: ShapeValue };

/** Keys sorted at every level: equal shapes give equal keys whatever their key order. */
export function shapeKey(shape: ShapeValue): string {
  if (Array.isArray(shape)) return `[${shape.map(shapeKey).join(',')}]`;
  if (shape !== null && typeof shape === 'object') {
    const record = shape as Readonly<Record<string, ShapeValue>>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${shapeKey(record[key] ?? null)}`)
      .join(',')}}`;
  }
  return JSON.stringify(shape);
}

/** A family of statements: `get(db, shape)` builds on first use and returns the same one after. */
export interface StatementFamily<S extends ShapeValue, T> {
  get(db: TaskDb, shape: S): T;
}

export function statementFamily<S extends ShapeValue, T>(
  build: (db: TaskDb, shape: S) => T,
): StatementFamily<S, T> {
  const byDatabase = new WeakMap<TaskDb, Map<string, T>>();
  return {
    get(db, shape) {
      let built = byDatabase.get(db);
      if (!built) byDatabase.set(db, (built = new Map<string, T>()));
      const key = shapeKey(shape);
      let statement = built.get(key);
      if (statement === undefined) built.set(key, (statement = build(db, shape)));
      return statement;
    },
  };
}

/** A statement with no shape: one per database handle. */
export function singleStatement<T>(build: (db: TaskDb) => T): (db: TaskDb) => T {
  const family = statementFamily<null, T>((db) => build(db));
  return (db) => family.get(db, null);
}
