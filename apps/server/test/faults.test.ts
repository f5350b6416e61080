/** Crashes, an unreachable database and rate limits: the answers and what reaches the log. */
import { createDatabase, type Database } from '@todo/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { httpClient, type HttpClient } from './support/http.js';
import { freePort } from './support/ports.js';
import { startTestServer, type TestServer } from './support/server.js';
import { tokenFor } from './support/tokens.js';

const aliceToken = tokenFor('alice');

describe('when a store operation crashes with driver text', () => {
  let server: TestServer;
  let alice: HttpClient;
  const leak =
    'relation "tasks" does not exist: select * from tasks where user_id = $1 params: alice';

  beforeAll(async () => {
    server = await startTestServer({
      wrapStore: (store) => ({
        ...store,
        list: () => Promise.reject(new Error(leak)),
      }),
    });
    alice = httpClient(server.url, aliceToken);
  });

  afterAll(async () => {
    await server.close();
  });

  it('then REST answers a generic 500 and the log has the request id but not the parameters', async () => {
    const reply = await alice.send('GET', '/api/alice/tasks', {
      headers: { 'X-Request-Id': 'crash-1' },
    });

    expect(reply.status).toBe(500);
    expect(reply.body).toEqual({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
    expect(reply.text).not.toMatch(/relation|select|stack|alice/i);
    const logged = server.logs.find(
      (line) => line.includes('crash-1') && line.includes('procedure failed'),
    );
    expect(logged).toBeDefined();
    expect(logged).toContain('relation');
    expect(logged).not.toContain('params: alice');
  });

  it('then tRPC answers the same generic message without a stack', async () => {
    const input = encodeURIComponent(JSON.stringify({ user_id: 'alice' }));
    const reply = await alice.send('GET', `/trpc/tasks.list?input=${input}`);

    expect(reply.status).toBe(500);
    expect(reply.body).toMatchObject({
      error: { message: 'Internal server error', data: { code: 'INTERNAL_SERVER_ERROR' } },
    });
    expect(reply.text).not.toMatch(/relation|stack/i);
  });
});

describe('when the token verifier crashes (a fault of ours, not a bad token or a key set out of reach)', () => {
  let server: TestServer;
  let alice: HttpClient;
  const crash = 'TypeError: cannot read properties of undefined (reading kid) at verify';

  beforeAll(async () => {
    server = await startTestServer({
      verifier: { verify: () => Promise.reject(new TypeError(crash)) },
    });
    alice = httpClient(server.url, aliceToken);
  });

  afterAll(async () => {
    await server.close();
  });

  it('then REST and tRPC answer a generic 500, not 503 "unavailable", and leak nothing', async () => {
    const input = encodeURIComponent(JSON.stringify({ user_id: 'alice' }));
    const rest = await alice.send('GET', '/api/alice/tasks');
    const trpc = await alice.send('GET', `/trpc/tasks.list?input=${input}`);

    expect([rest.status, trpc.status]).toEqual([500, 500]);
    expect(rest.body).toEqual({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
    expect(trpc.body).toMatchObject({
      error: { message: 'Internal server error', data: { code: 'INTERNAL_SERVER_ERROR' } },
    });
    expect(`${rest.text}${trpc.text}`).not.toMatch(/TypeError|kid|verify/);
  });
});

describe('when the log level is warn', () => {
  let server: TestServer;
  let alice: HttpClient;

  beforeAll(async () => {
    server = await startTestServer({
      logLevel: 'warn',
      wrapStore: (store) => ({
        ...store,
        get: () => Promise.reject(new Error('boom')),
      }),
    });
    alice = httpClient(server.url, aliceToken);
  });

  afterAll(async () => {
    await server.close();
  });

  it('then answers below 500 write no line and a 5xx writes one error line with method, path, status and id', async () => {
    const ok = await alice.send('GET', '/api/alice/tasks?q=secret', {
      headers: { 'X-Request-Id': 'quiet-1' },
    });
    const failed = await alice.send('GET', '/api/alice/tasks/7', {
      headers: { 'X-Request-Id': 'loud-1' },
    });

    expect([ok.status, failed.status]).toEqual([200, 500]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.logs.filter((line) => line.includes('quiet-1'))).toEqual([]);
    const access = server.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'GET 500');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      level: 50,
      req: { id: 'loud-1', method: 'GET', path: '/api/alice/tasks/7' },
      res: { statusCode: 500 },
    });
    expect(server.logs.join('\n')).not.toMatch(/secret|Bearer|eyJ/);
  });
});

describe('when the database is unreachable (a closed port)', () => {
  let server: TestServer;
  let alice: HttpClient;
  let unreachable: Database;

  beforeAll(async () => {
    unreachable = await createDatabase({
      url: `postgres://postgres@127.0.0.1:${await freePort()}/none`,
      connectTimeoutSeconds: 2,
    });
    server = await startTestServer({ database: unreachable });
    alice = httpClient(server.url, aliceToken);
  });

  afterAll(async () => {
    await server.close();
    await unreachable.close();
  });

  it('then /ready, REST and tRPC answer 503 with Retry-After and a generic message; /health stays 200', async () => {
    const ready = await alice.send('GET', '/ready', { token: null });
    const list = await alice.send('GET', '/api/alice/tasks');
    const create = await alice.send('POST', '/api/alice/tasks', { json: { title: 'lost?' } });
    const trpc = await alice.send(
      'GET',
      `/trpc/tasks.list?input=${encodeURIComponent('{"user_id":"alice"}')}`,
    );

    for (const reply of [ready, list, create, trpc]) {
      expect(reply.status, reply.text).toBe(503);
      expect(reply.headers.get('retry-after')).toBe('5');
      expect(reply.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);
    }
    expect(list.body).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      message: expect.any(String) as string,
    });
    expect(trpc.body).toMatchObject({ error: { data: { code: 'SERVICE_UNAVAILABLE' } } });
    expect((await alice.send('GET', '/health', { token: null })).status).toBe(200);
  });
});

describe('when a user goes over the rate limit', () => {
  let server: TestServer;
  let alice: HttpClient;

  beforeAll(async () => {
    server = await startTestServer({ rateLimitPerMinute: 5 });
    alice = httpClient(server.url, aliceToken);
  });

  afterAll(async () => {
    await server.close();
  });

  it('then that user gets 429 with Retry-After, another user does not, and /health is never limited', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await alice.send('GET', '/api/alice/tasks')).status);
    const limited = await alice.send('GET', '/api/alice/tasks');
    const limitedTrpc = await alice.send(
      'GET',
      `/trpc/tasks.list?input=${encodeURIComponent('{"user_id":"alice"}')}`,
    );
    const bob = await alice.send('GET', '/api/bob/tasks', { token: tokenFor('bob') });

    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(limited.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limitedTrpc.status).toBe(429);
    expect(limitedTrpc.body).toMatchObject({ error: { data: { code: 'TOO_MANY_REQUESTS' } } });
    expect(bob.status).toBe(200);
    expect(bob.headers.get('ratelimit')).toMatch(/^limit=5, remaining=4, reset=\d+$/);
    expect(bob.headers.get('ratelimit-policy')).toBe('5;w=60');
    for (let i = 0; i < 10; i++) {
      expect((await alice.send('GET', '/health', { token: null })).status).toBe(200);
    }
  });

  it('then requests without a valid token are limited per address, and 429 wins over 401', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await alice.send('GET', '/api/anyone/tasks', { token: null })).status);

    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});
