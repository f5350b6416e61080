import { initTRPC, TRPCError } from '@trpc/server';

import type { Context } from './context.js';
import { formatError, PUBLIC_MESSAGES, toTRPCError } from './errors.js';

/**
 * The OpenAPI fields our procedures use, as our own type so the router's published types do
 * not import trpc-to-openapi. A type alias, not an interface: the adapter wants
 * `meta: Record<string, unknown>`, which an interface does not satisfy. A type test checks it
 * against trpc-to-openapi's OpenApiMeta.
 */
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- must be a type alias (see above)
export type ApiMeta = {
  /** The HTTP status of a successful call over REST when it is not 200. */
  successStatus?: 201 | 204;
  /** The answer is one task: REST sends its ETag (and honours If-None-Match on a GET). */
  etag?: true;
  /** A write that honours If-Match (REST) / `if_version` (tRPC): 412 when no version matches. */
  conditional?: true;
  /** A create that honours Idempotency-Key (REST) / `idempotency_key` (tRPC). */
  idempotent?: true;
  openapi?: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    path: `/${string}`;
    summary?: string;
    description?: string;
    tags?: string[];
    protect?: boolean;
    successDescription?: string;
    errorResponses?: Record<number, string>;
  };
};

const t = initTRPC
  .context<Context>()
  .meta<ApiMeta>()
  .create({
    // Never rely on NODE_ENV for what leaves the process: the formatter drops stacks always.
    isDev: false,
    // Live streams: a ping every 15 s keeps proxies from closing an idle one, and a client that
    // hears nothing for 40 s reconnects (resuming from its last event).
    sse: {
      ping: { enabled: true, intervalMs: 15_000 },
      client: { reconnectAfterInactivityMs: 40_000 },
    },
    errorFormatter: ({ error, path }) => formatError(error, path),
  });

export const router = t.router;

/**
 * The checks every procedure kind is made of. Each kind is ONE tRPC middleware: tRPC copies its
 * call options (and the context) for every middleware level, and that copying was the largest
 * item of tRPC's own profile, so three stacked levels cost measurably more than one.
 */
function mapErrors<R extends { ok: boolean }>(result: R): R {
  if (!result.ok && 'error' in result) throw toTRPCError(result.error);
  return result;
}

function requireUser(user: Context['user']): NonNullable<Context['user']> {
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: PUBLIC_MESSAGES.unauthorized });
  return user;
}

/**
 * Whether a request's input names a `user_id` other than the caller's: 403. The one owner rule,
 * also applied by the server before a REST route or a subscription's stream is opened.
 */
export function claimsOtherUser(raw: unknown, callerId: string): boolean {
  const userId =
    typeof raw === 'object' && raw !== null && 'user_id' in raw ? raw.user_id : undefined;
  return typeof userId === 'string' && userId !== callerId;
}

function requireOwner(raw: unknown, user: NonNullable<Context['user']>): void {
  if (claimsOtherUser(raw, user.id)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: PUBLIC_MESSAGES.forbidden });
  }
}

/**
 * A user's own tasks: a verified user (401) whose `sub` equals `user_id` (403). Checked on the
 * raw input, before validation, so a caller learns nothing about another user's path from a 400.
 */
export const ownerProcedure = t.procedure.use(async ({ ctx, next, getRawInput }) => {
  const user = requireUser(ctx.user);
  const rawInput = await getRawInput();
  requireOwner(rawInput, user);
  // The raw input also goes on: an idempotent create compares requests as they were sent.
  return mapErrors(await next({ ctx: { user, rawInput } }));
});
