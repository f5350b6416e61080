import { describe, expect, it } from 'vitest';

import { cachedVerifier } from '../src/auth/cache.js';
import { AuthError, type TokenVerifier, type VerifiedToken } from '../src/auth/verifier.js';

/** A verifier that accepts `ok:<sub>:<exp>` tokens and counts what it was asked. */
function counting(): TokenVerifier & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    verify(token): Promise<VerifiedToken> {
      asked.push(token);
      const [kind, sub, exp] = token.split(':');
      if (kind !== 'ok' || !sub) return Promise.reject(new AuthError('bad_signature'));
      return Promise.resolve({ userId: sub, claims: { sub, exp: Number(exp) } });
    },
  };
}

describe('when verified tokens are cached', () => {
  it('then the same token string is verified once and answers the same user', async () => {
    const inner = counting();
    const cache = cachedVerifier(inner, { now: () => 1_000_000 });

    const first = await cache.verify('ok:alice:2000');
    const second = await cache.verify('ok:alice:2000');

    expect(second).toEqual(first);
    expect(inner.asked).toEqual(['ok:alice:2000']);
  });

  it('then another token string is verified on its own, whatever it says', async () => {
    const inner = counting();
    const cache = cachedVerifier(inner, { now: () => 1_000_000 });

    await cache.verify('ok:alice:2000');
    const bob = await cache.verify('ok:bob:2000');

    expect(bob.userId).toBe('bob');
    expect(inner.asked).toEqual(['ok:alice:2000', 'ok:bob:2000']);
  });

  it('then a token is remembered until exp plus the clock tolerance, never longer', async () => {
    const inner = counting();
    let now = 1_000_000;
    const cache = cachedVerifier(inner, { now: () => now });
    await cache.verify('ok:alice:1100');

    now = (1100 + 30) * 1000 - 1;
    await cache.verify('ok:alice:1100');
    expect(inner.asked).toHaveLength(1);

    now = (1100 + 30) * 1000;
    await cache.verify('ok:alice:1100');
    expect(inner.asked).toHaveLength(2);
  });

  it('then a refused token is never remembered', async () => {
    const inner = counting();
    const cache = cachedVerifier(inner, { now: () => 1_000_000 });

    await expect(cache.verify('bad:alice:2000')).rejects.toBeInstanceOf(AuthError);
    await expect(cache.verify('bad:alice:2000')).rejects.toBeInstanceOf(AuthError);
    expect(inner.asked).toHaveLength(2);
  });

  it('then at most `max` tokens are kept, the least recently used forgotten first', async () => {
    const inner = counting();
    const cache = cachedVerifier(inner, { max: 2, now: () => 1_000_000 });

    await cache.verify('ok:a:2000');
    await cache.verify('ok:b:2000');
    await cache.verify('ok:a:2000'); // a is now the most recent
    await cache.verify('ok:c:2000'); // b goes
    await cache.verify('ok:a:2000');
    await cache.verify('ok:b:2000');

    expect(inner.asked).toEqual(['ok:a:2000', 'ok:b:2000', 'ok:c:2000', 'ok:b:2000']);
  });
});
