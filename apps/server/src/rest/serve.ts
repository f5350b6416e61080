/**
 * The path of a request below /api, one step after another in the contract's order of errors
 * (429, 401, 403, 405, 413, 415, 400, then what the procedure answers), each step throwing the
 * HttpError it answers: rate limit, token, route (404 / 403 / 405), body, path and query values,
 * condition headers; then the live stream, or the procedure through trpc-to-openapi.
 */
import type { ServerResponse } from 'node:http';

import {
  appRouter,
  EVENTS_PATH,
  errorHeaders,
  etagOf,
  noneMatches,
  restMetaOf,
  type ChangeStreams,
  type Context,
  type TokenVerifier,
} from '@todo/api';
import { createOpenApiNodeHttpHandler } from 'trpc-to-openapi';

import { admit } from '../auth-state.js';
import { readRestBody, BODY_LIMIT_BYTES, type ParsedRequest } from '../body.js';
import { restErrorBody } from '../http-error.js';
import type { LiveResponses } from '../live-responses.js';
import type { Procedures } from '../procedures.js';
import type { RateLimiter } from '../rate-limit.js';
import { stateOf } from '../request-state.js';
import { parseConditions } from './conditions.js';
import { serveEvents } from './events.js';
import { checkedParams } from './params.js';
import { matchRoute, type RestRoute } from './routing.js';

/** Whether a procedure's answer is one task (what an ETag is computed from). */
function isVersioned(data: unknown): data is { version: number } {
  return (
    typeof data === 'object' &&
    data !== null &&
    'version' in data &&
    typeof data.version === 'number'
  );
}

/**
 * A successful REST answer's status and headers: the procedure's success status; for one task,
 * its ETag, 304 when If-None-Match matches it (weak comparison), and Idempotent-Replayed on a
 * replayed create.
 */
function successMeta(
  meta: ReturnType<typeof restMetaOf>,
  ctx: Context | undefined,
  data: unknown,
): { status?: number; headers?: Record<string, string> } {
  if (!meta.etag || !isVersioned(data)) return { status: meta.successStatus };
  const headers: Record<string, string> = { ETag: etagOf(data.version) };
  if (ctx?.response.replayed) headers['Idempotent-Replayed'] = 'true';
  const ifNoneMatch = ctx?.conditions.ifNoneMatch;
  const notModified = ifNoneMatch !== undefined && noneMatches(ifNoneMatch, data.version);
  return { status: notModified ? 304 : meta.successStatus, headers };
}

export interface RestDependencies {
  procedures: Procedures;
  table: readonly RestRoute[];
  streams: ChangeStreams;
  live: LiveResponses;
  verifier: TokenVerifier;
  limiter: RateLimiter;
}

/** Serves `req` (its path and query below /api given apart); rejects with the error to answer. */
export type RestPath = (
  req: ParsedRequest,
  res: ServerResponse,
  path: string,
  search: string,
) => Promise<void>;

export function restPath(deps: RestDependencies): RestPath {
  const handler = createOpenApiNodeHttpHandler({
    router: appRouter,
    createContext: ({ req }) => deps.procedures.contextOf(req),
    maxBodySize: BODY_LIMIT_BYTES,
    onError: ({ error, req }) => {
      deps.procedures.onProcedureError(error, req);
    },
    formatErrorBody: ({ error, errorShape }) => {
      const issues = (errorShape as { data?: { issues?: unknown } } | undefined)?.data?.issues;
      return restErrorBody(
        error.code,
        (errorShape as { message?: string } | undefined)?.message ?? error.message,
        Array.isArray(issues) ? issues : undefined,
      );
    },
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- trpc-to-openapi fills `paths` but leaves `info.calls` empty
    responseMeta: ({ paths, errors, ctx, data }) => {
      if (errors.length > 0) {
        return {
          headers: errorHeaders(
            errors.map((e) => e.code),
            true,
          ),
        };
      }
      return successMeta(restMetaOf(paths?.[0]), ctx, data[0]);
    },
  });

  return async (req, res, path, search) => {
    const user = await admit(req, res, deps.verifier, deps.limiter);
    const method = req.method ?? 'GET';
    const match = matchRoute(deps.table, method, path, user.id);
    const body = await readRestBody(req);
    const query = checkedParams(match, search, body);
    stateOf(req).conditions = parseConditions(method, req.headers);
    if (match.route.template === EVENTS_PATH) {
      await serveEvents(req, res, user, query.since, deps);
      return;
    }
    if (body !== undefined) {
      req.body = body;
      // The adapter checks the header itself, case-sensitively: the body is JSON by now.
      req.headers['content-type'] = 'application/json';
    }
    req.query = query;
    // The adapter matches paths below the mount point.
    req.url = search === '' ? path : `${path}?${search}`;
    await handler(req, res);
  };
}
