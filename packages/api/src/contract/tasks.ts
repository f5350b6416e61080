/** The task contract (CONTRACT sections 2 to 4): every schema is written once, here. */
import { z } from 'zod';

import { boundedString, positiveInteger, strictBoolean } from './fields.js';

const MESSAGES = {
  title: 'Title must be a string of 1 to 200 characters after trimming',
  description: 'Description must be a string of at most 1000 characters, or null',
  completed: 'completed must be true or false',
  userId: 'user_id must be a non-empty string',
  id: 'id must be a positive integer',
  limit: 'limit must be an integer from 1 to 500',
  after: 'after must be a positive integer (a task id)',
  q: 'q must be 1 to 200 characters',
  status: 'status must be one of all, pending, completed',
  sort: 'sort must be one of created, updated, title',
  order: 'order must be asc or desc',
} as const;

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 1000;
export const LIST_LIMIT_MAX = 500;
export const LIST_LIMIT_DEFAULT = 100;

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
const userId = z.string({ error: MESSAGES.userId }).min(1, { error: MESSAGES.userId });
const taskId = positiveInteger(MESSAGES.id);

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
    // Produced by our own toISOString(): documented as date-time, not re-parsed on every response.
    created_at: z.string().meta({ format: 'date-time' }),
    updated_at: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Task', description: 'A task, owned by the user in its `user_id`.' });

export const TaskList = z.array(TaskSchema);

export const TaskStatus = z.enum(['all', 'pending', 'completed'], { error: MESSAGES.status });
export const TaskSort = z.enum(['created', 'updated', 'title'], { error: MESSAGES.sort });
export const SortOrder = z.enum(['asc', 'desc'], { error: MESSAGES.order });

/** Path parameters every task operation carries. */
const owner = { user_id: userId };
const ownTask = { user_id: userId, id: taskId };

export const ListTasksInput = z.object({
  ...owner,
  status: TaskStatus.default('all'),
  sort: TaskSort.default('created'),
  /** Default: desc for created and updated, asc for title. */
  order: SortOrder.optional(),
  q: boundedString(MESSAGES.q, 1, 200).optional(),
  limit: positiveInteger(MESSAGES.limit, LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT),
  after: positiveInteger(MESSAGES.after).optional(),
});
export type ListTasksInput = z.input<typeof ListTasksInput>;

export const CreateTaskInput = z.strictObject({
  ...owner,
  title,
  description: description.optional(),
  completed: completed.optional(),
});
export type CreateTaskInput = z.input<typeof CreateTaskInput>;

export const GetTaskInput = z.strictObject(ownTask);
export type GetTaskInput = z.input<typeof GetTaskInput>;

/** PUT: title and description are replaced (absent description: null); absent completed: kept. */
export const UpdateTaskInput = z.strictObject({
  ...ownTask,
  title,
  description: description.optional(),
  completed: completed.optional(),
});
export type UpdateTaskInput = z.input<typeof UpdateTaskInput>;

/** PATCH: a non-empty subset of the writable fields. */
export const PatchTaskInput = z
  .strictObject({
    ...ownTask,
    title: title.optional(),
    description: description.optional(),
    completed: completed.optional(),
  })
  .refine(
    (input) =>
      input.title !== undefined || input.description !== undefined || input.completed !== undefined,
    { error: 'Send at least one of title, description, completed' },
  );
export type PatchTaskInput = z.input<typeof PatchTaskInput>;

export const DeleteTaskInput = z.strictObject(ownTask);
export type DeleteTaskInput = z.input<typeof DeleteTaskInput>;

/** No `completed` (or `{}`): toggle. `completed: true|false`: set it (idempotent). */
export const CompleteTaskInput = z.strictObject({
  ...ownTask,
  completed: completed.optional(),
});
export type CompleteTaskInput = z.input<typeof CompleteTaskInput>;
