/**
 * The server's request listener, built from its dependencies and never listening (main.ts and
 * the tests do that).
 *
 * Every request first gets, in one step: its state (request-state.ts) with its X-Request-Id,
 * helmet's security headers (computed once at start-up), its log line, and CORS (a preflight is
 * answered there). Then /api and /trpc run their own request paths (rest/serve.ts,
 * trpc/serve.ts): plain functions, one after another, in the contract's order of errors (429,
 * 401, 403, 405, 413, 415, 400, then 404), each throwing the error it answers. Express serves
 * the rest (health, readiness, the OpenAPI document, the docs page, 404s) and never sees an API
 * request: its router and request decoration cost more per request than the whole of our own
 * checks (see bench/RESULTS.md, "Where the time goes").
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

import {
  createOpenApiDocument,
  type ChangeStreams,
  type TaskService,
  type TokenVerifier,
} from '@todo/api';
import express from 'express';
import type { Store } from 'express-rate-limit';
import type { Logger } from 'pino';

import type { ParsedRequest } from './body.js';
import type { Config } from './config.js';
import { corsPolicy } from './front/cors.js';
import { httpLogging } from './front/logging.js';
import { requestIdFrom } from './front/request-id.js';
import { helmetHeaders } from './front/security-headers.js';
import { answerError, HttpError, REST_MOUNT, TRPC_MOUNT } from './http-error.js';
import type { LiveResponses } from './live-responses.js';
import { procedures } from './procedures.js';
import { createRateLimiter } from './rate-limit.js';
import { beginRequest, type Surface } from './request-state.js';
import { buildRouteTable } from './rest/routing.js';
import { restPath } from './rest/serve.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { subscriptionCheck } from './trpc/subscriptions.js';
import { trpcPath } from './trpc/serve.js';

export { BODY_LIMIT_BYTES } from './body.js';

export interface AppDependencies {
  config: Pick<Config, 'corsOrigins' | 'rateLimitPerMinute' | 'trustProxy'>;
  tasks: TaskService;
  /** Live streams of changes (tRPC subscriptions, REST SSE). */
  streams: ChangeStreams;
  /** Where long-lived responses are tracked (token expiry, shutdown). */
  live: LiveResponses;
  /** Where rate-limit counters live (default: this process's memory). */
  rateLimitStore?: Store | undefined;
  verifier: TokenVerifier;
  /** Resolves when the database answers. */
  ping: () => Promise<void>;
  logger: Logger;
}

/** `/api`, `/api/…` and `/api?…` are the mount's; `/apis` is not. */
function below(mount: string, path: string): string | undefined {
  if (!path.startsWith(mount)) return undefined;
  const rest = path.slice(mount.length);
  return rest === '' ? '/' : rest.startsWith('/') ? rest : undefined;
}

/** Everything that is not the API: health, readiness, the OpenAPI document, docs, 404s. */
function otherRoutes(document: object, deps: AppDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Express's ETags (a hash of every body sent) would answer 304 to any matching If-None-Match.
  app.set('etag', false);
  app.use(healthRoutes(deps.ping));
  app.use(docsRoutes(document));
  app.use((req, _res, next) => {
    next(new HttpError(404, 'NOT_FOUND', `No route for ${req.method} ${req.path}`));
  });
  app.use(
    (error: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
      answerError(req, res, error, deps.logger);
    },
  );
  return app;
}

export function createApp(deps: AppDependencies): RequestListener {
  const { config, logger } = deps;
  const document = createOpenApiDocument({ baseUrl: REST_MOUNT, version: '1.0.0' });
  const calls = procedures(deps);
  const limiter = createRateLimiter(
    config.rateLimitPerMinute,
    deps.rateLimitStore,
    config.trustProxy,
  );
  const rest = restPath({
    procedures: calls,
    table: buildRouteTable(document),
    streams: deps.streams,
    live: deps.live,
    verifier: deps.verifier,
    limiter,
  });
  const trpc = trpcPath({
    procedures: calls,
    verifier: deps.verifier,
    limiter,
    checkSubscription: subscriptionCheck(deps.streams, deps.live),
  });
  const others = otherRoutes(document, deps);
  const security = helmetHeaders();
  const log = httpLogging(logger);
  const cors = corsPolicy(config.corsOrigins);

  const fail = (req: IncomingMessage, res: ServerResponse) => (error: unknown) => {
    answerError(req, res, error, logger);
  };

  return (req: ParsedRequest, res) => {
    const url = req.url ?? '/';
    const question = url.indexOf('?');
    const path = question < 0 ? url : url.slice(0, question);
    const search = question < 0 ? '' : url.slice(question + 1);
    const restPathBelow = below(REST_MOUNT, path);
    const trpcPathBelow = restPathBelow === undefined ? below(TRPC_MOUNT, path) : undefined;
    const surface: Surface =
      restPathBelow !== undefined ? 'rest' : trpcPathBelow !== undefined ? 'trpc' : 'other';
    const { id } = beginRequest(req, requestIdFrom(req.headers['x-request-id']), url, surface);
    res.setHeader('X-Request-Id', id);
    for (const [name, value] of security) res.setHeader(name, value);
    log(req, res);
    cors(req, res, () => {
      if (restPathBelow !== undefined) {
        rest(req, res, restPathBelow, search).catch(fail(req, res));
      } else if (trpcPathBelow !== undefined) {
        trpc(req, res, search).catch(fail(req, res));
      } else {
        others(req, res);
      }
    });
  };
}
