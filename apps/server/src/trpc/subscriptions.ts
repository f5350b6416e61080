/**
 * tRPC answers every error of a subscription inside its event stream, with status 200. The
 * contract wants 403 and 429 answered before the stream opens, with their HTTP status: this
 * runs those two checks on the subscription request itself (401 has already been answered),
 * and tracks the response so that it ends when its token expires or the server stops. It ends
 * by dropping the connection, which EventSource and tRPC's client take as "reconnect".
 */
import {
  PUBLIC_MESSAGES,
  RETRY_AFTER_SECONDS,
  subscriptionPaths,
  type ChangeStreams,
} from '@todo/api';
import type { RequestHandler } from 'express';

import { HttpError } from '../http-error.js';
import type { LiveResponses } from '../live-responses.js';
import { authOf } from './authenticate.js';

function inputUserId(url: string): unknown {
  const input = new URLSearchParams(url.split('?')[1] ?? '').get('input');
  if (input === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(input);
    return typeof parsed === 'object' && parsed !== null && 'user_id' in parsed
      ? parsed.user_id
      : undefined;
  } catch {
    return undefined;
  }
}

export function trpcSubscriptions(streams: ChangeStreams, live: LiveResponses): RequestHandler {
  const paths = new Set([...subscriptionPaths()].map((path) => `/${path}`));
  return (req, res, next) => {
    const auth = authOf(req);
    if (req.method !== 'GET' || !paths.has(req.path) || auth.kind !== 'valid') {
      next();
      return;
    }
    const userId = inputUserId(req.url);
    if (typeof userId === 'string' && userId !== auth.user.id) {
      next(new HttpError(403, 'FORBIDDEN', PUBLIC_MESSAGES.forbidden));
      return;
    }
    if (!streams.hasRoomFor(auth.user.id)) {
      next(
        new HttpError(429, 'TOO_MANY_REQUESTS', 'Too many open streams for this user; close one', {
          headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
        }),
      );
      return;
    }
    live.track(res, auth.user.expiresAt, () => res.destroy());
    next();
  };
}
