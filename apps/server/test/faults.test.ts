/** Crashes, an unreachable database and rate limits: the answers and what reaches the log. */
import { createServer, type AddressInfo } from 'node:net';

import { createDatabase, type Database } from '@todo/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { call, startTestServer, type TestServer } from './support/server.js';
import { bearer, tokenFor } from './support/tokens.js';

const alice = bearer(tokenFor('alice'));

describe('when a store operation crashes with driver text', () => {
  let server: TestServer;
  const leak =
    'relation "tasks" does not exist: select * from tasks where user_id = $1 params: alice';

  beforeAll(async () => {
    server = await startTestServer({
      wrapStore: (store) => ({
        ...store,
        list: () => Promise.reject(new Error(leak)),
      }),
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('then REST answers a generic 500 and the log has the request id but not the parameters', async () => {
    const reply = await call(`${server.url}/api/alice/tasks`, {
      headers: { ...alice, 'X-Request-Id': 'crash-1' },
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
    const reply = await call(`${server.url}/trpc/tasks.list?input=${input}`, { headers: alice });

    expect(reply.status).toBe(500);
    expect(reply.body).toMatchObject({
      error: { message: 'Internal server error', data: { code: 'INTERNAL_SERVER_ERROR' } },
    });
    expect(reply.text).not.toMatch(/relation|stack/i);
  });
});

describe('when the log level is warn', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      logLevel: 'warn',
      wrapStore: (store) => ({
        ...store,
        get: () => Promise.reject(new Error('boom')),
      }),
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('then answers below 500 write no line and a 5xx writes one error line with method, path, status and id', async () => {
    const ok = await call(`${server.url}/api/alice/tasks?q=secret`, {
      headers: { ...alice, 'X-Request-Id': 'quiet-1' },
    });
    const failed = await call(`${server.url}/api/alice/tasks/7`, {
      headers: { ...alice, 'X-Request-Id': 'loud-1' },
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
  let unreachable: Database;

  beforeAll(async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    unreachable = await createDatabase({
      url: `postgres://postgres@127.0.0.1:${port}/none`,
      connectTimeoutSeconds: 2,
    });
    server = await startTestServer({ database: unreachable });
  });

  afterAll(async () => {
    await server.close();
    await unreachable.close();
  });

  it('then /ready, REST and tRPC answer 503 with Retry-After and a generic message; /health stays 200', async () => {
    const ready = await call(`${server.url}/ready`);
    const list = await call(`${server.url}/api/alice/tasks`, { headers: alice });
    const create = await call(`${server.url}/api/alice/tasks`, {
      method: 'POST',
      headers: { ...alice, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'lost?' }),
    });
    const trpc = await call(
      `${server.url}/trpc/tasks.list?input=${encodeURIComponent('{"user_id":"alice"}')}`,
      { headers: alice },
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
    expect((await call(`${server.url}/health`)).status).toBe(200);
  });
});

describe('when a user goes over the rate limit', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ rateLimitPerMinute: 5 });
  });

  afterAll(async () => {
    await server.close();
  });

  it('then that user gets 429 with Retry-After, another user does not, and /health is never limited', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await call(`${server.url}/api/alice/tasks`, { headers: alice })).status);
    const limited = await call(`${server.url}/api/alice/tasks`, { headers: alice });
    const limitedTrpc = await call(
      `${server.url}/trpc/tasks.list?input=${encodeURIComponent('{"user_id":"alice"}')}`,
      { headers: alice },
    );
    const bob = await call(`${server.url}/api/bob/tasks`, { headers: bearer(tokenFor('bob')) });

    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(limited.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limitedTrpc.status).toBe(429);
    expect(limitedTrpc.body).toMatchObject({ error: { data: { code: 'TOO_MANY_REQUESTS' } } });
    expect(bob.status).toBe(200);
    expect(bob.headers.get('ratelimit')).toMatch(/^limit=5, remaining=4, reset=\d+$/);
    expect(bob.headers.get('ratelimit-policy')).toBe('5;w=60');
    for (let i = 0; i < 10; i++) expect((await call(`${server.url}/health`)).status).toBe(200);
  });

  it('then requests without a valid token are limited per address, and 429 wins over 401', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await call(`${server.url}/api/anyone/tasks`)).status);

    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});
