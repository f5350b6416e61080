/**
 * Errors raised by Express middleware before a request reaches tRPC (auth, rate limit, body,
 * routing), rendered in the shape of the surface that was called: the contract's JSON body on
 * /api and everywhere else, tRPC's own error envelope on /trpc.
 */
import { formatError, type ContractIssue } from '@todo/api';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import type { Request, Response } from 'express';

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

function isTrpcRequest(req: Request): boolean {
  return (
    req.originalUrl === TRPC_MOUNT ||
    req.originalUrl.startsWith(`${TRPC_MOUNT}/`) ||
    req.originalUrl.startsWith(`${TRPC_MOUNT}?`)
  );
}

/** The procedure paths a tRPC URL names (`/trpc/a,b?batch=1` → a, b). */
function trpcPaths(req: Request): { paths: string[]; batch: boolean } {
  const url = new URL(req.originalUrl, 'http://localhost');
  const names = url.pathname.slice(TRPC_MOUNT.length + 1);
  const paths = names === '' ? [] : decodeURIComponent(names).split(',');
  return { paths, batch: url.searchParams.get('batch') === '1' };
}

function restBody(error: HttpError): Record<string, unknown> {
  return {
    code: error.code,
    message: error.message,
    ...(error.extra.issues ? { issues: error.extra.issues } : {}),
  };
}

function trpcBody(req: Request, error: HttpError): unknown {
  const cause = new TRPCError({ code: error.code, message: error.message });
  const { paths, batch } = trpcPaths(req);
  if (!batch) return { error: formatError(cause, paths[0]) };
  return (paths.length > 0 ? paths : [undefined]).map((path) => ({
    error: formatError(cause, path),
  }));
}

export function sendHttpError(req: Request, res: Response, error: HttpError): void {
  for (const [name, value] of Object.entries(error.extra.headers ?? {})) res.setHeader(name, value);
  res.status(error.status).json(isTrpcRequest(req) ? trpcBody(req, error) : restBody(error));
}
