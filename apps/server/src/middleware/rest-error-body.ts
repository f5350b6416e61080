/**
 * trpc-to-openapi builds a REST error body by spreading tRPC's error shape and overwriting
 * `message`, `code` and `issues` (raw zod issues); it offers no hook to shape it
 * (mcampa/trpc-to-openapi#168). This wrapper, on /api only, rewrites what the adapter sends
 * for a status >= 400 into the contract's `{ code, message, issues? }`, taking the issues the
 * errorFormatter already normalised, and sends 204s and 304s without a Content-Type.
 */
import { PUBLIC_MESSAGES } from '@todo/api';
import type { RequestHandler, Response } from 'express';

interface AdapterErrorBody {
  code?: unknown;
  message?: unknown;
  data?: { issues?: unknown };
}

function contractBody(text: string): string {
  let parsed: AdapterErrorBody;
  try {
    parsed = JSON.parse(text) as AdapterErrorBody;
  } catch {
    return JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: PUBLIC_MESSAGES.internal });
  }
  const issues = Array.isArray(parsed.data?.issues) ? parsed.data.issues : undefined;
  return JSON.stringify({
    code: typeof parsed.code === 'string' ? parsed.code : 'INTERNAL_SERVER_ERROR',
    message: typeof parsed.message === 'string' ? parsed.message : PUBLIC_MESSAGES.internal,
    ...(issues ? { issues } : {}),
  });
}

export function restErrorBodies(): RequestHandler {
  return (_req, res, next) => {
    const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => Response;
    const patched = (chunk?: unknown, ...rest: unknown[]): Response => {
      // 204 and 304 have no body (Node drops it): no Content-Type either.
      if (res.statusCode === 204 || res.statusCode === 304) {
        res.removeHeader('Content-Type');
        return end(undefined, ...rest.filter((arg) => typeof arg === 'function'));
      }
      if (res.statusCode >= 400 && typeof chunk === 'string') {
        const body = contractBody(chunk);
        res.setHeader('Content-Length', Buffer.byteLength(body));
        return end(body, ...rest);
      }
      return end(chunk, ...rest);
    };
    res.end = patched as Response['end'];
    next();
  };
}
