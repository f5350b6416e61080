import type { RequestHandler } from 'express';

import { HttpError } from '../http-error.js';

/** Every path no route answered: the contract's JSON 404. */
export function notFound(): RequestHandler {
  return (req, _res, next) => {
    next(new HttpError(404, 'NOT_FOUND', `No route for ${req.method} ${req.path}`));
  };
}

/** For a path that exists with other methods: 405 with Allow. */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Allow', allowed.join(', '));
    next(
      new HttpError(
        405,
        'METHOD_NOT_SUPPORTED',
        `Method ${req.method} is not allowed here; allowed: ${allowed.join(', ')}`,
      ),
    );
  };
}
