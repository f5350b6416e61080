import type { IncomingMessage, ServerResponse } from 'node:http';

import cors from 'cors';

/** Sets the CORS headers of `req`; answers a preflight itself, else calls `next`. */
export type CorsPolicy = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** CORS for the configured origins, on every response (errors included: it runs first). */
export function corsPolicy(origins: readonly string[]): CorsPolicy {
  return cors({
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'X-Request-Id',
      'If-Match',
      'If-None-Match',
      'Idempotency-Key',
      'Last-Event-ID',
      'trpc-accept',
      'x-trpc-source',
    ],
    exposedHeaders: [
      'X-Request-Id',
      'Retry-After',
      'WWW-Authenticate',
      'RateLimit',
      'RateLimit-Policy',
      'ETag',
      'Idempotent-Replayed',
    ],
    maxAge: 600,
  });
}
