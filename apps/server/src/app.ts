/**
 * The Express application, built from its dependencies and never listening (main.ts and the
 * tests do that). The middleware order is the contract's order of errors: 429, 401, 403, then
 * 405, 413, 415, 400, then 404.
 */
import {
  appRouter,
  createContextFactory,
  createOpenApiDocument,
  errorHeaders,
  etagOf,
  noneMatches,
  restMetaOf,
  type ChangeStreams,
  type Context,
  type TaskService,
  type TokenVerifier,
} from '@todo/api';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express, { type Express } from 'express';
import type { Store } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { createOpenApiExpressMiddleware } from 'trpc-to-openapi';

import type { Config } from './config.js';
import { TRPC_MOUNT } from './http-error.js';
import type { LiveResponses } from './live-responses.js';
import { logSafeError } from './log-safe-error.js';
import { authenticate, authOf, requireAuth } from './middleware/authenticate.js';
import { corsPolicy } from './middleware/cors.js';
import { errorHandler } from './middleware/error-handler.js';
import { restJsonBody, trpcJsonBody } from './middleware/json-body.js';
import { httpLogging } from './middleware/logging.js';
import { notFound } from './middleware/not-found.js';
import { rateLimitPerUser } from './middleware/rate-limit.js';
import { requestId, requestIdOf } from './middleware/request-id.js';
import { conditionsOf, restConditions } from './middleware/rest-conditions.js';
import { restErrorBodies } from './middleware/rest-error-body.js';
import { restParams } from './middleware/rest-params.js';
import { buildRouteTable, restRouting } from './middleware/rest-routing.js';
import { trpcSubscriptions } from './middleware/trpc-subscriptions.js';
import { docsRoutes } from './routes/docs.js';
import { eventsRoute } from './routes/events.js';
import { healthRoutes } from './routes/health.js';

export const BODY_LIMIT_BYTES = 64 * 1024;
const REST_MOUNT = '/api';

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

export function createApp(deps: AppDependencies): Express {
  const { config, logger } = deps;
  const createContext = createContextFactory({ tasks: deps.tasks, streams: deps.streams });
  const contextOf = (req: express.Request) => {
    const auth = authOf(req);
    return createContext({
      user: auth.kind === 'valid' ? auth.user : null,
      conditions: conditionsOf(req),
    });
  };
  const logProcedureError = (error: { code: string; cause?: unknown }, req: express.Request) => {
    if (error.code === 'INTERNAL_SERVER_ERROR' || error.code === 'SERVICE_UNAVAILABLE') {
      logger.error(
        { requestId: requestIdOf(req), code: error.code, error: logSafeError(error.cause) },
        'procedure failed',
      );
    }
  };
  const openApiDocument = createOpenApiDocument({ baseUrl: REST_MOUNT, version: '1.0.0' });

  const app = express();
  app.disable('x-powered-by');
  // ETags are the tasks' versions, set by the API itself; Express's own (a hash of every body
  // sent with res.send) would also answer 304 to any matching If-None-Match, errors included.
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);

  app.use(requestId());
  app.use(httpLogging(logger));
  app.use(helmet());
  app.use(corsPolicy(config.corsOrigins));

  app.use(healthRoutes(deps.ping));
  app.use(docsRoutes(openApiDocument));

  const guard = [
    authenticate(deps.verifier),
    rateLimitPerUser(config.rateLimitPerMinute, deps.rateLimitStore),
    requireAuth(),
  ];

  app.use(
    REST_MOUNT,
    ...guard,
    restRouting(buildRouteTable(openApiDocument)),
    ...restJsonBody(BODY_LIMIT_BYTES),
    restParams(),
    restConditions(),
    eventsRoute(deps.streams, deps.live),
    restErrorBodies(),
    createOpenApiExpressMiddleware({
      router: appRouter,
      createContext: ({ req }) => contextOf(req),
      maxBodySize: BODY_LIMIT_BYTES,
      onError: ({ error, req }) => {
        logProcedureError(error, req);
      },
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- trpc-to-openapi fills `paths` but leaves `info.calls` empty
      responseMeta: ({ paths, errors, ctx, data }) => {
        if (errors.length > 0)
          return {
            headers: errorHeaders(
              errors.map((e) => e.code),
              true,
            ),
          };
        return successMeta(restMetaOf(paths?.[0]), ctx, data[0]);
      },
    }),
  );

  app.use(
    TRPC_MOUNT,
    ...guard,
    ...trpcJsonBody(BODY_LIMIT_BYTES),
    trpcSubscriptions(deps.streams, deps.live),
    createExpressMiddleware({
      router: appRouter,
      createContext: ({ req }) => contextOf(req),
      maxBodySize: BODY_LIMIT_BYTES,
      onError: ({ error, req }) => {
        logProcedureError(error, req);
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
    }),
  );

  app.use(notFound());
  app.use(errorHandler(logger));
  return app;
}
