/**
 * What the server has learnt about a request, in one object made by the first step of the
 * request path (app.ts) and read by every step after it. Reading it before it exists is a bug
 * that throws at once (it cannot silently look like "no token" or "no route"), so the order of
 * the steps is checked on every request rather than hoped for.
 */
import type { IncomingMessage } from 'node:http';

import type { RequestConditions } from '@todo/api';

import type { AuthState } from './auth-state.js';

/** Which API a request is for: it decides the shape of its error bodies. */
export type Surface = 'rest' | 'trpc' | 'other';

export interface RequestState {
  /** X-Request-Id: the caller's when well-formed, else a new one. */
  readonly id: string;
  /** The request URL as received (the adapters see it below their mount point). */
  readonly url: string;
  readonly surface: Surface;
  /** The bearer token's verdict (set by the /api and /trpc paths). */
  auth: AuthState;
  /** Preconditions and the idempotency key from REST headers. */
  conditions: RequestConditions;
}

const states = new WeakMap<IncomingMessage, RequestState>();

export function beginRequest(
  req: IncomingMessage,
  id: string,
  url: string,
  surface: Surface,
): RequestState {
  const state: RequestState = {
    id,
    url,
    surface,
    auth: { kind: 'none' },
    conditions: {},
  };
  states.set(req, state);
  return state;
}

export function stateOf(req: IncomingMessage): RequestState {
  const state = states.get(req);
  if (!state) throw new Error('request state read before the request path began it');
  return state;
}

/** The request id for a log line, also for a request whose state was never made. */
export function requestIdOf(req: IncomingMessage): string {
  return states.get(req)?.id ?? 'unknown';
}

export function surfaceOf(req: IncomingMessage): Surface {
  return states.get(req)?.surface ?? 'other';
}
