/**
 * The floor: the same four operations as the API with the same SQL (as drizzle sends it) and
 * the same HS256 check (jsonwebtoken, KeyObject made once), on raw node:http + postgres.js and
 * nothing else: no framework, no validation library. What the API's overhead is measured against.
 */
import { createSecretKey } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import jwt from 'jsonwebtoken';
import postgres from 'postgres';

import { send } from './send.js';

const url = process.env.DATABASE_URL ?? '';
const port = Number(process.env.PORT ?? 8100);
const key = createSecretKey(Buffer.from(process.env.BETTER_AUTH_SECRET ?? '', 'utf8'));
const sql = postgres(url, { max: 10, onnotice: () => undefined });

/** Statements sent, printed on SIGUSR2 like the server's DB_STATEMENT_STATS (one per query call). */
let statements = 0;
process.on('SIGUSR2', () => {
  process.stdout.write(`${JSON.stringify({ sqlStatements: statements })}\n`);
});
function query(text: string, params: (string | number | boolean | null)[]) {
  statements++;
  return sql.unsafe<Row[]>(text, params, { prepare: true });
}

const COLUMNS = '"id", "user_id", "title", "description", "completed", "created_at", "updated_at"';
const LIST = `select ${COLUMNS} from "tasks" where "tasks"."user_id" = $1 order by "tasks"."created_at" desc, "tasks"."id" desc limit $2`;
const GET = `select ${COLUMNS} from "tasks" where "tasks"."id" = $1 and "tasks"."user_id" = $2 limit $3`;
const CREATE = `insert into "tasks" ("id", "user_id", "title", "description", "completed", "created_at", "updated_at") values (default, $1, $2, $3, $4, default, default) returning ${COLUMNS}`;
const TOGGLE = `update "tasks" set "completed" = not "tasks"."completed", "updated_at" = now() where "tasks"."id" = $1 and "tasks"."user_id" = $2 returning ${COLUMNS}`;

interface Row {
  id: number;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  created_at: Date;
  updated_at: Date;
}

const toJson = (row: Row) => ({
  ...row,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

function subject(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Bearer ')) return undefined;
  try {
    const payload = jwt.verify(header.slice(7), key, { algorithms: ['HS256'], clockTolerance: 30 });
    return typeof payload === 'object' && typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.url === '/health') {
    send(res, 200, { status: 'ok' });
    return;
  }
  const match = /^\/api\/([^/]+)\/tasks(?:\/(\d+)(\/complete)?)?(?:\?.*)?$/.exec(req.url ?? '');
  if (!match) {
    send(res, 404, { code: 'NOT_FOUND', message: 'Not found' });
    return;
  }
  const user = subject(req);
  if (!user) {
    send(res, 401, { code: 'UNAUTHORIZED', message: 'Missing or invalid bearer token' });
    return;
  }
  if (decodeURIComponent(match[1] ?? '') !== user) {
    send(res, 403, { code: 'FORBIDDEN', message: 'Forbidden' });
    return;
  }
  const id = match[2] === undefined ? undefined : Number(match[2]);
  if (req.method === 'GET' && id === undefined) {
    const rows = await query(LIST, [user, 50]);
    send(res, 200, rows.map(toJson));
    return;
  }
  if (req.method === 'POST' && id === undefined) {
    const body = JSON.parse(await readBody(req)) as { title: string };
    const [row] = await query(CREATE, [user, body.title.trim(), null, false]);
    send(res, 201, row && toJson(row));
    return;
  }
  if (req.method === 'GET' && id !== undefined && !match[3]) {
    const [row] = await query(GET, [id, user, 1]);
    if (row) send(res, 200, toJson(row));
    else send(res, 404, { code: 'NOT_FOUND', message: 'Task not found' });
    return;
  }
  if (req.method === 'PATCH' && id !== undefined && match[3]) {
    await readBody(req);
    const [row] = await query(TOGGLE, [id, user]);
    if (row) send(res, 200, toJson(row));
    else send(res, 404, { code: 'NOT_FOUND', message: 'Task not found' });
    return;
  }
  send(res, 405, { code: 'METHOD_NOT_SUPPORTED', message: 'Method not allowed' });
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    send(res, 500, { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`floor listening on ${port}\n`));
process.on('SIGTERM', () => {
  server.close();
  void sql.end({ timeout: 2 });
});
