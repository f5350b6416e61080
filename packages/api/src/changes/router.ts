import { tracked } from '@trpc/server';

import { ownerProcedure } from '../trpc.js';
import {
  ChangesAnswerSchema,
  ChangesInput,
  cursorValue,
  OnChangeInput,
  type Change,
  type StreamEvent,
} from './contract.js';

const CHANGES_ERRORS = {
  400: 'Invalid input, or a since that is not a cursor of yours',
  401: 'Missing or invalid bearer token',
  403: 'The path user_id is not the token subject',
  429: 'Too many requests; see Retry-After',
  503: 'The database is unavailable; see Retry-After',
} as const;

/** A reset as the tRPC stream carries it: the client re-reads the list, then resumes here. */
export interface ResetItem {
  op: 'reset';
  cursor: string;
}

function trackedEvent(event: StreamEvent) {
  return event.kind === 'change'
    ? tracked<Change | ResetItem>(String(event.change.seq), event.change)
    : tracked<Change | ResetItem>(event.cursor, { op: 'reset', cursor: event.cursor });
}

/** The changes feed and the live stream, as procedures of `tasks`. */
export const changeProcedures = {
  changes: ownerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/{user_id}/changes',
        tags: ['changes'],
        summary: 'What changed in the user’s tasks since a cursor',
        description:
          'Each task at most once, at its latest change, deletions included, in increasing `seq`. Continue from `cursor` while `has_more`; on `reset`, drop your copy, re-read the list, then continue from `cursor`.',
        errorResponses: CHANGES_ERRORS,
      },
    })
    .input(ChangesInput)
    .output(ChangesAnswerSchema)
    .query(({ ctx, input }) => ctx.tasks.changes(ctx.user.id, input)),

  /**
   * Live changes over SSE (httpSubscriptionLink). The stream is opened before the resolver
   * returns, so a 429 (too many streams) is an error of the call, not of the stream; each
   * event is tracked by its change number, so a reconnecting client resumes where it stopped.
   * No OpenAPI meta: the generator cannot describe a subscription (REST has /events).
   */
  onChange: ownerProcedure.input(OnChangeInput).subscription(async ({ ctx, input, signal }) => {
    const after = input.lastEventId == null ? undefined : cursorValue(input.lastEventId);
    const stream = await ctx.streams.open(ctx.user.id, after);
    signal?.addEventListener(
      'abort',
      () => {
        stream.close();
      },
      { once: true },
    );
    return (async function* () {
      try {
        for await (const event of stream) yield trackedEvent(event);
      } finally {
        stream.close();
      }
    })();
  }),
};
