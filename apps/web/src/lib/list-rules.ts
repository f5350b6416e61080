/**
 * The list's filters and sorts as the server applies them (docs/API.md 5.1, README "The list"),
 * so a live change can be placed in the displayed list without reading it again: does the
 * changed task belong in this view, and where.
 */
import type { ListTasksInput, Task, TaskPriority } from '@todo/client';

/** What the list screen asks for; the `tasks.list` input without user and paging. */
export type ListQuery = Omit<ListTasksInput, 'user_id' | 'limit' | 'after'>;
export type SortKey = NonNullable<ListQuery['sort']>;
export type SortOrder = NonNullable<ListQuery['order']>;

const DEFAULT_ORDER: Record<SortKey, SortOrder> = {
  created: 'desc',
  updated: 'desc',
  title: 'asc',
  due: 'asc',
  priority: 'desc',
};

const PRIORITY_RANK: Record<TaskPriority, number> = { none: 0, low: 1, medium: 2, high: 3 };

/** A tag as the server stores and matches it: trimmed, lower-cased. */
const normaliseTag = (tag: string): string => tag.trim().toLowerCase();

/** Whether the task is one the list would return for this query. */
export function matches(task: Task, query: ListQuery): boolean {
  const status = query.status ?? 'all';
  if (status === 'pending' && task.completed) return false;
  if (status === 'completed' && !task.completed) return false;
  if (query.priority !== undefined && task.priority !== query.priority) return false;
  if (query.tag !== undefined && !task.tags.includes(normaliseTag(query.tag))) return false;
  if (query.due_from !== undefined && (task.due_date === null || task.due_date < query.due_from)) {
    return false;
  }
  if (query.due_to !== undefined && (task.due_date === null || task.due_date > query.due_to)) {
    return false;
  }
  if (query.q !== undefined) {
    const needle = query.q.toLowerCase();
    const inTitle = task.title.toLowerCase().includes(needle);
    const inDescription = task.description?.toLowerCase().includes(needle) ?? false;
    if (!inTitle && !inDescription) return false;
  }
  return true;
}

/** Code-point order, as the server's `COLLATE "C"` title sort (not UTF-16 unit order). */
function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const difference = (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Ascending comparison by the sort key alone; undated tasks are handled by the caller. */
function compareKey(sort: SortKey, a: Task, b: Task): number {
  switch (sort) {
    case 'created':
      return compareText(a.created_at, b.created_at);
    case 'updated':
      return compareText(a.updated_at, b.updated_at);
    case 'title':
      return compareCodePoints(a.title.toLowerCase(), b.title.toLowerCase());
    case 'priority':
      return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];
    case 'due':
      return compareText(a.due_date ?? '', b.due_date ?? '');
  }
}

/** The list's order for a query: the sort key, then id, both in the sort's direction. */
export function comparator(query: ListQuery): (a: Task, b: Task) => number {
  const sort = query.sort ?? 'created';
  const direction = (query.order ?? DEFAULT_ORDER[sort]) === 'asc' ? 1 : -1;
  return (a, b) => {
    // Undated tasks come after every dated one, in both orders.
    if (sort === 'due' && (a.due_date === null) !== (b.due_date === null)) {
      return a.due_date === null ? 1 : -1;
    }
    const byKey = compareKey(sort, a, b);
    return direction * (byKey !== 0 ? byKey : a.id - b.id);
  };
}
