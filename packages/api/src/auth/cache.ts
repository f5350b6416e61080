/**
 * Verified tokens, remembered by their exact text until the moment the verifier itself would
 * start refusing them (`exp` plus the clock tolerance), never longer; a bounded number of them,
 * the least recently used forgotten first. Only successes are remembered: a refused token is
 * checked again every time. A cache hit is the same token string, byte for byte, so one token
 * can never stand for another.
 */
import { LRUCache } from 'lru-cache';

import { CLOCK_TOLERANCE_SECONDS } from './claims.js';
import type { TokenVerifier, VerifiedToken } from './verifier.js';

export interface TokenCacheOptions {
  /** Tokens remembered at most (default 10,000). */
  max?: number | undefined;
  /** The clock, in ms (tests). */
  now?: (() => number) | undefined;
}

interface Entry {
  verified: VerifiedToken;
  /** The first millisecond at which the verifier would refuse the token. */
  refusedFrom: number;
}

export function cachedVerifier(
  verifier: TokenVerifier,
  options: TokenCacheOptions = {},
): TokenVerifier {
  const now = options.now ?? Date.now;
  // The expiry is checked here, against the same clock as the claims, not by the cache's TTL.
  const entries = new LRUCache<string, Entry>({ max: options.max ?? 10_000 });
  return {
    async verify(token) {
      const hit = entries.get(token);
      if (hit && now() < hit.refusedFrom) return hit.verified;
      if (hit) entries.delete(token);
      const verified = await verifier.verify(token);
      const exp = verified.claims.exp;
      if (typeof exp === 'number') {
        entries.set(token, { verified, refusedFrom: (exp + CLOCK_TOLERANCE_SECONDS) * 1000 });
      }
      return verified;
    },
  };
}
