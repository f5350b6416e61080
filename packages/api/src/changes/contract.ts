/** The changes feed and the live streams: their inputs and what they carry. */
import { z } from 'zod';

import { positiveInteger } from '../contract/fields.js';
import { TaskSchema, type Task } from '../tasks/model.js';

const CHANGES_LIMIT_MAX = 1000;
const CHANGES_LIMIT_DEFAULT = 500;

const MESSAGES = {
  userId: 'user_id must be a non-empty string',
  cursor: 'since must be a cursor from an earlier answer or a stream event id',
  limit: 'limit must be an integer from 1 to 1000',
} as const;

const CURSOR = /^(0|[1-9][0-9]{0,15})$/;

/** A change number as clients see it: a string, opaque to them (a decimal here). */
export const Cursor = z
  .string({ error: MESSAGES.cursor })
  .regex(CURSOR, { error: MESSAGES.cursor })
  .meta({ description: 'A `cursor` from an earlier answer, or the id of a stream event' });

/** The change number a cursor stands for. */
export const cursorValue = (cursor: string) => Number(cursor);

const userId = z.string({ error: MESSAGES.userId }).min(1, { error: MESSAGES.userId });

/**
 * One change: `upsert` with the task as it is now, or `delete`. Plain types for the published
 * declarations, as for Task.
 */
export type Change =
  { seq: number; op: 'upsert'; id: number; task: Task } | { seq: number; op: 'delete'; id: number };

export const ChangeSchema = z
  .discriminatedUnion('op', [
    z.object({
      seq: z.number().int().min(1),
      op: z.literal('upsert'),
      id: z.number().int().min(1),
      task: TaskSchema,
    }),
    z.object({
      seq: z.number().int().min(1),
      op: z.literal('delete'),
      id: z.number().int().min(1),
    }),
  ])
  .meta({ id: 'Change', description: 'A change to one of the user’s tasks, numbered by `seq`' });

export const ChangesInput = z.object({
  user_id: userId,
  since: Cursor.optional(),
  limit: positiveInteger(MESSAGES.limit, CHANGES_LIMIT_MAX).default(CHANGES_LIMIT_DEFAULT),
});
export type ChangesInput = z.input<typeof ChangesInput>;

export interface ChangesAnswer {
  changes: Change[];
  cursor: string;
  has_more: boolean;
  reset: boolean;
}

export const ChangesAnswerSchema = z
  .object({
    changes: z.array(ChangeSchema),
    cursor: z.string(),
    has_more: z.boolean(),
    reset: z.boolean(),
  })
  .meta({ id: 'Changes' });

/** tRPC merges the reconnecting client's last event id into the input: it must be declared. */
export const OnChangeInput = z.strictObject({
  user_id: userId,
  lastEventId: Cursor.nullish(),
});
export type OnChangeInput = z.input<typeof OnChangeInput>;

/** What a live stream carries: a change, or word that the client must re-read everything. */
export type StreamEvent =
  | { kind: 'change'; change: Change }
  | {
      kind: 'reset';
      /** Where the stream continues: the client drops its copy, re-reads the list, carries on. */
      cursor: string;
    };
