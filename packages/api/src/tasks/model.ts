/**
 * The task, declared once: its writable fields (each with its validation and what a PUT that
 * leaves it out does), the task every client sees, and the one mapping from a stored row.
 * The contract's schemas (contract.ts) are derived from TASK_FIELDS; adding a field is a
 * column in the table, an entry here and, if the list filters by it, a filter.
 */
import {
  PRIORITIES,
  type TaskPriority,
  type TaskRow,
  type TaskWrite,
  type WritableColumn,
} from '@todo/db';
import { z } from 'zod';

import {
  boundedString,
  calendarDate,
  codePointLength,
  NUL_MESSAGE,
  strictBoolean,
} from '../contract/fields.js';
import { parseRecurrence } from './recurrence.js';

const TITLE_MAX = 200;
const DESCRIPTION_MAX = 1000;
const TAG_MAX = 40;
const TAGS_MAX = 20;

export const MESSAGES = {
  title: 'Title must be a string of 1 to 200 characters after trimming',
  description: 'Description must be a string of at most 1000 characters, or null',
  completed: 'completed must be true or false',
  priority: 'priority must be one of none, low, medium, high',
  dueDate: 'due_date must be a date YYYY-MM-DD that exists (years 0001 to 9999), or null',
  tags: 'tags must be an array of strings',
  tag: 'A tag must be 1 to 40 characters after trimming, without commas or control characters',
  tagCount: 'At most 20 distinct tags',
  recurrence: 'recurrence must be an RRULE string, or null',
  recurringNeedsDue: 'A recurring task needs a due_date',
} as const;

/** Trimmed with JavaScript's trim(), then 1 to 200 code points. */
const title = z
  .string({ error: MESSAGES.title })
  .trim()
  .pipe(boundedString(MESSAGES.title, 1, TITLE_MAX))
  .meta({ minLength: 1, maxLength: TITLE_MAX, description: 'Trimmed; 1 to 200 characters' });

/** At most 1000 code points; `""` is stored as null. */
const description = z
  .union([boundedString(MESSAGES.description, 0, DESCRIPTION_MAX), z.null()], {
    error: MESSAGES.description,
  })
  .transform((value) => (value === '' ? null : value));

const completed = strictBoolean(MESSAGES.completed);

export const Priority = z.enum(PRIORITIES, { error: MESSAGES.priority });

const dueDate = z.union([calendarDate(MESSAGES.dueDate), z.null()], { error: MESSAGES.dueDate });

/** Unicode Cc: C0 controls, DEL and C1 controls. */
const CONTROL = /\p{Cc}/u;

/** One tag: trimmed, lower-cased, then 1 to 40 code points without commas or controls. */
export const Tag = z
  .string({ error: MESSAGES.tag })
  .transform((value) => value.trim().toLowerCase())
  .refine(
    (value) => {
      const length = codePointLength(value);
      return length >= 1 && length <= TAG_MAX && !CONTROL.test(value) && !value.includes(',');
    },
    { error: MESSAGES.tag },
  )
  .meta({ minLength: 1, maxLength: TAG_MAX });

/** Tags normalised one by one, duplicates merged (first position kept), at most 20 left. */
const tags = z
  .array(Tag, { error: MESSAGES.tags })
  .transform((values) => [...new Set(values)])
  .pipe(z.array(z.string()).max(TAGS_MAX, { error: MESSAGES.tagCount }))
  .meta({ description: 'Normalised: trimmed, lower-cased, duplicates merged; at most 20' });

/** An RRULE of the supported subset, returned in its normal form. */
const recurrence = z
  .union([z.string({ error: MESSAGES.recurrence }), z.null()], { error: MESSAGES.recurrence })
  .transform((value, ctx) => {
    if (value === null) return null;
    if (value.includes('\u0000')) {
      ctx.addIssue({ code: 'custom', message: NUL_MESSAGE });
      return z.NEVER;
    }
    const parsed = parseRecurrence(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: `${parsed.part}: ${parsed.message}` });
      return z.NEVER;
    }
    return parsed.rule;
  })
  .meta({
    description:
      'RFC 5545 RRULE without the RRULE: prefix: FREQ (required), INTERVAL, BYDAY, BYMONTHDAY, UNTIL',
  });

/** What a PUT does with a field its body leaves out. */
type OnReplace = 'required' | 'clear' | 'keep';

interface FieldSpec<K extends WritableColumn> {
  /** Validates and normalises the field; its output is what the column stores. */
  schema: z.ZodType<Exclude<TaskWrite[K], undefined>>;
  onReplace: OnReplace;
}

/** Every writable field of a task. The type makes a column without an entry an error. */
export const TASK_FIELDS = {
  title: { schema: title, onReplace: 'required' },
  description: { schema: description, onReplace: 'clear' },
  completed: { schema: completed, onReplace: 'keep' },
  priority: { schema: Priority, onReplace: 'keep' },
  due_date: { schema: dueDate, onReplace: 'keep' },
  tags: { schema: tags, onReplace: 'keep' },
  recurrence: { schema: recurrence, onReplace: 'keep' },
} as const satisfies { [K in WritableColumn]: FieldSpec<K> };

export type TaskFieldName = keyof typeof TASK_FIELDS;

/**
 * A task as every client sees it. A plain interface rather than `z.infer`, so the router's
 * published declarations (the client package) need no zod; a type test proves TaskSchema's
 * output is exactly this.
 */
export interface Task {
  id: number;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  priority: TaskPriority;
  /** `YYYY-MM-DD`, or null. */
  due_date: string | null;
  tags: string[];
  recurrence: string | null;
  /** 1 when created, +1 with every write that changes a value; the ETag is `"<version>"`. */
  version: number;
  created_at: string;
  updated_at: string;
}

export const TaskSchema = z
  .object({
    id: z.number().int().min(1),
    user_id: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    completed: z.boolean(),
    priority: Priority,
    due_date: z.string().meta({ format: 'date' }).nullable(),
    tags: z.array(z.string()),
    recurrence: z.string().nullable(),
    version: z.number().int().min(1),
    // Produced by our own toISOString(): documented as date-time, not re-parsed on every response.
    created_at: z.string().meta({ format: 'date-time' }),
    updated_at: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Task', description: 'A task, owned by the user in its `user_id`.' });

/** The one mapping from a stored row to the task clients see. */
export function toTask(row: TaskRow): Task {
  // `seq` numbers the task's latest change: the feed carries it, the task does not.
  const { seq, ...task } = row;
  return {
    ...task,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
