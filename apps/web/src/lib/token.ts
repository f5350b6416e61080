/**
 * The token the API accepts: the JWT that Better Auth's `jwt` plugin issues (not the session
 * cookie). Each lives 15 minutes, so it is fetched from the token endpoint once, reused until
 * shortly before it expires, then fetched again.
 */

/** Fetch a fresh token a minute before the current one expires (clocks drift, requests take time). */
export const REFRESH_MARGIN_MS = 60_000;

export interface TokenSource {
  getToken(): Promise<string | null>;
  /** Drops the cached token (sign-out, or a 401 that says it is no longer good). */
  clear(): void;
}

/** The `exp` claim of a JWT in milliseconds, or 0 when it cannot be read (then never cached). */
export function expiryOf(token: string): number {
  const payload = token.split('.')[1];
  if (payload === undefined) return 0;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims: unknown = JSON.parse(json);
    if (typeof claims === 'object' && claims !== null && 'exp' in claims) {
      return typeof claims.exp === 'number' ? claims.exp * 1000 : 0;
    }
    return 0;
  } catch {
    return 0;
  }
}

/**
 * Caches what `fetchToken` returns until REFRESH_MARGIN_MS before its expiry; calls made while
 * a fetch is under way share it, so a burst of requests asks the token endpoint once.
 */
export function createTokenSource(
  fetchToken: () => Promise<string | null>,
  now: () => number = Date.now,
): TokenSource {
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string | null> | undefined;
  return {
    getToken() {
      if (cached && cached.expiresAt - REFRESH_MARGIN_MS > now()) {
        return Promise.resolve(cached.token);
      }
      pending ??= fetchToken()
        .then((token) => {
          cached = token === null ? undefined : { token, expiresAt: expiryOf(token) };
          return token;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
    clear() {
      cached = undefined;
    },
  };
}
