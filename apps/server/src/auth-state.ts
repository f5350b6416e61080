import {
  AuthError,
  errorHeaders,
  PUBLIC_MESSAGES,
  type AuthUser,
  type TokenVerifier,
} from '@todo/api';
import type { Request, RequestHandler } from 'express';

import { HttpError } from '../http-error.js';

export type AuthState =
  | { kind: 'none' }
  | { kind: 'valid'; user: AuthUser }
  | { kind: 'invalid' }
  /** The key set could not be fetched to judge the token: 503, not 401. */
  | { kind: 'unavailable'; cause: unknown };

const states = new WeakMap<Request, AuthState>();

export function authOf(req: Request): AuthState {
  return states.get(req) ?? { kind: 'none' };
}

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
 * Verifies the bearer token, if any, and records the outcome without rejecting: the rate
 * limiter needs the user id first, and the order of errors is 429 before 401.
 */
export function authenticate(verifier: TokenVerifier): RequestHandler {
  return async (req, _res, next) => {
    const token = bearerToken(req.get('authorization'));
    if (token === undefined) {
      states.set(req, { kind: 'none' });
    } else if (token === null) {
      states.set(req, { kind: 'invalid' });
    } else {
      try {
        const verified = await verifier.verify(token);
        const exp = verified.claims.exp;
        states.set(req, {
          kind: 'valid',
          user: {
            id: verified.userId,
            expiresAt: typeof exp === 'number' ? exp * 1000 : undefined,
          },
        });
      } catch (error) {
        states.set(
          req,
          error instanceof AuthError ? { kind: 'invalid' } : { kind: 'unavailable', cause: error },
        );
      }
    }
    next();
  };
}

/** 401 (with WWW-Authenticate per RFC 6750) unless the request carries a valid token. */
export function requireAuth(): RequestHandler {
  return (req, _res, next) => {
    const state = authOf(req);
    if (state.kind === 'valid') {
      next();
      return;
    }
    if (state.kind === 'unavailable') {
      next(
        new HttpError(503, 'SERVICE_UNAVAILABLE', PUBLIC_MESSAGES.unavailable, {
          headers: errorHeaders(['SERVICE_UNAVAILABLE'], true),
          cause: state.cause,
        }),
      );
      return;
    }
    next(
      new HttpError(401, 'UNAUTHORIZED', PUBLIC_MESSAGES.unauthorized, {
        headers: errorHeaders(['UNAUTHORIZED'], state.kind === 'invalid'),
      }),
    );
  };
}
