import { randomUUID } from 'node:crypto';

import type { Request, RequestHandler } from 'express';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const ids = new WeakMap<Request, string>();

/** The caller's X-Request-Id when it is well-formed, a new UUID otherwise; echoed on every response. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const id = incoming !== undefined && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ids.set(req, id);
    res.setHeader('X-Request-Id', id);
    next();
  };
}

export function requestIdOf(req: Request): string {
  return ids.get(req) ?? 'unknown';
}
