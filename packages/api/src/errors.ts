/**
 * The one place errors become what leaves the process. Domain and driver errors are mapped to
 * tRPC codes here; the formatter below never lets a stack, SQL or driver text through.
 */
import { isUnavailable } from '@todo/db';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import {
  TRPC_ERROR_CODES_BY_KEY,
  type TRPC_ERROR_CODE_KEY,
  type TRPC_ERROR_CODE_NUMBER,
} from '@trpc/server/rpc';
import { z } from 'zod';

import { KeySetUnavailableError } from './auth/verifier.js';

export interface ContractIssue {
  path: (string | number)[];
  message: string;
}

export const PUBLIC_MESSAGES = {
  validation: 'Input validation failed',
  invalidJson: 'Request body is not valid JSON',
  internal: 'Internal server error',
  unavailable: 'The service is temporarily unavailable; retry shortly',
  unauthorized: 'Missing or invalid bearer token',
  forbidden: 'This token may not access this user’s tasks',
  notFound: 'Task not found',
  preconditionFailed: 'The task has changed: its version matches none in If-Match (if_version)',
  keyInUse: 'A create with this Idempotency-Key is still running; retry shortly',
  keyReused: 'This Idempotency-Key was used with another request body',
} as const;

/** Seconds a client should wait after a 503 (`Retry-After`). */
export const RETRY_AFTER_SECONDS = 5;

/** A 400 whose issues we found ourselves (not a zod parse). */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(readonly issues: ContractIssue[]) {
    super(PUBLIC_MESSAGES.validation);
  }
}

/** The task does not exist or is not the caller's: the two are never told apart. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor() {
    super(PUBLIC_MESSAGES.notFound);
  }
}

/** If-Match (or if_version) names none of the task's versions: nothing was written. */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
  constructor() {
    super(PUBLIC_MESSAGES.preconditionFailed);
  }
}

/** Another create with the same Idempotency-Key has not finished. */
export class IdempotencyKeyInUseError extends Error {
  override readonly name = 'IdempotencyKeyInUseError';
  constructor() {
    super(PUBLIC_MESSAGES.keyInUse);
  }
}

/** The Idempotency-Key was stored for a request with another body. */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor() {
    super(PUBLIC_MESSAGES.keyReused);
  }
}

/** More open live streams than the per-user limit. */
export class TooManyStreamsError extends Error {
  override readonly name = 'TooManyStreamsError';
  constructor(readonly limit: number) {
    super(`At most ${limit} open streams per user; close one or retry later`);
  }
}

/** Domain errors and the tRPC code each one is answered with. */
const DOMAIN_CODES: [new (...args: never[]) => Error, TRPC_ERROR_CODE_KEY][] = [
  [InvalidInputError, 'BAD_REQUEST'],
  [NotFoundError, 'NOT_FOUND'],
  [PreconditionFailedError, 'PRECONDITION_FAILED'],
  [IdempotencyKeyInUseError, 'CONFLICT'],
  [IdempotencyKeyReusedError, 'UNPROCESSABLE_CONTENT'],
  [TooManyStreamsError, 'TOO_MANY_REQUESTS'],
];

function domainError(error: unknown): TRPCError | undefined {
  for (const [type, code] of DOMAIN_CODES) {
    if (error instanceof type) return new TRPCError({ code, message: error.message, cause: error });
  }
  return undefined;
}

function toPath(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((key) => (typeof key === 'number' ? key : String(key)));
}

/** zod issues as the contract's `{ path, message }`, one per unknown field. */
function toContractIssues(error: z.core.$ZodError): ContractIssue[] {
  return error.issues.flatMap((issue): ContractIssue[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...toPath(issue.path), key], message: 'Unknown field' }))
      : [{ path: toPath(issue.path), message: issue.message }],
  );
}

/** Maps anything a procedure throws to a TRPCError; unknown errors keep their cause, not their text. */
export function toTRPCError(error: unknown): TRPCError {
  const cause =
    error instanceof TRPCError && error.code === 'INTERNAL_SERVER_ERROR' ? error.cause : error;
  if (isUnavailable(cause) || cause instanceof KeySetUnavailableError) {
    return new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: PUBLIC_MESSAGES.unavailable,
      cause,
    });
  }
  const domain = domainError(cause);
  if (domain) return domain;
  if (error instanceof TRPCError) return error;
  return new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message: PUBLIC_MESSAGES.internal,
    cause: error,
  });
}

export interface ErrorData {
  code: TRPC_ERROR_CODE_KEY;
  httpStatus: number;
  path?: string | undefined;
  issues?: ContractIssue[] | undefined;
}

export interface ErrorShape {
  message: string;
  code: TRPC_ERROR_CODE_NUMBER;
  data: ErrorData;
}

function issuesOf(error: TRPCError): ContractIssue[] | undefined {
  if (error.cause instanceof InvalidInputError) return error.cause.issues;
  if (error.cause instanceof z.core.$ZodError) return toContractIssues(error.cause);
  return undefined;
}

/** The message a client may see: fixed texts for every code whose message could carry internals. */
function publicMessage(error: TRPCError, issues: ContractIssue[] | undefined): string {
  if (issues) return PUBLIC_MESSAGES.validation;
  switch (error.code) {
    case 'PARSE_ERROR':
      return PUBLIC_MESSAGES.invalidJson;
    case 'INTERNAL_SERVER_ERROR':
      return PUBLIC_MESSAGES.internal;
    case 'SERVICE_UNAVAILABLE':
      return PUBLIC_MESSAGES.unavailable;
    default:
      return error.message;
  }
}

/**
 * tRPC's error shape for every error of both surfaces: the contract's code as `data.code`
 * (unparsable input is BAD_REQUEST, not PARSE_ERROR), never a stack.
 */
export function formatError(error: TRPCError, path: string | undefined): ErrorShape {
  const code: TRPC_ERROR_CODE_KEY = error.code === 'PARSE_ERROR' ? 'BAD_REQUEST' : error.code;
  const issues = issuesOf(error);
  return {
    message: publicMessage(error, issues),
    code: TRPC_ERROR_CODES_BY_KEY[code],
    data: {
      code,
      httpStatus: getHTTPStatusCodeFromError(error),
      ...(path === undefined ? {} : { path }),
      ...(issues ? { issues } : {}),
    },
  };
}

/** Extra headers an error carries on either surface. */
export function errorHeaders(
  codes: readonly TRPC_ERROR_CODE_KEY[],
  bearerSent: boolean,
): Record<string, string> {
  const headers: Record<string, string> = {};
  if (codes.includes('SERVICE_UNAVAILABLE') || codes.includes('TOO_MANY_REQUESTS')) {
    headers['Retry-After'] = String(RETRY_AFTER_SECONDS);
  }
  if (codes.includes('UNAUTHORIZED')) {
    headers['WWW-Authenticate'] = bearerSent ? 'Bearer error="invalid_token"' : 'Bearer';
  }
  return headers;
}
