/**
 * Raw REST values the schemas cannot judge, because trpc-to-openapi converts them first:
 * integers in the path and query must be plain decimal (it would read `0x10` or `1e1`), a
 * known query parameter must not be empty or repeated (it drops empty values), and a body may
 * not carry a path parameter's name (it would silently lose to the path, T5).
 */
import { PUBLIC_MESSAGES, type ContractIssue } from '@todo/api';
import type { RequestHandler } from 'express';

import { HttpError } from '../http-error.js';
import { routeOf } from './rest-routing.js';

const PLAIN_DECIMAL = /^[1-9][0-9]*$/;

export function restParams(): RequestHandler {
  return (req, _res, next) => {
    const match = routeOf(req);
    if (!match) {
      next();
      return;
    }
    const issues: ContractIssue[] = [];
    for (const name of match.operation.integerPathParams) {
      if (!PLAIN_DECIMAL.test(match.params[name] ?? '')) {
        issues.push({
          path: [name],
          message: `${name} must be a positive integer written in plain decimal`,
        });
      }
    }
    const query = req.query as Record<string, unknown>;
    for (const { name, integer } of match.operation.query) {
      const value = query[name];
      if (value === undefined) continue;
      if (typeof value !== 'string') {
        issues.push({ path: [name], message: `${name} must be given once` });
      } else if (value === '') {
        issues.push({ path: [name], message: `${name} must not be empty` });
      } else if (integer && !PLAIN_DECIMAL.test(value)) {
        issues.push({
          path: [name],
          message: `${name} must be a positive integer written in plain decimal`,
        });
      }
    }
    const body: unknown = req.body;
    if (typeof body === 'object' && body !== null) {
      for (const name of match.route.pathParams) {
        if (Object.hasOwn(body, name)) issues.push({ path: [name], message: 'Unknown field' });
      }
    }
    if (issues.length > 0) {
      next(new HttpError(400, 'BAD_REQUEST', PUBLIC_MESSAGES.validation, { issues }));
      return;
    }
    next();
  };
}
