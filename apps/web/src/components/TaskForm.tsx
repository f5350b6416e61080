'use client';

import type { Task, TaskPriority } from '@todo/client';
import { useId, useRef, useState, type SubmitEvent, type KeyboardEvent } from 'react';

import { parseRule, buildRule } from '../lib/recurrence';
import { newIdempotencyKey, type WriteResult } from '../lib/sync';
import { RecurrencePicker, type RecurrenceValue } from './RecurrencePicker';

/** What the form sends: every writable field but `completed`. */
export interface TaskValues {
  title: string;
  description: string | null;
  priority: TaskPriority;
  due_date: string | null;
  tags: string[];
  recurrence: string | null;
}

export interface SubmitAttempt {
  /** The task as it was when the form was filled in (editing), for `if_version`. */
  base: Task | undefined;
  /** The idempotency key of this draft (creating): the same on every retry of it. */
  key: string;
}

interface Props {
  /** Editing this task; creating a new one when absent. */
  task?: Task;
  onSubmit: (values: TaskValues, attempt: SubmitAttempt) => Promise<WriteResult>;
  /** Editing: the form is done (saved or cancelled). */
  onClose?: () => void;
}

interface Draft {
  title: string;
  description: string;
  priority: TaskPriority;
  due: string;
  tags: string;
  recurrence: RecurrenceValue;
}

export const PRIORITIES: readonly TaskPriority[] = ['none', 'low', 'medium', 'high'];
const PRIORITY_LABEL: Record<TaskPriority, string> = {
  none: 'None',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
};

function draftOf(task: Task | undefined): Draft {
  const rule = task?.recurrence ?? null;
  const recurrence = rule === null ? undefined : parseRule(rule);
  return {
    title: task?.title ?? '',
    description: task?.description ?? '',
    priority: task?.priority ?? 'none',
    due: task?.due_date ?? '',
    tags: task?.tags.join(', ') ?? '',
    recurrence:
      rule === null
        ? { kind: 'none' }
        : recurrence
          ? { kind: 'rule', recurrence }
          : { kind: 'custom', rule },
  };
}

function valuesOf(draft: Draft): TaskValues {
  const { recurrence } = draft;
  return {
    title: draft.title.trim(),
    description: draft.description.trim() === '' ? null : draft.description,
    priority: draft.priority,
    due_date: draft.due === '' ? null : draft.due,
    tags: draft.tags
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag !== ''),
    recurrence:
      recurrence.kind === 'none'
        ? null
        : recurrence.kind === 'custom'
          ? recurrence.rule
          : buildRule(recurrence.recurrence),
  };
}

const isPriority = (value: string): value is TaskPriority =>
  (PRIORITIES as readonly string[]).includes(value);

/** Create and edit: title, description, priority, due date, tags and the recurrence picker. */
export function TaskForm({ task, onSubmit, onClose }: Props) {
  const id = useId();
  const editing = task !== undefined;
  const [base, setBase] = useState(task);
  const [draft, setDraft] = useState(() => draftOf(task));
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** Kept across retries of one draft, dropped when the draft changes or is saved. */
  const key = useRef<string | null>(null);

  const change = (next: Partial<Draft>) => {
    key.current = null;
    setDraft((current) => ({ ...current, ...next }));
  };

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = valuesOf(draft);
    if (values.recurrence !== null && values.due_date === null) {
      setMessage('A repeating task needs a due date.');
      return;
    }
    key.current ??= newIdempotencyKey();
    setBusy(true);
    setMessage(null);
    const result = await onSubmit(values, { base, key: key.current });
    setBusy(false);
    if (result.ok) {
      key.current = null;
      if (editing) onClose?.();
      else setDraft(draftOf(undefined));
      return;
    }
    setMessage(result.message);
    if (result.conflict && result.current !== null) {
      // Show the version that won; the person decides what to change in it.
      setBase(result.current);
      setDraft(draftOf(result.current));
    }
  }

  const cancelOnEscape = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === 'Escape' && onClose) {
      event.preventDefault();
      onClose();
    }
  };

  return (
    <form
      className="task-form stack"
      aria-label={editing ? `Edit “${task.title}”` : 'New task'}
      onSubmit={(event) => void submit(event)}
      onKeyDown={cancelOnEscape}
    >
      <label>
        Title
        <input
          name="title"
          required
          maxLength={200}
          autoFocus={editing}
          value={draft.title}
          onChange={(event) => {
            change({ title: event.target.value });
          }}
        />
      </label>
      <label>
        Description
        <textarea
          name="description"
          maxLength={1000}
          rows={2}
          value={draft.description}
          onChange={(event) => {
            change({ description: event.target.value });
          }}
        />
      </label>
      <div className="row">
        <label>
          Priority
          <select
            name="priority"
            value={draft.priority}
            onChange={(event) => {
              const next = event.target.value;
              if (isPriority(next)) change({ priority: next });
            }}
          >
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {PRIORITY_LABEL[p]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Due date
          <input
            name="due_date"
            type="date"
            value={draft.due}
            onChange={(event) => {
              change({ due: event.target.value });
            }}
          />
        </label>
      </div>
      <label>
        Tags
        <input
          name="tags"
          aria-describedby={`${id}-tags-hint`}
          value={draft.tags}
          onChange={(event) => {
            change({ tags: event.target.value });
          }}
        />
      </label>
      <p className="hint" id={`${id}-tags-hint`}>
        Separate tags with commas, e.g. home, errand.
      </p>
      <RecurrencePicker
        value={draft.recurrence}
        hasDueDate={draft.due !== ''}
        onChange={(recurrence) => {
          change({ recurrence });
        }}
      />
      {message !== null && (
        <p role="alert" className="error">
          {message}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {editing ? 'Save' : busy ? 'Adding…' : 'Add task'}
        </button>
        {onClose && (
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
