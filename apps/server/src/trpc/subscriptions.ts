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

import { HttpError, invalidInput } from '../http-error.js';
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

export type SubscriptionCheck = (
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  search: string,
  user: AuthUser,
) => void;

export function subscriptionCheck(streams: ChangeStreams, live: LiveResponses): SubscriptionCheck {
  const paths = new Set([...subscriptionPaths()].map((path) => `/${path}`));
  return (req, res, path, search, user) => {
    if (req.method !== 'GET' || !paths.has(path)) return;
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
    live.track(res, user.expiresAt, () => res.destroy());
  };
}
