import type { IncomingMessage, ServerResponse } from 'node:http';

import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import type { Request, Response } from 'express';
import proxyaddr from 'proxy-addr';

import { HttpError } from './http-error.js';
import { stateOf } from './request-state.js';

const WINDOW_MS = 60_000;

export type RateLimiter = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * `limit` requests a minute per verified user id, per IP address for requests without a
 * valid token (IPv6 grouped by /56, as express-rate-limit requires; the address behind
 * `trustProxyHops` proxies, as Express's `trust proxy` reads X-Forwarded-For). Counts live in
 * `store`: Redis shared by every instance, or this process's memory (see rate-limit-store.ts).
 * The limiter rejects with a 429 HttpError.
 *
 * Headers: `RateLimit` and `RateLimit-Policy` of IETF draft 7 (limit, remaining, reset), and
 * `Retry-After` on a 429. Draft 8 would add a partition key that costs a SHA-256 of the key on
 * every request (about 4% of the server's CPU per request in `pnpm bench`) to tell clients
 * nothing they can act on.
 */
export function createRateLimiter(
  limit: number,
  store: Store | undefined,
  trustProxyHops: number,
): RateLimiter {
  const trusted = (_address: string, hop: number) => hop < trustProxyHops;
  const middleware = rateLimit({
    ...(store ? { store } : {}),
    windowMs: WINDOW_MS,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const { auth } = stateOf(req);
      return auth.kind === 'valid'
        ? `user:${auth.user.id}`
        : `ip:${ipKeyGenerator(proxyaddr(req, trusted))}`;
    },
    // The library has already set Retry-After (it does when standard headers are on).
    handler: (_req, _res, next) => {
      next(
        new HttpError(
          429,
          'TOO_MANY_REQUESTS',
          'Too many requests; retry after the time in Retry-After',
        ),
      );
    },
  });
  // express-rate-limit reads nothing Express adds to a request when given its key (its IP
  // checks belong to its default key generator), so it runs on the bare request.
  return (req, res) =>
    new Promise<void>((resolve, reject) => {
      void middleware(req as Request, res as Response, (error?: unknown) => {
        if (error === undefined) resolve();
        else
          reject(
            error instanceof Error ? error : new Error('rate limiter failed', { cause: error }),
          );
      });
    });
}
