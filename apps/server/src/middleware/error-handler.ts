/**
 * The last-resort handler: errors raised before tRPC (body parser, auth, rate limit, routing)
 * and crashes anywhere. The client gets the contract's JSON and a fixed message; the log gets
 * the error with the request id (never driver text with its parameters: see log-safe-error).
 */
import { PUBLIC_MESSAGES } from '@todo/api';
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';

import { HttpError, sendHttpError } from '../http-error.js';
import { logSafeError } from '../log-safe-error.js';
import { requestIdOf } from './request-id.js';

interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    'type' in error &&
    typeof error.type === 'string' &&
    'status' in error &&
    typeof error.status === 'number'
  );
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (isBodyParserError(error)) {
    switch (error.type) {
      case 'entity.too.large':
        return new HttpError(413, 'PAYLOAD_TOO_LARGE', 'Request body exceeds 64 KiB');
      case 'entity.parse.failed':
        return new HttpError(400, 'BAD_REQUEST', PUBLIC_MESSAGES.invalidJson);
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding or charset');
      default:
        if (error.status >= 400 && error.status < 500) {
          return new HttpError(400, 'BAD_REQUEST', 'The request body could not be read');
        }
    }
  }
  return new HttpError(500, 'INTERNAL_SERVER_ERROR', PUBLIC_MESSAGES.internal, { cause: error });
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const httpError = toHttpError(error);
    if (httpError.status >= 500) {
      logger.error(
        { requestId: requestIdOf(req), error: logSafeError(httpError.extra.cause ?? error) },
        'request failed',
      );
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendHttpError(req, res, httpError);
  };
}
