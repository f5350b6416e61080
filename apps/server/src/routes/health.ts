import { errorHeaders, PUBLIC_MESSAGES } from '@todo/api';
import { Router } from 'express';

import { HttpError, methodNotAllowed } from '../http-error.js';

const READY_TIMEOUT_MS = 2_000;

function withTimeout(check: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`readiness check timed out after ${ms} ms`));
    }, ms);
    check.then(resolve, reject).finally(() => {
      clearTimeout(timer);
    });
  });
}

/** `/health`: the process runs. `/ready`: the database answers (bounded wait). No auth. */
export function healthRoutes(ping: () => Promise<void>): Router {
  const router = Router();
  router
    .route('/health')
    .get((_req, res) => {
      res.json({ status: 'ok' });
    })
    .all((req, _res, next) => {
      next(methodNotAllowed(req.method, ['GET', 'HEAD']));
    });
  router
    .route('/ready')
    .get(async (_req, res, next) => {
      try {
        await withTimeout(ping(), READY_TIMEOUT_MS);
        res.json({ status: 'ready' });
      } catch (error) {
        next(
          new HttpError(503, 'SERVICE_UNAVAILABLE', PUBLIC_MESSAGES.unavailable, {
            headers: errorHeaders(['SERVICE_UNAVAILABLE'], false),
            cause: error,
          }),
        );
      }
    })
    .all((req, _res, next) => {
      next(methodNotAllowed(req.method, ['GET', 'HEAD']));
    });
  return router;
}
