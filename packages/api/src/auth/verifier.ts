/** What every token verifier (shared secret, key set) promises. */

export interface VerifiedToken {
  /** The token's `sub`: the user id every query is scoped to. */
  userId: string;
  claims: Readonly<Record<string, unknown>>;
}

export type AuthFailureReason =
  | 'malformed'
  | 'bad_signature'
  | 'wrong_algorithm'
  | 'expired'
  | 'not_yet_valid'
  | 'missing_claim'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'unknown_key';

/** The token is not acceptable: 401 with `WWW-Authenticate: Bearer error="invalid_token"`. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(readonly reason: AuthFailureReason) {
    super(`Invalid token (${reason})`);
  }
}

/** The key set cannot be fetched and no cached key applies: 503, not 401. */
export class KeySetUnavailableError extends Error {
  override readonly name = 'KeySetUnavailableError';
  constructor(cause: unknown) {
    super('The token key set is unavailable', { cause });
  }
}

export interface TokenVerifier {
  /** Resolves with the verified user, or rejects with AuthError (or KeySetUnavailableError). */
  verify(token: string): Promise<VerifiedToken>;
}
