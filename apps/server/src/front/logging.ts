import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

import { requestIdOf, stateOf } from '../request-state.js';

/** Starts the log of one request; it is written when the response closes. */
export type RequestLogging = (req: IncomingMessage, res: ServerResponse) => void;

/** What an access line says of a request: id, method, path (no query: `q` is user text). */
const requestFields = (req: IncomingMessage) => ({
  id: requestIdOf(req),
  method: req.method,
  path: stateOf(req).url.split('?', 1)[0],
});

const message = (req: IncomingMessage, res: ServerResponse) =>
  `${req.method ?? ''} ${res.statusCode}`;

/**
 * One line per request, with the request id: info for answers below 500, error from 500 up.
 * Never headers (the Authorization token), never bodies.
 *
 * pino-http writes the lines when `info` is enabled. At `warn` and above only the error lines
 * can ever be written, yet pino-http would still build a child logger and tag the request and
 * response objects on every request (15% of the server's CPU per request in `pnpm bench`); so
 * there a single `close` listener writes the same error line, with the same fields, for 5xx
 * answers only.
 */
export function httpLogging(logger: Logger): RequestLogging {
  if (!logger.isLevelEnabled('info')) return failedRequestLogging(logger);
  const log = pinoHttp({
    logger,
    genReqId: (req) => requestIdOf(req),
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage) => requestFields(req),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: () => undefined,
    },
    customLogLevel: (_req, res, error) =>
      error !== undefined || res.statusCode >= 500 ? 'error' : 'info',
    customSuccessMessage: message,
    customErrorMessage: message,
  });
  return (req, res) => {
    log(req, res);
  };
}

function failedRequestLogging(logger: Logger): RequestLogging {
  return (req, res) => {
    const started = Date.now();
    res.once('close', () => {
      if (res.statusCode < 500) return;
      logger.error(
        {
          req: requestFields(req),
          res: { statusCode: res.statusCode },
          responseTime: Date.now() - started,
        },
        message(req, res),
      );
    });
  };
}
