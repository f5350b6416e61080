import { describe, expect, it } from 'vitest';

import { shapeKey, statementFamily } from '../src/tasks/statements.js';
import type { TaskDb } from '../src/client.js';

describe('when a statement shape is turned into its cache key', () => {
  it('then equal shapes give equal keys whatever the order of their keys', () => {
    expect(shapeKey({ sort: 'due', filters: ['tag'], after: true })).toBe(
      shapeKey({ after: true, filters: ['tag'], sort: 'due' }),
    );
  });

  it('then any difference anywhere in the shape gives another key', () => {
    const base = { sort: 'due', order: 'asc', filters: ['q', 'tag'], after: false };
    const variants = [
      { ...base, sort: 'title' },
      { ...base, order: 'desc' },
      { ...base, filters: ['q'] },
      { ...base, filters: ['tag', 'q'] },
      { ...base, after: true },
      { ...base, extra: null },
      { ...base, nested: { a: 1 } },
      { ...base, nested: { a: '1' } },
    ];
    const keys = [base, ...variants].map(shapeKey);

    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('when a statement family is asked for statements', () => {
  const db = (name: string) => ({ name }) as unknown as TaskDb;

  it('then it builds once per database handle and shape, from the shape alone', () => {
    const built: string[] = [];
    const family = statementFamily((_db, shape: { a: number }) => {
      built.push(shapeKey(shape));
      return { sql: `select ${shape.a}` };
    });
    const first = db('first');
    const second = db('second');

    const one = family.get(first, { a: 1 });
    expect(family.get(first, { a: 1 })).toBe(one);
    expect(family.get(first, { a: 2 })).not.toBe(one);
    expect(family.get(second, { a: 1 })).not.toBe(one);
    expect(built).toEqual(['{"a":1}', '{"a":2}', '{"a":1}']);
  });
});
