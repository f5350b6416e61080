/**
 * The long-lived responses of live streams (REST SSE and tRPC subscriptions): each ends when
 * the token that opened it expires (the client reconnects with a fresh one), and all of them
 * end at once on shutdown (clients reconnect elsewhere), so they never hold a drain up.
 */
import type { ServerResponse } from 'node:http';

import { InvalidInputError, PUBLIC_MESSAGES, RETRY_AFTER_SECONDS, toTRPCError } from '@todo/api';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';

import { HttpError } from './http-error.js';

type EndReason = 'token_expired' | 'shutdown';

export interface LiveResponses {
  /** Tracks `res` until it closes; `end` finishes it for `reason`. */
  track(res: ServerResponse, expiresAt: number | undefined, end: (reason: EndReason) => void): void;
  /** Ends every tracked response (shutdown). */
  closeAll(): void;
  readonly size: number;
}

/** setTimeout's limit (about 24.8 days): a later expiry is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createLiveResponses(): LiveResponses {
  const live = new Map<ServerResponse, (reason: EndReason) => void>();
  return {
    track(res, expiresAt, end) {
      // Already gone: its close has come and gone, and nothing is left to end.
      if (res.destroyed) return;
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        if (expiresAt === undefined) return;
        const wait = expiresAt - Date.now();
        if (wait <= 0) {
          finish('token_expired');
          return;
        }
        timer = setTimeout(arm, Math.min(wait, MAX_TIMER_MS));
        timer.unref();
      };
      const finish = (reason: EndReason) => {
        if (!live.delete(res)) return;
        clearTimeout(timer);
        end(reason);
      };
      live.set(res, finish);
      res.once('close', () => {
        clearTimeout(timer);
        live.delete(res);
      });
      arm();
    },
    closeAll() {
      for (const finish of [...live.values()]) finish('shutdown');
    },
    get size() {
      return live.size;
    },
  };
}

/**
 * An error of opening a stream, answered before it opens with the status and public message the
 * same error has everywhere else: 400 for a resume point past the newest change (with its
 * issues), 429 for too many streams and 503 for a database out of reach (both with Retry-After).
 */
export function streamOpenError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const trpc = toTRPCError(error);
  const status = getHTTPStatusCodeFromError(trpc);
  const message =
    status === 503
      ? PUBLIC_MESSAGES.unavailable
      : status >= 500
        ? PUBLIC_MESSAGES.internal
        : trpc.message;
  return new HttpError(status, trpc.code, message, {
    issues: error instanceof InvalidInputError ? error.issues : undefined,
    headers:
      status === 429 || status === 503 ? { 'Retry-After': String(RETRY_AFTER_SECONDS) } : undefined,
    cause: error,
  });
}
