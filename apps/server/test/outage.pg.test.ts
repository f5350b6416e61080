/**
 * PostgreSQL goes away under the server and comes back: the server answers 503 meanwhile, stays
 * up, and serves again without a restart. The database is reached through a TCP proxy on
 * 127.0.0.1 that the test stops (cutting every connection) and starts again on the same port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { httpClient, type HttpClient } from './support/http.js';
import {
  startServerBehindProxy,
  type ServerBehindProxy,
  type TcpProxy,
} from './support/tcp-proxy.js';
import { tokenFor } from './support/tokens.js';

let setup: ServerBehindProxy;
let proxy: TcpProxy;
let alice: HttpClient;

beforeAll(async () => {
  setup = await startServerBehindProxy();
  proxy = setup.proxy;
  alice = httpClient(setup.server.url, tokenFor('alice'));
});

afterAll(async () => {
  await setup.close();
});

const createTask = (title: string) => alice.send('POST', '/api/alice/tasks', { json: { title } });
const ready = () => alice.send('GET', '/ready', { token: null });

describe('when PostgreSQL becomes unreachable and then comes back', () => {
  it('then calls answer 503 during the outage and succeed again without a restart', async () => {
    expect((await createTask('before')).status).toBe(201);

    await proxy.stop();
    const during = [
      await ready(),
      await createTask('during'),
      await alice.send('GET', '/api/alice/tasks'),
    ];
    expect(during.map((r) => r.status)).toEqual([503, 503, 503]);
    expect((await alice.send('GET', '/health', { token: null })).status).toBe(200);

    await proxy.start();
    const recoveredAt = Date.now();
    let readiness = 0;
    while (readiness !== 200 && Date.now() - recoveredAt < 10_000) {
      readiness = (await ready()).status;
      if (readiness !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.info(`recovered in ${Date.now() - recoveredAt} ms`);

    expect(readiness).toBe(200);
    expect((await createTask('after')).status).toBe(201);
    const titles = ((await alice.send('GET', '/api/alice/tasks')).body as { title: string }[]).map(
      (t) => t.title,
    );
    expect(titles).toEqual(['after', 'before']);
  });
});
