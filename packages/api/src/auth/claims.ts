/**
 * Claim rules applied after any signature check (docs/API.md section 2), because the libraries
 * differ: jsonwebtoken accepts a token with no `exp` and one issued in the future, jose checks
 * `iat` only with maxTokenAge.
 */
import { AuthError, type VerifiedToken } from './verifier.js';

export const CLOCK_TOLERANCE_SECONDS = 30;

export interface ClaimRules {
  issuer?: string | undefined;
  audience?: string | undefined;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function checkClaims(
  payload: unknown,
  rules: ClaimRules,
  nowSeconds: number = Date.now() / 1000,
): VerifiedToken {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new AuthError('malformed');
  }
  const claims = payload as Record<string, unknown>;
  const { sub, exp, nbf, iat, iss, aud } = claims;

  // A NUL cannot be stored or compared by PostgreSQL; no real issuer makes one.
  if (typeof sub !== 'string' || sub.length === 0 || sub.includes('\u0000')) {
    throw new AuthError('missing_claim');
  }
  if (!isNumber(exp)) throw new AuthError('missing_claim');
  if (exp + CLOCK_TOLERANCE_SECONDS <= nowSeconds) throw new AuthError('expired');
  if (nbf !== undefined && (!isNumber(nbf) || nbf - CLOCK_TOLERANCE_SECONDS > nowSeconds)) {
    throw new AuthError('not_yet_valid');
  }
  if (iat !== undefined && (!isNumber(iat) || iat - CLOCK_TOLERANCE_SECONDS > nowSeconds)) {
    throw new AuthError('not_yet_valid');
  }
  if (rules.issuer !== undefined && iss !== rules.issuer) throw new AuthError('wrong_issuer');
  if (rules.audience !== undefined) {
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(rules.audience)) throw new AuthError('wrong_audience');
  }
  return { userId: sub, claims };
}
