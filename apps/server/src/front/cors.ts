import cors from 'cors';
import type { RequestHandler } from 'express';

/** CORS for the configured origins, on every response (errors included: it runs first). */
export function corsPolicy(origins: readonly string[]): RequestHandler {
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
