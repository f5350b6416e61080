import jwt from 'jsonwebtoken';

export const TEST_SECRET = 'test-secret-of-at-least-thirty-two-bytes!!';

const now = () => Math.floor(Date.now() / 1000);

/** A valid HS256 token for `sub`, with any claim overridden or removed (undefined). */
export function tokenFor(
  sub: string | undefined,
  claims: Record<string, unknown> = {},
  secret = TEST_SECRET,
): string {
  const payload = Object.fromEntries(
    Object.entries({ sub, iat: now(), exp: now() + 600, ...claims }).filter(
      ([, value]) => value !== undefined,
    ),
  );
  return jwt.sign(payload, secret, { algorithm: 'HS256' });
}

export function signWith(algorithm: jwt.Algorithm, sub: string, secret = TEST_SECRET): string {
  return jwt.sign({ sub, exp: now() + 600 }, secret, { algorithm });
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `alg: none`, unsigned. */
export function unsignedToken(sub: string): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub, exp: now() + 600 })}.`;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
