'use client';

import type { Task } from '@todo/client';

import { describeRule } from '../lib/recurrence';
import { TaskForm, type SubmitAttempt, type TaskValues } from './TaskForm';
import type { WriteResult } from '../lib/sync';

const WEEKDAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "Fri 2026-12-04": the weekday helps with weekly rules. Built from the parts, no time zone. */
function formatDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  const weekday = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1)).getUTCDay();
  return `${WEEKDAY[weekday] ?? ''} ${date}`;
}

interface Props {
  task: Task;
  editing: boolean;
  onToggle: (task: Task) => void;
  onDelete: (task: Task) => void;
  onEdit: (task: Task | null) => void;
  onSave: (values: TaskValues, attempt: SubmitAttempt) => Promise<WriteResult>;
}

export function TaskItem({ task, editing, onToggle, onDelete, onEdit, onSave }: Props) {
  if (editing) {
    return (
      <li className="task editing" data-task-id={task.id}>
        <TaskForm
          task={task}
          onSubmit={onSave}
          onClose={() => {
            onEdit(null);
          }}
        />
      </li>
    );
  }
  const checkbox = `done-${task.id}`;
  return (
    <li className={task.completed ? 'task done' : 'task'} data-task-id={task.id}>
      <input
        id={checkbox}
        type="checkbox"
        checked={task.completed}
        onChange={() => {
          onToggle(task);
        }}
      />
      <div className="task-body">
        <label htmlFor={checkbox} className="task-title">
          <span className="visually-hidden">
            {task.completed ? 'Reopen ' : task.recurrence ? 'Done for this time: ' : 'Complete '}
          </span>
          {task.title}
        </label>
        {task.description !== null && <p className="task-description">{task.description}</p>}
        <ul className="meta" aria-label="Details">
          {task.priority !== 'none' && (
            <li className={`priority priority-${task.priority}`}>{task.priority} priority</li>
          )}
          {task.due_date !== null && (
            <li className="due">
              Due <time dateTime={task.due_date}>{formatDate(task.due_date)}</time>
            </li>
          )}
          {task.recurrence !== null && <li className="repeat">{describeRule(task.recurrence)}</li>}
          {task.tags.map((tag) => (
            <li key={tag} className="tag">
              #{tag}
            </li>
          ))}
        </ul>
      </div>
      <div className="actions">
        <button
          type="button"
          aria-label={`Edit “${task.title}”`}
          onClick={() => {
            onEdit(task);
          }}
        >
          Edit
        </button>
        <button
          type="button"
          className="danger"
          aria-label={`Delete “${task.title}”`}
          onClick={() => {
            onDelete(task);
          }}
        >
          Delete
        </button>
      </div>
    </li>
  );
}
