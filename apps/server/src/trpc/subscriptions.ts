/**
 * tRPC answers every error of a subscription inside its event stream, with status 200. The
 * contract wants 403 and 429 answered before the stream opens, with their HTTP status: this
 * runs those checks on the subscription request itself (401 has already been answered), and a
 * malformed `lastEventId` is a 400 there too. It then tracks the response so that it ends when
 * its token expires or the server stops, by dropping the connection, which tRPC's client takes
 * as "reconnect".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  claimsOtherUser,
  Cursor,
  PUBLIC_MESSAGES,
  subscriptionPaths,
  TooManyStreamsError,
  type AuthUser,
  type ChangeStreams,
} from '@todo/api';

import { HttpError, invalidInput, TRPC_MOUNT } from '../http-error.js';
import { streamOpenError, type LiveResponses } from '../live-responses.js';

function parsedInput(search: string): unknown {
  const input = new URLSearchParams(search).get('input');
  if (input === null) return undefined;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return undefined; // tRPC answers a malformed input itself
  }
}

const trimSlashes = (path: string) => path.replace(/^\//, '').replace(/\/$/, '');
const MOUNT = trimSlashes(TRPC_MOUNT);

/**
 * The procedure path tRPC's adapter resolves for `url`, computed the way it does (the WHATWG URL
 * path, dot segments resolved; slashes trimmed; the mount cut off; percent-decoded), so that
 * `/trpc/tasks.onChange/`, `/trpc/tasks%2EonChange` or `/trpc/x/../tasks.onChange` meet the
 * same checks as `/trpc/tasks.onChange`. Undefined where tRPC refuses the URL itself (400).
 */
function procedurePathOf(url: string): string | undefined {
  try {
    const { pathname } = new URL(url, 'http://localhost');
    return decodeURIComponent(trimSlashes(trimSlashes(pathname).slice(MOUNT.length)));
  } catch {
    return undefined;
  }
}

export type SubscriptionCheck = (
  req: IncomingMessage,
  res: ServerResponse,
  search: string,
  user: AuthUser,
) => 'serve' | 'gone';

export function subscriptionCheck(streams: ChangeStreams, live: LiveResponses): SubscriptionCheck {
  const paths = subscriptionPaths();
  return (req, res, search, user) => {
    if (req.method !== 'GET') return 'serve';
    const path = procedurePathOf(req.url ?? '');
    if (path === undefined || !paths.has(path)) return 'serve';
    const input = parsedInput(search);
    if (claimsOtherUser(input, user.id)) {
      throw new HttpError(403, 'FORBIDDEN', PUBLIC_MESSAGES.forbidden);
    }
    const lastEventId =
      typeof input === 'object' && input !== null && 'lastEventId' in input
        ? input.lastEventId
        : undefined;
    const resume = lastEventId == null ? undefined : Cursor.safeParse(lastEventId);
    if (resume?.success === false) {
      throw invalidInput([
        { path: ['lastEventId'], message: resume.error.issues[0]?.message ?? '' },
      ]);
    }
    if (!streams.hasRoomFor(user.id)) {
      throw streamOpenError(new TooManyStreamsError(streams.perUser));
    }
    // The client left while the checks awaited: no stream to start.
    if (res.destroyed) return 'gone';
    live.track(res, user.expiresAt, () => res.destroy());
    return 'serve';
  };
}
