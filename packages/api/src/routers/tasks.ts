import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import {
  CompleteTaskInput,
  CreateTaskInput,
  DeleteTaskInput,
  GetTaskInput,
  ListTasksInput,
  PatchTaskInput,
  TaskList,
  TaskSchema,
  type Task,
  UpdateTaskInput,
} from '../contract/tasks.js';
import { invalidInput, PUBLIC_MESSAGES } from '../errors.js';
import { ownerProcedure, router } from '../trpc.js';

const COMMON_ERRORS = {
  400: 'Invalid input (validation failed, unknown field, bad path or query value)',
  401: 'Missing or invalid bearer token',
  403: 'The path user_id is not the token subject',
  429: 'Too many requests; see Retry-After',
  503: 'The database is unavailable; see Retry-After',
} as const;
const WITH_ID_ERRORS = { ...COMMON_ERRORS, 404: 'No such task for this user' } as const;

function found(task: Task | null): Task {
  if (!task) throw new TRPCError({ code: 'NOT_FOUND', message: PUBLIC_MESSAGES.notFound });
  return task;
}

export const tasksRouter = router({
  list: ownerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/{user_id}/tasks',
        tags: ['tasks'],
        summary: 'List the user’s tasks',
        description:
          'Keyset paging: pass `after=<id of the last task received>`; a page shorter than `limit` is the last.',
        errorResponses: COMMON_ERRORS,
      },
    })
    .input(ListTasksInput)
    .output(TaskList)
    .query(async ({ ctx, input }) => {
      const result = await ctx.tasks.list(ctx.user.id, {
        status: input.status,
        sort: input.sort,
        order: input.order ?? (input.sort === 'title' ? 'asc' : 'desc'),
        q: input.q,
        limit: input.limit,
        after: input.after,
      });
      if (result === 'unknown_after') {
        throw invalidInput([
          { path: ['after'], message: 'after must be the id of one of your tasks' },
        ]);
      }
      return result;
    }),

  create: ownerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/{user_id}/tasks',
        tags: ['tasks'],
        summary: 'Create a task',
        successDescription: 'The created task',
        errorResponses: COMMON_ERRORS,
      },
    })
    .input(CreateTaskInput)
    .output(TaskSchema)
    .mutation(({ ctx, input }) =>
      ctx.tasks.create(ctx.user.id, {
        title: input.title,
        description: input.description ?? null,
        completed: input.completed,
      }),
    ),

  get: ownerProcedure
    .meta({
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
    .query(async ({ ctx, input }) => found(await ctx.tasks.get(ctx.user.id, input.id))),

  update: ownerProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/{user_id}/tasks/{id}',
        tags: ['tasks'],
        summary: 'Replace a task’s title and description',
        description: 'An absent description becomes null; an absent `completed` is left as it was.',
        errorResponses: WITH_ID_ERRORS,
      },
    })
    .input(UpdateTaskInput)
    .output(TaskSchema)
    .mutation(async ({ ctx, input }) =>
      found(
        await ctx.tasks.replace(ctx.user.id, input.id, {
          title: input.title,
          description: input.description ?? null,
          completed: input.completed,
        }),
      ),
    ),

  patch: ownerProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/{user_id}/tasks/{id}',
        tags: ['tasks'],
        summary: 'Change some fields of a task',
        errorResponses: WITH_ID_ERRORS,
      },
    })
    .input(PatchTaskInput)
    .output(TaskSchema)
    .mutation(async ({ ctx, input }) =>
      found(
        await ctx.tasks.patch(ctx.user.id, input.id, {
          title: input.title,
          description: input.description,
          completed: input.completed,
        }),
      ),
    ),

  delete: ownerProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/{user_id}/tasks/{id}',
        tags: ['tasks'],
        summary: 'Delete a task',
        successDescription: 'Deleted; no body',
        errorResponses: WITH_ID_ERRORS,
      },
    })
    .input(DeleteTaskInput)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      if (!(await ctx.tasks.delete(ctx.user.id, input.id))) {
        throw new TRPCError({ code: 'NOT_FOUND', message: PUBLIC_MESSAGES.notFound });
      }
    }),

  complete: ownerProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/{user_id}/tasks/{id}/complete',
        tags: ['tasks'],
        summary: 'Toggle, or set, completed',
        description:
          'No body (or `{}`) toggles `completed`; `{ "completed": true | false }` sets it, idempotently.',
        errorResponses: WITH_ID_ERRORS,
      },
    })
    .input(CompleteTaskInput)
    .output(TaskSchema)
    .mutation(async ({ ctx, input }) =>
      found(
        input.completed === undefined
          ? await ctx.tasks.toggle(ctx.user.id, input.id)
          : await ctx.tasks.setCompleted(ctx.user.id, input.id, input.completed),
      ),
    ),
});
