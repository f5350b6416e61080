import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  AuthError,
  KeySetUnavailableError,
  errorHeaders,
  PUBLIC_MESSAGES,
  type AuthUser,
  type TokenVerifier,
} from '@todo/api';

import { HttpError } from './http-error.js';
import type { RateLimiter } from './rate-limit.js';
import { stateOf } from './request-state.js';

export type AuthState =
  | { kind: 'none' }
  | { kind: 'valid'; user: AuthUser }
  | { kind: 'invalid' }
  /** The key set could not be fetched to judge the token: 503, not 401. */
  | { kind: 'unavailable'; cause: unknown };

/**
 * The token of `Authorization: Bearer <token>` (scheme case-insensitive, RFC 7235).
 * undefined: no bearer credentials at all (no header, another scheme, or `Bearer` alone); null:
 * a Bearer header whose token is not even well-formed.
 */
function bearerToken(header: string | undefined): string | null | undefined {
  // `Bearer` with nothing after it sends no token: a plain challenge, no error= (RFC 6750 §3.1).
  if (header === undefined || !/^Bearer\s+\S/i.test(header)) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * The verdict on the request's bearer token, if any, without rejecting: the rate limiter needs
 * the user id first, and the order of errors is 429 before 401.
 */
async function authenticate(req: IncomingMessage, verifier: TokenVerifier): Promise<AuthState> {
  const token = bearerToken(req.headers.authorization);
  if (token === undefined) return { kind: 'none' };
  if (token === null) return { kind: 'invalid' };
  try {
    const verified = await verifier.verify(token);
    const exp = verified.claims.exp;
    return {
      kind: 'valid',
      user: { id: verified.userId, expiresAt: typeof exp === 'number' ? exp * 1000 : undefined },
    };
  } catch (error) {
    if (error instanceof AuthError) return { kind: 'invalid' };
    if (error instanceof KeySetUnavailableError) return { kind: 'unavailable', cause: error };
    throw error; // a fault of ours: answered like every other crash (500, nothing leaked)
  }
}

/** 401 (with WWW-Authenticate per RFC 6750), or 503 when the key set was out of reach. */
function authFailure(state: Exclude<AuthState, { kind: 'valid' }>): HttpError {
  if (state.kind === 'unavailable') {
    return new HttpError(503, 'SERVICE_UNAVAILABLE', PUBLIC_MESSAGES.unavailable, {
      headers: errorHeaders(['SERVICE_UNAVAILABLE'], true),
      cause: state.cause,
    });
  }
  return new HttpError(401, 'UNAUTHORIZED', PUBLIC_MESSAGES.unauthorized, {
    headers: errorHeaders(['UNAUTHORIZED'], state.kind === 'invalid'),
  });
}

/**
 * The first steps of /api and /trpc, in the contract's order of errors: the token's verdict
 * (kept in the request's state: the limiter keys on its user), the rate limit (429), then 401
 * or 503. Resolves with the request's user.
 */
export async function admit(
  req: IncomingMessage,
  res: ServerResponse,
  verifier: TokenVerifier,
  limiter: RateLimiter,
): Promise<AuthUser> {
  const state = stateOf(req);
  state.auth = await authenticate(req, verifier);
  await limiter(req, res);
  if (state.auth.kind !== 'valid') throw authFailure(state.auth);
  return state.auth.user;
}
