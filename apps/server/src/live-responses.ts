/**
 * The long-lived responses of live streams (REST SSE and tRPC subscriptions): each ends when
 * the token that opened it expires (the client reconnects with a fresh one), and all of them
 * end at once on shutdown (clients reconnect elsewhere), so they never hold a drain up.
 */
import type { Response } from 'express';

export type EndReason = 'token_expired' | 'shutdown';

export interface LiveResponses {
  /** Tracks `res` until it closes; `end` finishes it for `reason`. */
  track(res: Response, expiresAt: number | undefined, end: (reason: EndReason) => void): void;
  /** Ends every tracked response (shutdown). */
  closeAll(): void;
  readonly size: number;
}

/** setTimeout's limit (about 24.8 days): a later expiry is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createLiveResponses(): LiveResponses {
  const live = new Map<Response, (reason: EndReason) => void>();
  return {
    track(res, expiresAt, end) {
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
