/**
 * The verifier the server uses: the shared secret for HS256 tokens and, when configured, the
 * key set for EdDSA/ES256/RS256 tokens. A token goes to the one its header names, and only
 * there, so an HS256 token "signed" with a public key never meets that key.
 */
import { decodeProtectedHeader } from 'jose';

import { cachedVerifier } from './cache.js';
import { createHs256Verifier } from './hs256.js';
import { createJwksVerifier, JWKS_ALGORITHMS, type JwksOptions } from './jwks.js';
import { AuthError, type TokenVerifier } from './verifier.js';

export interface TokenVerifierOptions {
  secret: string;
  /** Verified tokens remembered (default 10,000); 0: verify every time. */
  cacheSize?: number | undefined;
  jwks?: Omit<JwksOptions, 'issuer' | 'audience'> | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
}

function headerAlgorithm(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    return undefined;
  }
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const rules = { issuer: options.issuer, audience: options.audience };
  const hs256 = createHs256Verifier({ secret: options.secret, ...rules });
  const jwks = options.jwks ? createJwksVerifier({ ...options.jwks, ...rules }) : undefined;
  const keySetAlgorithms: readonly string[] = JWKS_ALGORITHMS;
  const verifier: TokenVerifier = {
    verify(token) {
      const alg = headerAlgorithm(token);
      if (alg === undefined) return Promise.reject(new AuthError('malformed'));
      if (alg === 'HS256') return hs256.verify(token);
      if (jwks && keySetAlgorithms.includes(alg)) return jwks.verify(token);
      return Promise.reject(new AuthError('wrong_algorithm'));
    },
  };
  return options.cacheSize === 0 ? verifier : cachedVerifier(verifier, { max: options.cacheSize });
}
