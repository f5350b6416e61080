/**
 * Preconditions and idempotency keys under real concurrency (PostgreSQL: PGlite runs one
 * statement at a time, so nothing there ever races).
 */
import type { Task } from '@todo/api';
import { tasks } from '@todo/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { httpClient, type HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { tokenFor } from '../support/tokens.js';

let server: TestServer;
let api: HttpClient;

beforeAll(async () => {
  server = await startTestServer();
  api = httpClient(`${server.url}/api/alice`, tokenFor('alice'));
});

afterAll(async () => {
  await server.close();
});

describe('when 50 PATCHes with the same If-Match race', () => {
  it('then exactly one is written (200) and 49 get 412, and the version grew by one', async () => {
    const task = (await api.send('POST', '/tasks', { json: { title: 'contended' } })).body as Task;

    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.send('PATCH', `/tasks/${task.id}`, {
          json: { title: `writer ${i}` },
          headers: { 'If-Match': `"${task.version}"` },
        }),
      ),
    );

    const statuses = replies.map((reply) => reply.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(49).fill(412)]);
    const winner = replies.find((reply) => reply.status === 200)?.body as Task;
    const stored = (await api.send('GET', `/tasks/${task.id}`)).body as Task;
    expect(stored.version).toBe(task.version + 1);
    expect(stored.title).toBe(winner.title);
  });
});

describe('when 20 creates with one Idempotency-Key race', () => {
  it('then exactly one task exists and every other answer is 409 or a replay of it', async () => {
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        api.send('POST', '/tasks', {
          json: { title: 'exactly once' },
          headers: { 'Idempotency-Key': 'race-key' },
        }),
      ),
    );

    const rows = await server.database.db
      .select()
      .from(tasks)
      .where(eq(tasks.title, 'exactly once'));
    expect(rows).toHaveLength(1);
    const created = replies.filter(
      (reply) => reply.status === 201 && reply.headers.get('idempotent-replayed') === null,
    );
    expect(created).toHaveLength(1);
    const others = replies.filter((reply) => !created.includes(reply));
    const unexpected = others.filter(
      (reply) =>
        !(reply.status === 409 && (reply.body as { code: string }).code === 'CONFLICT') &&
        !(
          reply.status === 201 &&
          reply.headers.get('idempotent-replayed') === 'true' &&
          JSON.stringify(reply.body) === JSON.stringify(created[0]?.body)
        ),
    );
    expect(unexpected.map((reply) => `${reply.status} ${reply.text}`)).toEqual([]);
    console.info(
      `idempotency race: 1 created, ${others.filter((r) => r.status === 409).length} × 409, ${others.filter((r) => r.status === 201).length} replays`,
    );
  });
});
