import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Request } from 'express';
import type { Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';

import { requestIdOf } from './request-id.js';

/**
 * One line per request, with the request id. Only method, path (no query: `q` is user text)
 * and status are logged: never headers (the Authorization token), never bodies.
 */
export function httpLogging(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: (req) => requestIdOf(req as Request),
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({
        id: req.id,
        method: req.method,
        path: (req.url ?? '').split('?', 1)[0],
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: () => undefined,
    },
    customLogLevel: (_req, res, error) =>
      error !== undefined || res.statusCode >= 500 ? 'error' : 'info',
    customSuccessMessage: (req, res) => `${req.method ?? ''} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method ?? ''} ${res.statusCode}`,
  });
}
