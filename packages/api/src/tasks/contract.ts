/**
 * The task operations' input and output schemas, derived from the fields in model.ts and used
 * by tRPC, by REST and by the OpenAPI document alike.
 */
import { z } from 'zod';

import { parseIdempotencyKey } from '../conditions.js';
import {
  boundedString,
  calendarDate,
  jsonPositiveInteger,
  positiveInteger,
} from '../contract/fields.js';
import {
  MESSAGES as FIELD_MESSAGES,
  Priority,
  Tag,
  TASK_FIELDS,
  TaskSchema,
  type TaskFieldName,
} from './model.js';

const MESSAGES = {
  userId: 'user_id must be a non-empty string',
  id: 'id must be a positive integer',
  limit: 'limit must be an integer from 1 to 500',
  after: 'after must be a positive integer (a task id)',
  q: 'q must be 1 to 200 characters',
  status: 'status must be one of all, pending, completed',
  sort: 'sort must be one of created, updated, title, due, priority',
  order: 'order must be asc or desc',
  dueFrom: 'due_from must be a date YYYY-MM-DD that exists',
  dueTo: 'due_to must be a date YYYY-MM-DD that exists',
  dueRange: 'due_from must not be after due_to',
  empty: `Send at least one of ${Object.keys(TASK_FIELDS).join(', ')}`,
  ifVersion: 'if_version must be a positive integer (a task version)',
  idempotencyKey: 'idempotency_key must be 1 to 255 characters of A-Z a-z 0-9 . _ : -',
} as const;

const LIST_LIMIT_MAX = 500;
const LIST_LIMIT_DEFAULT = 100;

const userId = z.string({ error: MESSAGES.userId }).min(1, { error: MESSAGES.userId });
const taskId = positiveInteger(MESSAGES.id);

/** Path parameters every task operation carries. */
const owner = { user_id: userId };
const ownTask = { user_id: userId, id: taskId };

/** The write happens only if the task is at this version (REST: the If-Match header instead). */
const ifVersion = {
  if_version: jsonPositiveInteger(MESSAGES.ifVersion)
    .optional()
    .meta({ description: 'Write only if the task is at this version (as If-Match does)' }),
};
/** DELETE has no body over REST: there the value is query text, read as a plain decimal. */
const deleteIfVersion = {
  if_version: positiveInteger(MESSAGES.ifVersion)
    .optional()
    .meta({ description: 'Delete only if the task is at this version (as If-Match does)' }),
};

/** tRPC's Idempotency-Key (REST: the header); `"abc"` and `abc` are the same key. */
const idempotencyKey = z
  .string({ error: MESSAGES.idempotencyKey })
  .transform((value, ctx) => {
    const key = parseIdempotencyKey(value);
    if (key === undefined) {
      ctx.addIssue({ code: 'custom', message: MESSAGES.idempotencyKey });
      return z.NEVER;
    }
    return key;
  })
  .meta({ description: 'Replays the first answer for a retried create (as Idempotency-Key does)' });

type Fields = typeof TASK_FIELDS;
type Optional<K extends TaskFieldName> = z.ZodOptional<Fields[K]['schema']>;

/** Every field optional: what PATCH accepts. */
type PatchShape = { [K in TaskFieldName]: Optional<K> };
/** Fields a write must carry (title) required, the others optional: create and PUT. */
type WriteShape = {
  [K in TaskFieldName]: Fields[K]['onReplace'] extends 'required'
    ? Fields[K]['schema']
    : Optional<K>;
};

const FIELD_NAMES = Object.keys(TASK_FIELDS) as TaskFieldName[];

function patchShape(): PatchShape {
  return Object.fromEntries(
    FIELD_NAMES.map((name) => [name, TASK_FIELDS[name].schema.optional()]),
  ) as PatchShape;
}

function writeShape(): WriteShape {
  return Object.fromEntries(
    FIELD_NAMES.map((name) => {
      const field = TASK_FIELDS[name];
      return [name, field.onReplace === 'required' ? field.schema : field.schema.optional()];
    }),
  ) as WriteShape;
}

/** A write that sets a recurrence and clears the due date in the same body is never valid. */
function recurringWithoutDue(input: {
  recurrence?: string | null | undefined;
  due_date?: string | null | undefined;
}): boolean {
  return typeof input.recurrence === 'string' && input.due_date === null;
}
const recurringNeedsDue = { path: ['due_date'], error: FIELD_MESSAGES.recurringNeedsDue };

export const TaskList = z.array(TaskSchema);

export const TaskStatus = z.enum(['all', 'pending', 'completed'], { error: MESSAGES.status });
export const TaskSort = z.enum(['created', 'updated', 'title', 'due', 'priority'], {
  error: MESSAGES.sort,
});
export const SortOrder = z.enum(['asc', 'desc'], { error: MESSAGES.order });

/** The order a sort takes when the request names none. */
export const DEFAULT_ORDER = {
  created: 'desc',
  updated: 'desc',
  title: 'asc',
  due: 'asc',
  priority: 'desc',
} as const satisfies Record<z.output<typeof TaskSort>, z.output<typeof SortOrder>>;

export const ListTasksInput = z
  .object({
    ...owner,
    status: TaskStatus.default('all'),
    sort: TaskSort.default('created'),
    /** Default: DEFAULT_ORDER of the sort. */
    order: SortOrder.optional(),
    q: boundedString(MESSAGES.q, 1, 200).optional(),
    priority: Priority.optional(),
    tag: Tag.optional(),
    due_from: calendarDate(MESSAGES.dueFrom).optional(),
    due_to: calendarDate(MESSAGES.dueTo).optional(),
    limit: positiveInteger(MESSAGES.limit, LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT),
    after: positiveInteger(MESSAGES.after).optional(),
  })
  .refine(
    (input) =>
      input.due_from === undefined || input.due_to === undefined || input.due_from <= input.due_to,
    { path: ['due_from'], error: MESSAGES.dueRange },
  );
export type ListTasksInput = z.input<typeof ListTasksInput>;

export const CreateTaskInput = z
  .strictObject({ ...owner, ...writeShape(), idempotency_key: idempotencyKey.optional() })
  .refine(
    (input) => !(typeof input.recurrence === 'string' && input.due_date == null),
    recurringNeedsDue,
  );
export type CreateTaskInput = z.input<typeof CreateTaskInput>;

export const GetTaskInput = z.strictObject(ownTask);
export type GetTaskInput = z.input<typeof GetTaskInput>;

/** PUT: title required; an absent description becomes null; other absent fields are kept. */
export const UpdateTaskInput = z
  .strictObject({ ...ownTask, ...writeShape(), ...ifVersion })
  .refine((input) => !recurringWithoutDue(input), recurringNeedsDue);
export type UpdateTaskInput = z.input<typeof UpdateTaskInput>;

/** PATCH: a non-empty subset of the writable fields. */
export const PatchTaskInput = z
  .strictObject({ ...ownTask, ...patchShape(), ...ifVersion })
  .refine((input) => FIELD_NAMES.some((name) => input[name] !== undefined), {
    error: MESSAGES.empty,
  })
  .refine((input) => !recurringWithoutDue(input), recurringNeedsDue);
export type PatchTaskInput = z.input<typeof PatchTaskInput>;

export const DeleteTaskInput = z.strictObject({ ...ownTask, ...deleteIfVersion });
export type DeleteTaskInput = z.input<typeof DeleteTaskInput>;

/** No `completed` (or `{}`): toggle. `completed: true|false`: set it. */
export const CompleteTaskInput = z.strictObject({
  ...ownTask,
  completed: TASK_FIELDS.completed.schema.optional(),
  ...ifVersion,
});
export type CompleteTaskInput = z.input<typeof CompleteTaskInput>;

export const ListTagsInput = z.strictObject(owner);
export type ListTagsInput = z.input<typeof ListTagsInput>;

export const TagList = z.array(
  z
    .object({ tag: z.string(), count: z.number().int().min(1) })
    .meta({ id: 'TagCount', description: 'A tag and how many of the user’s tasks carry it' }),
);
