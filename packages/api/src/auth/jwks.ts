/**
 * Tokens signed by a key in a remote JSON Web Key Set (Better Auth's `/api/auth/jwks`):
 * EdDSA (Better Auth's default; RFC 9864's name `Ed25519` too), ES256 and RS256, never HS* and
 * never `none`, the key chosen by `kid`.
 *
 * The key store is ours, on jose's createLocalJWKSet, because jose's createRemoteJWKSet does
 * not fit our rules (panva/jose `src/jwks/remote.ts`, v6): its cooldown only starts after a *successful* fetch,
 * so while the issuer is down every unknown `kid` fetches again, and once the cache is stale it
 * refetches before every verification and throws even when the key is cached. Here at most one
 * fetch starts per cooldown window whatever its outcome, concurrent requests share it, it times
 * out, and the last good key set keeps working while the issuer is unreachable.
 */
import {
  createLocalJWKSet,
  errors,
  jwtVerify,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from 'jose';

import { checkClaims, CLOCK_TOLERANCE_SECONDS, type ClaimRules } from './claims.js';
import {
  AuthError,
  KeySetUnavailableError,
  type TokenVerifier,
  type VerifiedToken,
} from './verifier.js';

export const JWKS_ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256', 'RS256'] as const;

export interface JwksOptions extends ClaimRules {
  url: string;
  /** Abort a key set fetch after this long. Default 3 s. */
  timeoutMs?: number | undefined;
  /** At most one fetch per this window (an unknown `kid` flood cannot hammer the issuer). Default 10 s. */
  cooldownMs?: number | undefined;
  /** How the key set is fetched. Default: the global `fetch` (a test may wrap it to watch). */
  fetch?: typeof fetch | undefined;
}

type KeyResolver = ReturnType<typeof createLocalJWKSet>;

function isKeySet(value: unknown): value is JSONWebKeySet {
  return (
    typeof value === 'object' && value !== null && 'keys' in value && Array.isArray(value.keys)
  );
}

interface KeyStoreOptions {
  url: string;
  timeoutMs: number;
  cooldownMs: number;
  fetch: typeof fetch;
}

class RemoteKeyStore {
  private local: KeyResolver | undefined;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private pending: Promise<void> | undefined;

  constructor(private readonly options: KeyStoreOptions) {}

  /** The key for a token's header; throws AuthError or KeySetUnavailableError. */
  async key(header: JWSHeaderParameters, token: FlattenedJWSInput): ReturnType<KeyResolver> {
    if (!this.local) await this.refresh();
    const local = this.local;
    if (!local) throw new KeySetUnavailableError(new Error('no key set fetched yet'));
    try {
      return await local(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // A new kid may mean the issuer rotated its keys: look again, at most once per cooldown.
      await this.refresh().catch(() => undefined);
      if (this.local === local) throw new AuthError('unknown_key');
      return this.key(header, token);
    }
  }

  private refresh(): Promise<void> {
    if (this.pending) return this.pending;
    if (Date.now() - this.lastAttempt < this.options.cooldownMs) {
      return this.local
        ? Promise.resolve()
        : Promise.reject(new KeySetUnavailableError(new Error('key set fetch cooling down')));
    }
    this.lastAttempt = Date.now();
    this.pending = this.fetchKeySet().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchKeySet(): Promise<void> {
    // Called as a plain function: fetch may not be called as a method of another object.
    const { fetch: get, url, timeoutMs } = this.options;
    let body: unknown;
    try {
      const response = await get(url, {
        headers: { accept: 'application/json, application/jwk-set+json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) throw new Error(`key set answered HTTP ${response.status}`);
      body = await response.json();
    } catch (error) {
      throw new KeySetUnavailableError(error);
    }
    if (!isKeySet(body))
      throw new KeySetUnavailableError(new Error('key set response is not a JWKS'));
    this.local = createLocalJWKSet(body);
  }
}

function reasonOf(error: unknown): unknown {
  if (error instanceof AuthError || error instanceof KeySetUnavailableError) return error;
  if (error instanceof errors.JWTExpired) return new AuthError('expired');
  if (error instanceof errors.JOSEAlgNotAllowed) return new AuthError('wrong_algorithm');
  if (error instanceof errors.JWSSignatureVerificationFailed) return new AuthError('bad_signature');
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new AuthError('unknown_key');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AuthError(
      error.claim === 'nbf' || error.claim === 'iat' ? 'not_yet_valid' : 'missing_claim',
    );
  }
  return new AuthError('malformed');
}

export function createJwksVerifier(options: JwksOptions): TokenVerifier {
  const store = new RemoteKeyStore({
    url: options.url,
    timeoutMs: options.timeoutMs ?? 3_000,
    cooldownMs: options.cooldownMs ?? 10_000,
    fetch: options.fetch ?? fetch,
  });
  const rules: ClaimRules = { issuer: options.issuer, audience: options.audience };
  return {
    async verify(token: string): Promise<VerifiedToken> {
      try {
        const { payload } = await jwtVerify(token, (header, jws) => store.key(header, jws), {
          algorithms: [...JWKS_ALGORITHMS],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        });
        return checkClaims(payload, rules);
      } catch (error) {
        throw reasonOf(error);
      }
    },
  };
}
