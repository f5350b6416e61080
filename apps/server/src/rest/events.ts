/**
 * `GET /api/{user_id}/events`: the user's live changes as Server-Sent Events, for any HTTP
 * client (trpc-to-openapi cannot serve a stream). Each change is `id: <seq>`, `event: change`,
 * `data: <the change>`; a `: ping` comment every 15 s keeps proxies from closing it. Resume with
 * `Last-Event-ID` (as EventSource sends it) or `?since=`; without either, only changes made from
 * now on. It ends with `event: end` when the token expires and on shutdown.
 */
import {
  Cursor,
  cursorValue,
  EVENTS_PATH,
  PUBLIC_MESSAGES,
  toTRPCError,
  type ChangeStreams,
  type StreamEvent,
} from '@todo/api';
import type { Request, RequestHandler, Response } from 'express';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';

import { HttpError } from '../http-error.js';
import type { LiveResponses } from '../live-responses.js';
import { authOf } from '../middleware/authenticate.js';
import { routeOf } from '../middleware/rest-routing.js';

const PING_MS = 15_000;

function format(event: StreamEvent): string {
  return event.kind === 'change'
    ? `id: ${event.change.seq}\nevent: change\ndata: ${JSON.stringify(event.change)}\n\n`
    : `id: ${event.cursor}\nevent: reset\ndata: ${JSON.stringify({ cursor: event.cursor })}\n\n`;
}

/** Writes `text`, waiting while the client is slow to read (or until it is gone). */
async function write(res: Response, text: string): Promise<void> {
  if (res.write(text)) return;
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

/** The resume point: Last-Event-ID wins over `?since=`; undefined: from now on. */
function resumePoint(req: Request): number | undefined {
  const since = new URLSearchParams(req.url.split('?')[1] ?? '').get('since');
  const text = req.get('last-event-id') ?? since ?? undefined;
  if (text === undefined) return undefined;
  const parsed = Cursor.safeParse(text);
  if (!parsed.success) {
    throw new HttpError(400, 'BAD_REQUEST', PUBLIC_MESSAGES.validation, {
      issues: [{ path: ['since'], message: 'The resume point must be a cursor or an event id' }],
    });
  }
  return cursorValue(parsed.data);
}

/** An error of opening the stream, answered before it opens with the contract's status. */
function openError(error: unknown): HttpError {
  const trpc = toTRPCError(error);
  const status = getHTTPStatusCodeFromError(trpc);
  return new HttpError(status, trpc.code, status >= 500 ? PUBLIC_MESSAGES.internal : trpc.message, {
    headers: status === 429 || status === 503 ? { 'Retry-After': '5' } : undefined,
    cause: error,
  });
}

export function eventsRoute(streams: ChangeStreams, live: LiveResponses): RequestHandler {
  return async (req, res, next) => {
    if (routeOf(req)?.route.template !== EVENTS_PATH) {
      next();
      return;
    }
    const auth = authOf(req);
    if (auth.kind !== 'valid') {
      next();
      return;
    }
    let stream;
    try {
      stream = await streams.open(auth.user.id, resumePoint(req));
    } catch (error) {
      next(error instanceof HttpError ? error : openError(error));
      return;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const ping = setInterval(() => res.write(': ping\n\n'), PING_MS);
    ping.unref();
    res.once('close', () => {
      clearInterval(ping);
      stream.close();
    });
    live.track(res, auth.user.expiresAt, (reason) => {
      stream.close();
      res.end(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
    });
    await write(res, ': connected\n\n');
    for await (const event of stream) {
      if (res.writableEnded || res.destroyed) break;
      await write(res, format(event));
    }
    clearInterval(ping);
    if (!res.writableEnded) res.end();
  };
}
