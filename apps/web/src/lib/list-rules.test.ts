import type { Task } from '@todo/client';
import { describe, expect, it } from 'vitest';

import { comparator, matches } from './list-rules';

let nextId = 1;
function task(change: Partial<Task>): Task {
  const id = nextId++;
  return {
    id,
    user_id: 'u',
    title: `task ${id}`,
    description: null,
    completed: false,
    priority: 'none',
    due_date: null,
    tags: [],
    recurrence: null,
    version: 1,
    created_at: '2026-12-01T10:00:00.000Z',
    updated_at: '2026-12-01T10:00:00.000Z',
    ...change,
  };
}

describe('when a changed task is checked against the shown filters', () => {
  it('then every filter must hold, as the server combines them with AND', () => {
    const milk = task({
      title: 'Buy MILK',
      priority: 'high',
      tags: ['home'],
      due_date: '2026-12-10',
    });
    const query = {
      status: 'pending' as const,
      priority: 'high' as const,
      tag: ' Home',
      q: 'milk',
    };

    expect(matches(milk, query)).toBe(true);
    expect(matches({ ...milk, completed: true }, query)).toBe(false);
    expect(matches({ ...milk, priority: 'low' }, query)).toBe(false);
    expect(matches({ ...milk, tags: ['work'] }, query)).toBe(false);
    expect(matches({ ...milk, title: 'Buy bread' }, query)).toBe(false);
    expect(matches({ ...milk, title: 'Shop', description: 'oat milk' }, query)).toBe(true);
  });

  it('then a due range is inclusive and leaves out undated tasks', () => {
    const range = { due_from: '2026-12-01', due_to: '2026-12-31' };

    expect(matches(task({ due_date: '2026-12-01' }), range)).toBe(true);
    expect(matches(task({ due_date: '2026-12-31' }), range)).toBe(true);
    expect(matches(task({ due_date: '2027-01-01' }), range)).toBe(false);
    expect(matches(task({ due_date: null }), { due_to: '2026-12-31' })).toBe(false);
  });
});

describe('when tasks are placed in the shown order', () => {
  it('then undated tasks come last in both due orders, ties by id', () => {
    const a = task({ due_date: '2026-12-02' });
    const b = task({ due_date: null });
    const c = task({ due_date: '2026-12-01' });
    const d = task({ due_date: '2026-12-02' });

    expect([a, b, c, d].sort(comparator({ sort: 'due' }))).toEqual([c, a, d, b]);
    expect([a, b, c, d].sort(comparator({ sort: 'due', order: 'desc' }))).toEqual([d, a, c, b]);
  });

  it('then priority sorts high first by default and titles sort case-insensitively', () => {
    const low = task({ priority: 'low', title: 'b' });
    const high = task({ priority: 'high', title: 'C' });
    const none = task({ priority: 'none', title: 'a' });

    expect([low, none, high].sort(comparator({ sort: 'priority' }))).toEqual([high, low, none]);
    expect([low, high, none].sort(comparator({ sort: 'title' }))).toEqual([none, low, high]);
  });
});
