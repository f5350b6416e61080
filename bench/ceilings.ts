/**
 * Where the server's time goes: the API's real procedures (zod input and output schemas, the
 * owner middleware, the drizzle store, the token verifier the server uses, its cache included,
 * the server's LISTEN/NOTIFY change bus) behind one layer of the stack at a time and nothing
 * else: no logging, no headers, no rate limit, no error bodies, no checks of ours. Each
 * variant's CPU per request bounds what the full server can reach with that layer in it.
 * CEILING picks the variant:
 *
 * - `caller`: raw node:http, get-one called through tRPC's server-side caller;
 * - `express`: the same handler behind a bare Express 5 app;
 * - `openapi-adapter`: trpc-to-openapi's node handler (what serves /api) on raw node:http, with
 *   the options the server gives it, every operation;
 * - `trpc-adapter`: tRPC's own node:http adapter (what serves /trpc) on raw node:http, with the
 *   options the server gives it, every procedure.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import {
  appRouter,
  createChangeStreams,
  createContextFactory,
  createPostgresBus,
  createTaskService,
  createTokenVerifier,
  parseIdempotencyKey,
  parseIfMatch,
} from '@todo/api';
import { createDatabase } from '@todo/db';
import { BODY_LIMIT_BYTES } from '@todo/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import express from 'express';
import { createOpenApiNodeHttpHandler } from 'trpc-to-openapi';

import { send } from './send.js';

const variant = process.env.CEILING ?? 'caller';
let statements = 0;
const database = await createDatabase({
  url: process.env.DATABASE_URL ?? '',
  poolMax: 10,
  onQuery: () => {
    statements++;
  },
});
process.on('SIGUSR2', () => {
  process.stdout.write(`${JSON.stringify({ sqlStatements: statements })}\n`);
});
const verifier = createTokenVerifier({ secret: process.env.BETTER_AUTH_SECRET ?? '' });
// The bus the server uses on PostgreSQL: each write's change notice goes out as NOTIFY and comes
// back on the LISTEN connection, as it does in the server (same code, same settings).
const bus = await createPostgresBus({ url: process.env.DATABASE_URL ?? '' });
const tasks = createTaskService(database.db, { bus });
const contextOf = createContextFactory({
  tasks,
  streams: createChangeStreams({ bus, feed: tasks.feed }),
});

async function contextFor(req: IncomingMessage) {
  const header = req.headers.authorization ?? '';
  const verified = header.startsWith('Bearer ')
    ? await verifier.verify(header.slice(7)).catch(() => null)
    : null;
  // The preconditions the procedures read (If-Match, Idempotency-Key), as the server parses them.
  const ifMatch = req.headers['if-match'];
  const key = req.headers['idempotency-key'];
  return contextOf({
    user: verified ? { id: verified.userId } : null,
    conditions: {
      ifMatch: typeof ifMatch === 'string' ? parseIfMatch(ifMatch) : undefined,
      idempotencyKey: typeof key === 'string' ? parseIdempotencyKey(key) : undefined,
    },
  });
}

/** GET /api/{user_id}/tasks/{id} through the procedure, without an HTTP adapter. */
async function callerHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const match = /^\/api\/([^/]+)\/tasks\/(\d+)$/.exec(req.url ?? '');
  if (!match) {
    send(res, 404, { code: 'NOT_FOUND' });
    return;
  }
  const caller = appRouter.createCaller(await contextFor(req));
  try {
    send(res, 200, await caller.tasks.get({ user_id: match[1] ?? '', id: Number(match[2]) }));
  } catch {
    send(res, 500, { code: 'INTERNAL_SERVER_ERROR' });
  }
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

function listenerFor(name: string): Listener {
  switch (name) {
    case 'caller':
      return (req, res) => void callerHandler(req, res);
    case 'express': {
      const app = express();
      app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
      app.use((req, res) => void callerHandler(req, res));
      return app;
    }
    case 'openapi-adapter': {
      const handler = createOpenApiNodeHttpHandler({
        router: appRouter,
        createContext: ({ req }) => contextFor(req),
        maxBodySize: BODY_LIMIT_BYTES,
      });
      return (req, res) => {
        // The adapter matches paths below its mount point.
        req.url = req.url?.replace(/^\/api/, '');
        void handler(req, res);
      };
    }
    case 'trpc-adapter': {
      const handler = createHTTPHandler({
        router: appRouter,
        basePath: '/trpc/',
        createContext: ({ req }) => contextFor(req),
        maxBodySize: BODY_LIMIT_BYTES,
      });
      return handler;
    }
    default:
      throw new Error(`unknown CEILING ${name}`);
  }
}

const serve = listenerFor(variant);
const server = createServer((req, res) => {
  if (req.url === '/health') send(res, 200, { status: 'ok' });
  else serve(req, res);
});
server.listen(Number(process.env.PORT ?? 8300), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  void bus.close().then(() => database.close());
});
