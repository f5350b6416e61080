/**
 * Errors answered by the server itself, before a request reaches a tRPC adapter (auth, rate
 * limit, routing, body, headers) or when something crashes: rendered in the shape of the surface
 * that was called, the API's JSON error body on /api and everywhere else, tRPC's own error
 * envelope on /trpc. The REST body is built in one place, `restErrorBody`, which the REST
 * adapter uses for the procedures' errors too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { formatError, InvalidInputError, PUBLIC_MESSAGES, type ContractIssue } from '@todo/api';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

import type { Logger } from 'pino';

import { logSafeError } from './log-safe-error.js';
import { requestIdOf, stateOf, surfaceOf } from './request-state.js';

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: TRPC_ERROR_CODE_KEY,
    message: string,
    readonly extra: {
      issues?: ContractIssue[] | undefined;
      headers?: Record<string, string> | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: extra.cause });
  }
}

export const TRPC_MOUNT = '/trpc';
export const REST_MOUNT = '/api';

/** The API's error body: `{ code, message, issues? }`. */
export function restErrorBody(
  code: string,
  message: string,
  issues?: readonly ContractIssue[],
): { code: string; message: string; issues?: readonly ContractIssue[] } {
  return issues ? { code, message, issues } : { code, message };
}

/** 405 for a path that exists with other methods, with `Allow`. */
export function methodNotAllowed(
  method: string | undefined,
  allowed: readonly string[],
): HttpError {
  const allow = allowed.join(', ');
  return new HttpError(
    405,
    'METHOD_NOT_SUPPORTED',
    `Method ${method ?? ''} is not allowed here; allowed: ${allow}`,
    { headers: { Allow: allow } },
  );
}

/** A 400 with the API's validation message and its issues. */
export function invalidInput(issues: ContractIssue[]): HttpError {
  return new HttpError(400, 'BAD_REQUEST', PUBLIC_MESSAGES.validation, { issues });
}

/** A client error raised by Express or a library it runs (a malformed path, for one). */
function isClientError(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Anything thrown on the request path, as the error to answer (500 for what is not ours). */
function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (isClientError(error)) {
    return new HttpError(400, 'BAD_REQUEST', 'The request could not be read', { cause: error });
  }
  return new HttpError(500, 'INTERNAL_SERVER_ERROR', PUBLIC_MESSAGES.internal, { cause: error });
}

/**
 * Answers a request that failed with `error`: the log gets a 5xx with the request id (never
 * driver text with its parameters: see log-safe-error), the client the fixed public message.
 * A response already under way (a stream) can only be ended.
 */
export function answerError(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  logger: Logger,
): void {
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
}

/** The procedure paths a tRPC URL names (`/trpc/a,b?batch=1` → a, b). */
function trpcPaths(req: IncomingMessage): { paths: string[]; batch: boolean } {
  const url = new URL(stateOf(req).url, 'http://localhost');
  const names = url.pathname.slice(TRPC_MOUNT.length + 1);
  let paths: string[];
  try {
    paths = names === '' ? [] : decodeURIComponent(names).split(',');
  } catch {
    paths = [];
  }
  return { paths, batch: url.searchParams.get('batch') === '1' };
}

function trpcBody(req: IncomingMessage, error: HttpError): unknown {
  const { issues } = error.extra;
  const cause = new TRPCError({
    code: error.code,
    message: error.message,
    cause: issues ? new InvalidInputError(issues) : undefined,
  });
  const { paths, batch } = trpcPaths(req);
  if (!batch) return { error: formatError(cause, paths[0]) };
  return (paths.length > 0 ? paths : [undefined]).map((path) => ({
    error: formatError(cause, path),
  }));
}

function sendHttpError(req: IncomingMessage, res: ServerResponse, error: HttpError): void {
  const body =
    surfaceOf(req) === 'trpc'
      ? trpcBody(req, error)
      : restErrorBody(error.code, error.message, error.extra.issues);
  const text = JSON.stringify(body);
  res.statusCode = error.status;
  for (const [name, value] of Object.entries(error.extra.headers ?? {})) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text); // Node leaves the body out of a HEAD answer itself
}
