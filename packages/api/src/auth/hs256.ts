import { createSecretKey, type KeyObject } from 'node:crypto';

import jwt from 'jsonwebtoken';

import { checkClaims, CLOCK_TOLERANCE_SECONDS, type ClaimRules } from './claims.js';
import { AuthError, type TokenVerifier, type VerifiedToken } from './verifier.js';

export interface Hs256Options extends ClaimRules {
  secret: string;
}

function reasonOf(error: unknown): AuthError {
  if (error instanceof jwt.TokenExpiredError) return new AuthError('expired');
  if (error instanceof jwt.NotBeforeError) return new AuthError('not_yet_valid');
  if (error instanceof jwt.JsonWebTokenError) {
    if (error.message === 'invalid algorithm') return new AuthError('wrong_algorithm');
    if (error.message === 'invalid signature') return new AuthError('bad_signature');
    if (error.message === 'jwt signature is required') return new AuthError('wrong_algorithm');
  }
  return new AuthError('malformed');
}

/** HS256 with the shared secret, and only HS256 (no `none`, no HS384 with the same secret). */
export function createHs256Verifier(options: Hs256Options): TokenVerifier {
  // A KeyObject made once: with a string secret jsonwebtoken re-derives the key on every call
  // (about 0.6 ms each, jsonwebtoken#966).
  const key: KeyObject = createSecretKey(Buffer.from(options.secret, 'utf8'));
  const rules: ClaimRules = { issuer: options.issuer, audience: options.audience };
  return {
    verify(token: string): Promise<VerifiedToken> {
      let payload: unknown;
      try {
        payload = jwt.verify(token, key, {
          algorithms: ['HS256'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          ignoreExpiration: false,
        });
      } catch (error) {
        return Promise.reject(reasonOf(error));
      }
      try {
        return Promise.resolve(checkClaims(payload, rules));
      } catch (error) {
        return Promise.reject(error instanceof AuthError ? error : new AuthError('malformed'));
      }
    },
  };
}
