/**
 * `GET /api/{user_id}/events`: the user's live changes as Server-Sent Events, for any HTTP
 * client (trpc-to-openapi cannot serve a stream). Each change is `id: <seq>`, `event: change`,
 * `data: <the change>`; a `: ping` comment every 15 s keeps proxies from closing it. Resume with
 * `Last-Event-ID` (as EventSource sends it) or `?since=`; without either, only changes made from
 * now on. It ends with `event: end` when the token expires and on shutdown.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  Cursor,
  cursorValue,
  InvalidInputError,
  type AuthUser,
  type ChangeStreams,
  type StreamEvent,
} from '@todo/api';

import { invalidInput } from '../http-error.js';
import { streamOpenError, type LiveResponses } from '../live-responses.js';

const PING_MS = 15_000;

function format(event: StreamEvent): string {
  return event.kind === 'change'
    ? `id: ${event.change.seq}\nevent: change\ndata: ${JSON.stringify(event.change)}\n\n`
    : `id: ${event.cursor}\nevent: reset\ndata: ${JSON.stringify({ cursor: event.cursor })}\n\n`;
}

/** The response is over: ended by us or closed by the client. */
const over = (res: ServerResponse) => res.writableEnded || res.destroyed;

/** Writes `text`, waiting while the client is slow to read (or until it is gone). */
async function write(res: ServerResponse, text: string): Promise<void> {
  if (over(res) || res.write(text)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** The resume point (Last-Event-ID wins over `?since=`; undefined: from now on) and its source. */
function resumePoint(
  req: IncomingMessage,
  since: string | undefined,
): { after: number | undefined; source: string } {
  const header = req.headers['last-event-id'];
  const [source, text] = header !== undefined ? ['Last-Event-ID', header] : ['since', since];
  if (text === undefined) return { after: undefined, source };
  const parsed = Cursor.safeParse(text);
  if (!parsed.success) {
    throw invalidInput([{ path: [source], message: parsed.error.issues[0]?.message ?? '' }]);
  }
  return { after: cursorValue(parsed.data), source };
}

/** Serves the stream of `user`'s changes on `res` until it closes, its token expires or we stop. */
export async function serveEvents(
  req: IncomingMessage,
  res: ServerResponse,
  user: AuthUser,
  since: string | undefined,
  deps: { streams: ChangeStreams; live: LiveResponses },
): Promise<void> {
  const { streams, live } = deps;
  const { after, source } = resumePoint(req, since);
  let stream;
  try {
    stream = await streams.open(user.id, after);
  } catch (error) {
    // A resume point past the newest change: named as the client sent it.
    if (error instanceof InvalidInputError) {
      throw invalidInput(error.issues.map((issue) => ({ ...issue, path: [source] })));
    }
    throw streamOpenError(error);
  }
  // The client left while the stream was opening: its close has come and gone.
  if (over(res)) {
    stream.close();
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  const ping = setInterval(() => {
    if (!over(res)) res.write(': ping\n\n');
  }, PING_MS);
  ping.unref();
  const finish = () => {
    clearInterval(ping);
    stream.close();
  };
  res.once('close', finish);
  live.track(res, user.expiresAt, (reason) => {
    finish();
    res.end(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
  });
  await write(res, ': connected\n\n');
  for await (const event of stream) {
    if (over(res)) break;
    await write(res, format(event));
  }
  clearInterval(ping);
  if (!res.writableEnded) res.end();
}
