import { z } from 'zod';

import { changeProcedures } from '../changes/router.js';
import { fingerprintOf, requiredVersions, type IfMatch } from '../conditions.js';
import type { Context } from '../context.js';
import { InvalidInputError } from '../errors.js';
import { ownerProcedure, router } from '../trpc.js';
import {
  CompleteTaskInput,
  CreateTaskInput,
  DeleteTaskInput,
  GetTaskInput,
  ListTagsInput,
  ListTasksInput,
  PatchTaskInput,
  TagList,
  TaskList,
  UpdateTaskInput,
} from './contract.js';
import { TaskSchema } from './model.js';

const COMMON_ERRORS = {
  400: 'Invalid input (validation failed, unknown field, bad path or query value)',
  401: 'Missing or invalid bearer token',
  403: 'The path user_id is not the token subject',
  429: 'Too many requests; see Retry-After',
  503: 'The database is unavailable; see Retry-After',
} as const;
const WITH_ID_ERRORS = { ...COMMON_ERRORS, 404: 'No such task for this user' } as const;
const WRITE_ERRORS = {
  ...WITH_ID_ERRORS,
  412: 'Precondition failed: the task is not at a version in If-Match (if_version)',
} as const;
const CREATE_ERRORS = {
  ...COMMON_ERRORS,
  409: 'A create with this Idempotency-Key is still running',
  422: 'This Idempotency-Key was used with another request body',
} as const;

/** The versions a write requires: `if_version` or the If-Match header, never both. */
function versionsOf(ifVersion: number | undefined, ifMatch: IfMatch | undefined) {
  if (ifVersion !== undefined && ifMatch !== undefined) {
    throw new InvalidInputError([
      { path: ['if_version'], message: 'Send if_version or the If-Match header, not both' },
    ]);
  }
  return ifVersion === undefined ? requiredVersions(ifMatch) : [ifVersion];
}

/** The idempotency key of a create: the input field or the header, never both. */
function idempotencyOf(ctx: Context & { rawInput: unknown }, field: string | undefined) {
  const header = ctx.conditions.idempotencyKey;
  if (field !== undefined && header !== undefined) {
    throw new InvalidInputError([
      {
        path: ['idempotency_key'],
        message: 'Send idempotency_key or the Idempotency-Key header, not both',
      },
    ]);
  }
  const key = field ?? header;
  return key === undefined ? undefined : { key, fingerprint: fingerprintOf(ctx.rawInput) };
}

/** Routers are thin: the input, validated, goes to the service as it is. */
export const tasksRouter = router({
  list: ownerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/{user_id}/tasks',
        tags: ['tasks'],
        summary: 'List the user’s tasks',
        description:
          'Filters combine with AND. Keyset paging: pass `after=<id of the last task received>`; a page shorter than `limit` is the last.',
        errorResponses: COMMON_ERRORS,
      },
    })
    .input(ListTasksInput)
    .output(TaskList)
    .query(({ ctx, input: { user_id: _, ...query } }) => ctx.tasks.list(ctx.user.id, query)),

  create: ownerProcedure
    .meta({
      successStatus: 201,
      etag: true,
      idempotent: true,
      openapi: {
        method: 'POST',
        path: '/{user_id}/tasks',
        tags: ['tasks'],
        summary: 'Create a task',
        description:
          'With an `Idempotency-Key`, a retry with the same body gets the first answer again (`Idempotent-Replayed: true`) and creates nothing.',
        successDescription: 'The created task',
        errorResponses: CREATE_ERRORS,
      },
    })
    .input(CreateTaskInput)
    .output(TaskSchema)
    .mutation(async ({ ctx, input }) => {
      const created = await ctx.tasks.create(
        ctx.user.id,
        input,
        idempotencyOf(ctx, input.idempotency_key),
      );
      ctx.response.replayed = created.replayed;
      return created.task;
    }),

  get: ownerProcedure
    .meta({
      etag: true,
      openapi: {
        method: 'GET',
        path: '/{user_id}/tasks/{id}',
        tags: ['tasks'],
        summary: 'Get one task',
        errorResponses: WITH_ID_ERRORS,
      },
    })
    .input(GetTaskInput)
    .output(TaskSchema)
    .query(({ ctx, input }) => ctx.tasks.get(ctx.user.id, input)),

  update: ownerProcedure
    .meta({
      etag: true,
      conditional: true,
      openapi: {
        method: 'PUT',
        path: '/{user_id}/tasks/{id}',
        tags: ['tasks'],
        summary: 'Replace a task’s title and description',
        description:
          'An absent description becomes null; any other absent field (`completed`, `priority`, `due_date`, `tags`, `recurrence`) is left as it was.',
        errorResponses: WRITE_ERRORS,
      },
    })
    .input(UpdateTaskInput)
    .output(TaskSchema)
    .mutation(({ ctx, input }) =>
      ctx.tasks.replace(ctx.user.id, input, versionsOf(input.if_version, ctx.conditions.ifMatch)),
    ),

  patch: ownerProcedure
    .meta({
      etag: true,
      conditional: true,
      openapi: {
        method: 'PATCH',
        path: '/{user_id}/tasks/{id}',
        tags: ['tasks'],
        summary: 'Change some fields of a task',
        errorResponses: WRITE_ERRORS,
      },
    })
    .input(PatchTaskInput)
    .output(TaskSchema)
    .mutation(({ ctx, input }) =>
      ctx.tasks.patch(ctx.user.id, input, versionsOf(input.if_version, ctx.conditions.ifMatch)),
    ),

  delete: ownerProcedure
    .meta({
      successStatus: 204,
      conditional: true,
      openapi: {
        method: 'DELETE',
        path: '/{user_id}/tasks/{id}',
        tags: ['tasks'],
        summary: 'Delete a task',
        successDescription: 'Deleted; no body',
        errorResponses: WRITE_ERRORS,
      },
    })
    .input(DeleteTaskInput)
    .output(z.void())
    .mutation(({ ctx, input }) =>
      ctx.tasks.delete(ctx.user.id, input, versionsOf(input.if_version, ctx.conditions.ifMatch)),
    ),

  complete: ownerProcedure
    .meta({
      etag: true,
      conditional: true,
      openapi: {
        method: 'PATCH',
        path: '/{user_id}/tasks/{id}/complete',
        tags: ['tasks'],
        summary: 'Toggle, or set, completed',
        description:
          'No body (or `{}`) toggles `completed`; `{ "completed": true | false }` sets it. Completing a recurring task moves its due date to the next occurrence instead.',
        errorResponses: WRITE_ERRORS,
      },
    })
    .input(CompleteTaskInput)
    .output(TaskSchema)
    .mutation(({ ctx, input }) =>
      ctx.tasks.complete(ctx.user.id, input, versionsOf(input.if_version, ctx.conditions.ifMatch)),
    ),

  ...changeProcedures,
});

export const tagsRouter = router({
  list: ownerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/{user_id}/tags',
        tags: ['tags'],
        summary: 'Every tag on the user’s tasks, with how many carry it',
        description: 'By count, most used first, then by tag in code-point order. No paging.',
        errorResponses: COMMON_ERRORS,
      },
    })
    .input(ListTagsInput)
    .output(TagList)
    .query(({ ctx }) => ctx.tasks.tags(ctx.user.id)),
});
