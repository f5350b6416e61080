/**
 * The key-set verifier against a real JWKS served over HTTP on 127.0.0.1, with keys made here:
 * EdDSA, ES256, RS256, rotation, an unknown-kid flood, the issuer down or hanging, and alg confusion.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTokenVerifier } from '../src/auth/by-algorithm.js';
import { createJwksVerifier } from '../src/auth/jwks.js';
import { AuthError, KeySetUnavailableError, type TokenVerifier } from '../src/auth/verifier.js';

type Alg = 'EdDSA' | 'ES256' | 'RS256';

interface Signer {
  kid: string;
  alg: Alg;
  publicJwk: JWK;
  sign(claims?: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
  spki: string;
}

async function makeSigner(alg: Alg, kid: string): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg };
  return {
    kid,
    alg,
    publicJwk,
    spki: await exportSPKI(publicKey),
    sign: (claims = {}, header = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ sub: 'u1', iat: now, exp: now + 600, ...claims })
        .setProtectedHeader({ alg, kid, ...header })
        .sign(privateKey);
    },
  };
}

/** A JWKS endpoint that counts its requests and can be made to fail or hang. */
class JwksServer {
  keys: JWK[] = [];
  requests = 0;
  mode: 'up' | 'down' | 'hang' = 'up';
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((_req, res) => {
      this.requests++;
      if (this.mode === 'hang') return;
      if (this.mode === 'down') {
        res.writeHead(503).end();
        return;
      }
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/auth/jwks`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** The global fetch, counting the calls the verifier makes through it. */
function countingFetch(): { fetch: typeof fetch; readonly calls: number } {
  let calls = 0;
  return {
    fetch: (input, init) => {
      calls++;
      return fetch(input, init);
    },
    get calls() {
      return calls;
    },
  };
}

async function outcome(verifier: TokenVerifier, token: string): Promise<string> {
  try {
    return `ok:${(await verifier.verify(token)).userId}`;
  } catch (error) {
    if (error instanceof AuthError) return error.reason;
    if (error instanceof KeySetUnavailableError) return 'unavailable';
    throw error;
  }
}

let jwks: JwksServer;
let ed: Signer;
let es: Signer;
let rs: Signer;

beforeAll(async () => {
  [ed, es, rs] = await Promise.all([
    makeSigner('EdDSA', 'ed-1'),
    makeSigner('ES256', 'es-1'),
    makeSigner('RS256', 'rs-1'),
  ]);
  jwks = new JwksServer();
  await jwks.start();
  jwks.keys = [ed.publicJwk, es.publicJwk, rs.publicJwk];
});

afterAll(async () => {
  await jwks.stop();
});

describe('when tokens are signed by keys of the key set', () => {
  it('then EdDSA, ES256 and RS256 are accepted, and the set is fetched once', async () => {
    const counted = countingFetch();
    const verifier = createJwksVerifier({ url: jwks.url, fetch: counted.fetch });

    expect(await outcome(verifier, await ed.sign())).toBe('ok:u1');
    expect(await outcome(verifier, await es.sign())).toBe('ok:u1');
    expect(await outcome(verifier, await rs.sign())).toBe('ok:u1');
    expect(counted.calls).toBe(1);
  });

  it('then the claim rules apply: wrong iss, wrong aud, expired, no sub', async () => {
    const verifier = createJwksVerifier({
      url: jwks.url,
      issuer: 'http://auth.local',
      audience: 'http://auth.local',
    });
    const good = { iss: 'http://auth.local', aud: 'http://auth.local' };

    expect(await outcome(verifier, await ed.sign(good))).toBe('ok:u1');
    expect(await outcome(verifier, await ed.sign({ ...good, iss: 'http://evil' }))).toBe(
      'wrong_issuer',
    );
    expect(await outcome(verifier, await ed.sign({ ...good, aud: 'http://evil' }))).toBe(
      'wrong_audience',
    );
    expect(
      await outcome(verifier, await ed.sign({ ...good, exp: Math.floor(Date.now() / 1000) - 60 })),
    ).toBe('expired');
    expect(await outcome(verifier, await ed.sign({ ...good, sub: undefined }))).toBe(
      'missing_claim',
    );
  });

  it('then a tampered signature is refused (first byte of the signature flipped)', async () => {
    const verifier = createJwksVerifier({ url: jwks.url });
    const [head, body, signature = ''] = (await ed.sign()).split('.');
    const bytes = Buffer.from(signature, 'base64url');
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;

    expect(
      await outcome(verifier, `${head ?? ''}.${body ?? ''}.${bytes.toString('base64url')}`),
    ).toBe('bad_signature');
  });

  it('then a token from another key set with a known kid is refused', async () => {
    const impostor = await makeSigner('EdDSA', 'ed-1');

    expect(await outcome(createJwksVerifier({ url: jwks.url }), await impostor.sign())).toBe(
      'bad_signature',
    );
  });
});

describe('when the issuer rotates its keys', () => {
  it('then a new kid is picked up without restart, once the cooldown allows a fetch', async () => {
    const counted = countingFetch();
    const verifier = createJwksVerifier({ url: jwks.url, cooldownMs: 200, fetch: counted.fetch });
    expect(await outcome(verifier, await ed.sign())).toBe('ok:u1');
    const next = await makeSigner('EdDSA', 'ed-2');
    jwks.keys = [...jwks.keys, next.publicJwk];

    await new Promise((resolve) => setTimeout(resolve, 250));

    expect(await outcome(verifier, await next.sign())).toBe('ok:u1');
    expect(counted.calls).toBe(2);
    jwks.keys = [ed.publicJwk, es.publicJwk, rs.publicJwk];
  });
});

describe('when a flood of unknown kids arrives', () => {
  it('then the key set is fetched a bounded number of times and each token gets 401', async () => {
    const verifier = createJwksVerifier({ url: jwks.url, cooldownMs: 60_000 });
    const before = jwks.requests;
    const strangers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => makeSigner('ES256', `nope-${i}`)),
    );
    const tokens = await Promise.all(strangers.map((s) => s.sign()));

    const concurrent = await Promise.all(tokens.map((token) => outcome(verifier, token)));
    const sequential: string[] = [];
    for (const token of tokens) sequential.push(await outcome(verifier, token));

    expect(new Set([...concurrent, ...sequential])).toEqual(new Set(['unknown_key']));
    expect(jwks.requests - before).toBeLessThanOrEqual(2);
  });
});

describe('when the key set endpoint is down', () => {
  it('then cached keys keep working and an unknown kid is a prompt 401', async () => {
    const verifier = createJwksVerifier({ url: jwks.url, cooldownMs: 0 });
    expect(await outcome(verifier, await ed.sign())).toBe('ok:u1');
    jwks.mode = 'down';
    const stranger = await makeSigner('EdDSA', 'unknown');

    expect(await outcome(verifier, await es.sign())).toBe('ok:u1');
    expect(await outcome(verifier, await stranger.sign())).toBe('unknown_key');
    jwks.mode = 'up';
  });

  it('then with no key ever fetched the answer is unavailable (503), also when the fetch hangs', async () => {
    jwks.mode = 'down';
    expect(await outcome(createJwksVerifier({ url: jwks.url }), await ed.sign())).toBe(
      'unavailable',
    );
    jwks.mode = 'hang';
    expect(
      await outcome(createJwksVerifier({ url: jwks.url, timeoutMs: 200 }), await ed.sign()),
    ).toBe('unavailable');
    jwks.mode = 'up';
  });
});

describe('when the secret and the key set are both configured', () => {
  const secret = 'a-shared-secret-that-is-at-least-32-bytes';

  it('then each token is checked by the verifier its header names', async () => {
    const verifier = createTokenVerifier({ secret, jwks: { url: jwks.url } });
    const hs = jwt.sign({ sub: 'u2', exp: Math.floor(Date.now() / 1000) + 60 }, secret, {
      algorithm: 'HS256',
    });

    expect(await outcome(verifier, hs)).toBe('ok:u2');
    expect(await outcome(verifier, await rs.sign())).toBe('ok:u1');
  });

  it('then an HS256 token signed with the public key as secret is refused (alg confusion)', async () => {
    const verifier = createTokenVerifier({ secret, jwks: { url: jwks.url } });
    const forged = jwt.sign({ sub: 'u1', exp: Math.floor(Date.now() / 1000) + 60 }, rs.spki, {
      algorithm: 'HS256',
    });
    const withKid = jwt.sign({ sub: 'u1', exp: Math.floor(Date.now() / 1000) + 60 }, rs.spki, {
      algorithm: 'HS256',
      keyid: rs.kid,
    });

    expect(await outcome(verifier, forged)).toBe('bad_signature');
    expect(await outcome(verifier, withKid)).toBe('bad_signature');
  });

  it('then key-set algorithms are refused when no key set is configured, and HS384 always', async () => {
    const secretOnly = createTokenVerifier({ secret });

    expect(await outcome(secretOnly, await ed.sign())).toBe('wrong_algorithm');
    expect(
      await outcome(secretOnly, jwt.sign({ sub: 'u', exp: 9e9 }, secret, { algorithm: 'HS384' })),
    ).toBe('wrong_algorithm');
    expect(await outcome(secretOnly, 'garbage')).toBe('malformed');
  });
});
