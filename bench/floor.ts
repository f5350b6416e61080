/**
 * The floor: the API's workloads with the same SQL (as drizzle sends it, see floor-sql.ts) and
 * the same HS256 check (jsonwebtoken, KeyObject made once), on raw node:http + postgres.js and
 * nothing else: no framework, no validation library. What the API's overhead is measured against.
 */
import { createSecretKey } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import jwt from 'jsonwebtoken';
import postgres from 'postgres';

import { FLOOR_SQL, type FloorInput, type FloorOperation } from './floor-sql.js';
import { send } from './send.js';

const url = process.env.DATABASE_URL ?? '';
const port = Number(process.env.PORT ?? 8100);
const key = createSecretKey(Buffer.from(process.env.BETTER_AUTH_SECRET ?? '', 'utf8'));
const sql = postgres(url, { max: 10, onnotice: () => undefined });

/** Statements sent, printed on SIGUSR2 as the benchmark's server prints its own. */
let statements = 0;
process.on('SIGUSR2', () => {
  process.stdout.write(`${JSON.stringify({ sqlStatements: statements })}\n`);
});
function query(operation: FloorOperation, input: FloorInput) {
  statements++;
  const statement = FLOOR_SQL[operation];
  return sql.unsafe<Row[]>(statement.text, statement.params(input), { prepare: true });
}

interface Row {
  id: number;
  user_id: string;
  version: number;
  seq: number;
  created_at: Date;
  updated_at: Date;
  /** Whether an update changed the row (updates only). */
  '?column?'?: boolean;
}

/** The task as the API answers it: no `seq`, dates as ISO strings. */
function toJson(row: Row) {
  const { seq: _seq, '?column?': _changed, ...task } = row;
  return {
    ...task,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** A one-task answer with its ETag, as the API sends it. */
function sendTask(res: ServerResponse, status: number, row: Row | undefined, missing: number) {
  if (!row) {
    send(res, missing, { code: missing === 412 ? 'PRECONDITION_FAILED' : 'NOT_FOUND' });
    return;
  }
  res.setHeader('ETag', `"${row.version}"`);
  send(res, status, toJson(row));
}

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
  const input: FloorInput = { user, id: id ?? 0, title: '', key: '', body: {}, versions: [] };
  if (req.method === 'GET' && id === undefined) {
    const rows = await query('list', input);
    send(res, 200, rows.map(toJson));
    return;
  }
  if (req.method === 'POST' && id === undefined) {
    const body = JSON.parse(await readBody(req)) as { title: string };
    const idempotencyKey = req.headers['idempotency-key'];
    const title = body.title.trim();
    const [row] =
      typeof idempotencyKey === 'string'
        ? await query('create-key', { ...input, title, key: idempotencyKey, body })
        : await query('create', { ...input, title });
    sendTask(res, 201, row, 500);
    return;
  }
  if (req.method === 'GET' && id !== undefined && !match[3]) {
    const [row] = await query('get', input);
    sendTask(res, 200, row, 404);
    return;
  }
  if (req.method === 'PATCH' && id !== undefined && match[3]) {
    await readBody(req);
    const [row] = await query('toggle', input);
    sendTask(res, 200, row, 404);
    return;
  }
  if (req.method === 'PATCH' && id !== undefined) {
    const body = JSON.parse(await readBody(req)) as { title: string };
    const title = body.title.trim();
    const ifMatch = /^"(\d+)"$/.exec(req.headers['if-match'] ?? '');
    const [row] = ifMatch
      ? await query('patch-if-match', { ...input, title, versions: [Number(ifMatch[1])] })
      : await query('patch', { ...input, title });
    sendTask(res, 200, row, ifMatch ? 412 : 404);
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
