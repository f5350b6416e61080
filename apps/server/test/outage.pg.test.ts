/**
 * PostgreSQL goes away under the server and comes back: the server answers 503 meanwhile, stays
 * up, and serves again without a restart. The database is reached through a TCP proxy on
 * 127.0.0.1 that the test stops (cutting every connection) and starts again on the same port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { call, type TestServer } from './support/server.js';
import {
  startServerBehindProxy,
  type ServerBehindProxy,
  type TcpProxy,
} from './support/tcp-proxy.js';
import { bearer, tokenFor } from './support/tokens.js';

const alice = { ...bearer(tokenFor('alice')), 'Content-Type': 'application/json' };
let setup: ServerBehindProxy;
let server: TestServer;
let proxy: TcpProxy;

beforeAll(async () => {
  setup = await startServerBehindProxy();
  ({ server, proxy } = setup);
});

afterAll(async () => {
  await setup.close();
});

const createTask = (title: string) =>
  call(`${server.url}/api/alice/tasks`, {
    method: 'POST',
    headers: alice,
    body: JSON.stringify({ title }),
  });

describe('when PostgreSQL becomes unreachable and then comes back', () => {
  it('then calls answer 503 during the outage and succeed again without a restart', async () => {
    expect((await createTask('before')).status).toBe(201);

    await proxy.stop();
    const during = [
      await call(`${server.url}/ready`),
      await createTask('during'),
      await call(`${server.url}/api/alice/tasks`, { headers: alice }),
    ];
    expect(during.map((r) => r.status)).toEqual([503, 503, 503]);
    expect((await call(`${server.url}/health`)).status).toBe(200);

    await proxy.start();
    const recoveredAt = Date.now();
    let ready = 0;
    while (ready !== 200 && Date.now() - recoveredAt < 10_000) {
      ready = (await call(`${server.url}/ready`)).status;
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.info(`recovered in ${Date.now() - recoveredAt} ms`);

    expect(ready).toBe(200);
    expect((await createTask('after')).status).toBe(201);
    const titles = (
      (await call(`${server.url}/api/alice/tasks`, { headers: alice })).body as { title: string }[]
    ).map((t) => t.title);
    expect(titles).toEqual(['after', 'before']);
  });
});
