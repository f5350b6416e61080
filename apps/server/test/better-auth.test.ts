/**
 * Real Better Auth (its `jwt` plugin, default Ed25519 keys, memory database) on 127.0.0.1:
 * sign a user up over its HTTP API, take a token from its token endpoint, use it against our
 * server configured with that Better Auth's JWKS, issuer and audience.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createTokenVerifier } from '@todo/api';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { toNodeHandler } from 'better-auth/node';
import { jwt } from 'better-auth/plugins/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { httpClient, type HttpClient } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';
import { TEST_SECRET } from './support/tokens.js';

interface Issuer {
  base: string;
  server: Server;
}

/** A Better Auth instance on an ephemeral port, as a Next.js app would run it. */
async function startBetterAuth(): Promise<Issuer> {
  // The handler needs the base URL, which needs the port: listen first, attach it after.
  const route: { handle?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const server = createServer((req, res) => route.handle?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const auth = betterAuth({
    baseURL: base,
    secret: 'better-auth-test-secret-with-32-characters-at-least',
    database: memoryAdapter({ user: [], session: [], account: [], verification: [], jwks: [] }),
    emailAndPassword: { enabled: true },
    plugins: [jwt()],
    logger: { disabled: true },
  });
  const handler = toNodeHandler(auth);
  route.handle = (req, res) => void handler(req, res);
  return { base, server };
}

/** Signs a user up over HTTP and returns their id and a JWT from /api/auth/token. */
async function signUpAndGetToken(
  issuer: Issuer,
  email: string,
): Promise<{ userId: string; token: string }> {
  const auth = httpClient(`${issuer.base}/api/auth`);
  const signUp = await auth.send('POST', '/sign-up/email', {
    json: { email, password: 'correct horse battery staple', name: 'Test User' },
    headers: { Origin: issuer.base },
  });
  expect(signUp.status, signUp.text).toBe(200);
  const { user } = signUp.body as { user: { id: string } };
  const cookie = signUp.headers
    .getSetCookie()
    .map((c) => c.split(';', 1)[0])
    .join('; ');
  const tokenReply = await auth.send('GET', '/token', {
    headers: { Cookie: cookie, Origin: issuer.base },
  });
  expect(tokenReply.status, tokenReply.text).toBe(200);
  const { token } = tokenReply.body as { token: string };
  return { userId: user.id, token };
}

let issuer: Issuer;
let other: Issuer;
let api: TestServer;
/** Our server's /api, with no token of its own: each test brings the one Better Auth issued. */
let tasksApi: HttpClient;

beforeAll(async () => {
  [issuer, other] = await Promise.all([startBetterAuth(), startBetterAuth()]);
  api = await startTestServer({
    verifier: createTokenVerifier({
      secret: TEST_SECRET,
      jwks: { url: `${issuer.base}/api/auth/jwks` },
      issuer: issuer.base,
      audience: issuer.base,
    }),
  });
  tasksApi = httpClient(`${api.url}/api`);
});

afterAll(async () => {
  await api.close();
  for (const { server } of [issuer, other]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('when a Better Auth user calls the API with the JWT Better Auth issued', () => {
  it('then the token is EdDSA with a kid, and the user’s own path answers 2xx', async () => {
    const { userId, token } = await signUpAndGetToken(issuer, 'ada@example.com');
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as {
      alg: string;
      kid?: string;
    };

    const path = `/${encodeURIComponent(userId)}/tasks`;
    const created = await tasksApi.send('POST', path, {
      json: { title: 'from Better Auth' },
      token,
    });
    const listed = await tasksApi.send('GET', path, { token });

    expect(header.alg).toBe('EdDSA');
    expect(header.kid).toBeDefined();
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ user_id: userId, title: 'from Better Auth' });
    expect(listed.status).toBe(200);
  });

  it('then another user’s path is 403', async () => {
    const { token } = await signUpAndGetToken(issuer, 'grace@example.com');

    expect((await tasksApi.send('GET', '/someone-else/tasks', { token })).status).toBe(403);
  });

  it('then a tampered signature is 401', async () => {
    const { userId, token } = await signUpAndGetToken(issuer, 'linus@example.com');
    const [head, body, signature = ''] = token.split('.');
    const bytes = Buffer.from(signature, 'base64url');
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    const tampered = `${head ?? ''}.${body ?? ''}.${bytes.toString('base64url')}`;

    const reply = await tasksApi.send('GET', `/${encodeURIComponent(userId)}/tasks`, {
      token: tampered,
    });

    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('then a token from another Better Auth (another key set) is 401', async () => {
    const { userId, token } = await signUpAndGetToken(other, 'mallory@example.com');

    expect(
      (await tasksApi.send('GET', `/${encodeURIComponent(userId)}/tasks`, { token })).status,
    ).toBe(401);
  });
});
