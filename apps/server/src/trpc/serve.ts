/**
 * The path of a request below /trpc, in the contract's order of errors: rate limit, token,
 * body (413, depth), then the subscription checks (403, 429 before a stream opens), then tRPC's
 * own adapter, which answers everything else in its own envelope.
 */
import type { ServerResponse } from 'node:http';

import { appRouter, errorHeaders, type TokenVerifier } from '@todo/api';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';

import { admit } from '../auth-state.js';
import { BODY_LIMIT_BYTES, readTrpcBody, type ParsedRequest } from '../body.js';
import { TRPC_MOUNT } from '../http-error.js';
import type { Procedures } from '../procedures.js';
import type { RateLimiter } from '../rate-limit.js';
import type { SubscriptionCheck } from './subscriptions.js';

export interface TrpcDependencies {
  procedures: Procedures;
  verifier: TokenVerifier;
  limiter: RateLimiter;
  checkSubscription: SubscriptionCheck;
}

/** Serves `req` (its query given apart); rejects with the error to answer. */
export type TrpcPath = (req: ParsedRequest, res: ServerResponse, search: string) => Promise<void>;

export function trpcPath(deps: TrpcDependencies): TrpcPath {
  const handler = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_MOUNT}/`,
    createContext: ({ req }) => deps.procedures.contextOf(req),
    maxBodySize: BODY_LIMIT_BYTES,
    onError: ({ error, req }) => {
      deps.procedures.onProcedureError(error, req);
    },
    responseMeta: ({ errors }) =>
      errors.length > 0
        ? {
            headers: errorHeaders(
              errors.map((e) => e.code),
              true,
            ),
          }
        : {},
  });

  return async (req, res, search) => {
    const user = await admit(req, res, deps.verifier, deps.limiter);
    await readTrpcBody(req, search);
    if (deps.checkSubscription(req, res, search, user) === 'gone') return;
    handler(req, res);
  };
}
