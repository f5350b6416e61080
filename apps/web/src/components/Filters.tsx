'use client';

import type { TagCount, TaskPriority } from '@todo/client';
import { useEffect, useState } from 'react';

import type { ListQuery, SortKey, SortOrder } from '../lib/list-rules';
import { PRIORITIES } from './TaskForm';

const SEARCH_PAUSE_MS = 250;

const STATUSES = ['all', 'pending', 'completed'] as const;
type Status = (typeof STATUSES)[number];
const SORTS: Record<SortKey, string> = {
  created: 'Created',
  updated: 'Last changed',
  title: 'Title',
  due: 'Due date',
  priority: 'Priority',
};

const isStatus = (value: string): value is Status =>
  (STATUSES as readonly string[]).includes(value);
const isSort = (value: string): value is SortKey => value in SORTS;
const isPriority = (value: string): value is TaskPriority =>
  (PRIORITIES as readonly string[]).includes(value);
const isOrder = (value: string): value is SortOrder => value === 'asc' || value === 'desc';

/** An empty value clears the key (undefined is left out of the request), so no `tag=` is sent. */
function withValue<K extends keyof ListQuery>(
  query: ListQuery,
  key: K,
  value: ListQuery[K] | '',
): ListQuery {
  return { ...query, [key]: value === '' ? undefined : value };
}

interface Props {
  query: ListQuery;
  tags: readonly TagCount[];
  onChange: (query: ListQuery) => void;
}

/** Search, filters (status, priority, tag, due range) and the sort, all sent to `tasks.list`. */
export function Filters({ query, tags, onChange }: Props) {
  const [search, setSearch] = useState(query.q ?? '');
  const [dueFrom, setDueFrom] = useState(query.due_from ?? '');
  const [dueTo, setDueTo] = useState(query.due_to ?? '');
  const badRange = dueFrom !== '' && dueTo !== '' && dueFrom > dueTo;

  // Search as the person types, once they pause.
  useEffect(() => {
    const text = search.trim();
    if (text === (query.q ?? '')) return;
    const timer = setTimeout(() => {
      onChange(withValue(query, 'q', text));
    }, SEARCH_PAUSE_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [search, query, onChange]);

  const setRange = (from: string, to: string) => {
    setDueFrom(from);
    setDueTo(to);
    // A range that ends before it starts is a 400: wait until it is a range.
    if (from !== '' && to !== '' && from > to) return;
    onChange(withValue(withValue(query, 'due_from', from), 'due_to', to));
  };

  return (
    <form
      className="filters"
      role="search"
      aria-label="Filter and sort tasks"
      onSubmit={(event) => {
        event.preventDefault();
      }}
    >
      <label className="search">
        Search
        <input
          type="search"
          value={search}
          maxLength={200}
          onChange={(event) => {
            setSearch(event.target.value);
          }}
        />
      </label>
      <label>
        Status
        <select
          value={query.status ?? 'all'}
          onChange={(event) => {
            const value = event.target.value;
            if (isStatus(value)) onChange({ ...query, status: value });
          }}
        >
          <option value="all">All</option>
          <option value="pending">Open</option>
          <option value="completed">Done</option>
        </select>
      </label>
      <label>
        Priority
        <select
          value={query.priority ?? ''}
          onChange={(event) => {
            const value = event.target.value;
            onChange(withValue(query, 'priority', isPriority(value) ? value : ''));
          }}
        >
          <option value="">Any</option>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label>
        Tag
        <select
          value={query.tag ?? ''}
          onChange={(event) => {
            onChange(withValue(query, 'tag', event.target.value));
          }}
        >
          <option value="">Any</option>
          {tags.map(({ tag, count }) => (
            <option key={tag} value={tag}>
              {tag} ({count})
            </option>
          ))}
        </select>
      </label>
      <label>
        Due from
        <input
          type="date"
          value={dueFrom}
          aria-invalid={badRange}
          onChange={(event) => {
            setRange(event.target.value, dueTo);
          }}
        />
      </label>
      <label>
        Due to
        <input
          type="date"
          value={dueTo}
          aria-invalid={badRange}
          onChange={(event) => {
            setRange(dueFrom, event.target.value);
          }}
        />
      </label>
      {badRange && (
        <p role="alert" className="error">
          “Due from” must not be after “Due to”.
        </p>
      )}
      <label>
        Sort by
        <select
          value={query.sort ?? 'created'}
          onChange={(event) => {
            const value = event.target.value;
            if (isSort(value)) onChange(withValue({ ...query, sort: value }, 'order', ''));
          }}
        >
          {Object.entries(SORTS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Order
        <select
          value={query.order ?? ''}
          onChange={(event) => {
            const value = event.target.value;
            onChange(withValue(query, 'order', isOrder(value) ? value : ''));
          }}
        >
          <option value="">Default</option>
          <option value="asc">Ascending</option>
          <option value="desc">Descending</option>
        </select>
      </label>
    </form>
  );
}
