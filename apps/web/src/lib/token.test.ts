import { describe, expect, it } from 'vitest';

import { createTokenSource, expiryOf, REFRESH_MARGIN_MS } from './token';

/** An unsigned JWT-shaped token expiring at `exp` (seconds): only its payload is read. */
function token(exp: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'EdDSA' })}.${part({ sub: 'u', exp })}.signature`;
}

describe('when the app asks for the API token', () => {
  it('then the token endpoint is asked once and the token reused until shortly before expiry', async () => {
    let now = 1_000_000_000_000;
    const issued: string[] = [];
    const source = createTokenSource(
      () => {
        const fresh = token(now / 1000 + 900);
        issued.push(fresh);
        return Promise.resolve(fresh);
      },
      () => now,
    );

    const burst = await Promise.all([source.getToken(), source.getToken(), source.getToken()]);
    now += 900_000 - REFRESH_MARGIN_MS - 1;
    const stillCached = await source.getToken();
    now += 2;
    const refreshed = await source.getToken();

    expect(issued).toHaveLength(2);
    expect(burst).toEqual([issued[0], issued[0], issued[0]]);
    expect(stillCached).toBe(issued[0]);
    expect(refreshed).toBe(issued[1]);
  });

  it('then after clear() (sign-out, a refused token) a fresh one is fetched', async () => {
    let calls = 0;
    const source = createTokenSource(() => {
      calls++;
      return Promise.resolve(token(Date.now() / 1000 + 900));
    });

    await source.getToken();
    source.clear();
    await source.getToken();

    expect(calls).toBe(2);
  });

  it('then a token whose expiry cannot be read is not cached', () => {
    expect(expiryOf('not-a-jwt')).toBe(0);
    expect(expiryOf('a.!!!.c')).toBe(0);
    expect(expiryOf(token(1_800_000_000))).toBe(1_800_000_000_000);
  });
});
