/**
 * The REST request headers of conditional requests and idempotent creates, parsed once:
 * If-Match on writes (PUT, PATCH, DELETE), If-None-Match on reads, Idempotency-Key on POST.
 * A header present but malformed is the request's own fault: 400 naming it (before 404).
 */
import {
  parseIdempotencyKey,
  parseIfMatch,
  parseIfNoneMatch,
  PUBLIC_MESSAGES,
  type ContractIssue,
  type RequestConditions,
} from '@todo/api';
import type { Request, RequestHandler } from 'express';

import { HttpError } from '../http-error.js';

const conditions = new WeakMap<Request, RequestConditions>();

export function conditionsOf(req: Request): RequestConditions {
  return conditions.get(req) ?? {};
}

const WRITES = new Set(['PUT', 'PATCH', 'DELETE']);

export function restConditions(): RequestHandler {
  return (req, _res, next) => {
    const found: RequestConditions = {};
    const issues: ContractIssue[] = [];
    const ifMatch = WRITES.has(req.method) ? req.get('if-match') : undefined;
    if (ifMatch !== undefined) {
      found.ifMatch = parseIfMatch(ifMatch);
      if (found.ifMatch === undefined) {
        issues.push({ path: ['If-Match'], message: 'If-Match must be * or a list of entity tags' });
      }
    }
    const ifNoneMatch = req.method === 'GET' ? req.get('if-none-match') : undefined;
    if (ifNoneMatch !== undefined) {
      found.ifNoneMatch = parseIfNoneMatch(ifNoneMatch);
      if (found.ifNoneMatch === undefined) {
        issues.push({
          path: ['If-None-Match'],
          message: 'If-None-Match must be * or a list of entity tags',
        });
      }
    }
    const key = req.method === 'POST' ? req.get('idempotency-key') : undefined;
    if (key !== undefined) {
      found.idempotencyKey = parseIdempotencyKey(key);
      if (found.idempotencyKey === undefined) {
        issues.push({
          path: ['Idempotency-Key'],
          message:
            'Idempotency-Key must be 1 to 255 characters of A-Z a-z 0-9 . _ : - (optionally quoted)',
        });
      }
    }
    if (issues.length > 0) {
      next(new HttpError(400, 'BAD_REQUEST', PUBLIC_MESSAGES.validation, { issues }));
      return;
    }
    conditions.set(req, found);
    next();
  };
}
