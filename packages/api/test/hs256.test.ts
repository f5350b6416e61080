import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';

import { AuthError } from '../src/auth/verifier.js';
import { createHs256Verifier } from '../src/auth/hs256.js';

const secret = 'unit-test-secret-that-is-32-bytes-long';
const now = () => Math.floor(Date.now() / 1000);
const sign = (claims: Record<string, unknown>, key = secret) => {
  const merged: Record<string, unknown> = { sub: 'u1', exp: now() + 60, ...claims };
  const payload = Object.fromEntries(
    Object.entries(merged).filter(([, value]) => value !== undefined),
  );
  return jwt.sign(payload, key, { algorithm: 'HS256' });
};

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthError) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('when issuer and audience are configured', () => {
  const verifier = createHs256Verifier({
    secret,
    issuer: 'https://auth.example',
    audience: 'https://auth.example',
  });

  it('then a token with both matching is accepted with its sub and claims', async () => {
    const verified = await verifier.verify(
      sign({ iss: 'https://auth.example', aud: ['other', 'https://auth.example'] }),
    );

    expect(verified.userId).toBe('u1');
    expect(verified.claims.iss).toBe('https://auth.example');
  });

  it('then a wrong or missing iss or aud is refused with its reason', async () => {
    expect(
      await reason(verifier.verify(sign({ iss: 'https://evil', aud: 'https://auth.example' }))),
    ).toBe('wrong_issuer');
    expect(await reason(verifier.verify(sign({ aud: 'https://auth.example' })))).toBe(
      'wrong_issuer',
    );
    expect(await reason(verifier.verify(sign({ iss: 'https://auth.example', aud: 'x' })))).toBe(
      'wrong_audience',
    );
    expect(await reason(verifier.verify(sign({ iss: 'https://auth.example' })))).toBe(
      'wrong_audience',
    );
  });
});

describe('when nothing but the secret is configured', () => {
  const verifier = createHs256Verifier({ secret });

  it('then each way a token can be wrong has its own reason', async () => {
    expect(await reason(verifier.verify(sign({})))).toBe('accepted');
    expect(await reason(verifier.verify(sign({}, 'another-secret-that-is-32-bytes-long')))).toBe(
      'bad_signature',
    );
    expect(await reason(verifier.verify(sign({ exp: now() - 31 })))).toBe('expired');
    expect(await reason(verifier.verify(sign({ exp: undefined })))).toBe('missing_claim');
    expect(await reason(verifier.verify(sign({ sub: 42 })))).toBe('missing_claim');
    expect(await reason(verifier.verify(sign({ nbf: now() + 31 })))).toBe('not_yet_valid');
    expect(await reason(verifier.verify(sign({ iat: now() + 31 })))).toBe('not_yet_valid');
    expect(await reason(verifier.verify(sign({ iat: now() + 20, nbf: now() + 20 })))).toBe(
      'accepted',
    );
    expect(
      await reason(
        verifier.verify(jwt.sign({ sub: 'u1', exp: now() + 60 }, secret, { algorithm: 'HS512' })),
      ),
    ).toBe('wrong_algorithm');
    expect(await reason(verifier.verify('a.b.c'))).toBe('malformed');
  });
});
