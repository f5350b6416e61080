/** Concurrent writes against real PostgreSQL (PGlite is one connection: nothing runs beside anything). */
import { tasks } from '@todo/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { httpClient, type HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { tokenFor } from '../support/tokens.js';
import { expectCleanLogs } from './log-hygiene.js';

let server: TestServer;
const users = Array.from({ length: 10 }, (_, i) => `user${i}`);
const tokens = new Map(users.map((user) => [user, tokenFor(user)]));
let api: HttpClient;

/** A request to `user`'s own resources, with `user`'s token. */
const send = (user: string, method: string, path: string, json?: unknown) =>
  api.send(method, `/${user}${path}`, { json, token: tokens.get(user) ?? null });

beforeAll(async () => {
  server = await startTestServer();
  api = httpClient(`${server.url}/api`);
});

afterAll(async () => {
  expectCleanLogs(server.logs, { tokens: [...tokens.values()] });
  await server.close();
});

describe('when one task is toggled 200 times at once', () => {
  it('then no toggle is lost: the answers alternate 100/100 and the end state matches the count', async () => {
    const task = (await send('user0', 'POST', '/tasks', { title: 'flip' })).body as { id: number };
    const started = Date.now();

    const replies = await Promise.all(
      Array.from({ length: 200 }, () => send('user0', 'PATCH', `/tasks/${task.id}/complete`)),
    );

    console.info(`concurrency: 200 toggles in ${Date.now() - started} ms`);
    expect(replies.map((r) => r.status)).toEqual(Array(200).fill(200));
    const trues = replies.filter((r) => (r.body as { completed: boolean }).completed).length;
    expect(trues).toBe(100);
    expect(
      ((await send('user0', 'GET', `/tasks/${task.id}`)).body as { completed: boolean }).completed,
    ).toBe(false);
  });
});

describe('when 10 users create 500 tasks at once', () => {
  it('then exactly 500 rows exist, 50 per user, each with its owner and a unique id', async () => {
    await server.database.db.delete(tasks);
    const started = Date.now();

    const replies = await Promise.all(
      Array.from({ length: 500 }, (_, i) => {
        const user = users[i % 10] ?? 'user0';
        return send(user, 'POST', '/tasks', { title: `${user} #${i}` });
      }),
    );

    console.info(`concurrency: 500 creates by 10 users in ${Date.now() - started} ms`);
    expect(replies.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.text}`)).toEqual([]);
    const rows = await server.database.db.select().from(tasks);
    expect(rows).toHaveLength(500);
    expect(new Set(rows.map((r) => r.id)).size).toBe(500);
    for (const user of users) {
      const own = rows.filter((r) => r.user_id === user);
      expect(own).toHaveLength(50);
      expect(own.filter((r) => !r.title.startsWith(`${user} #`))).toEqual([]);
    }
  });
});

describe('when PUT and DELETE race on the same tasks', () => {
  it('then every answer is 200/204 or 404, never 5xx, one DELETE wins per task, and all are gone', async () => {
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) => send('user1', 'POST', '/tasks', { title: `race ${i}` })),
    );
    const ids = created.map((r) => (r.body as { id: number }).id);

    const races = await Promise.all(
      ids.flatMap((id) => [
        send('user1', 'PUT', `/tasks/${id}`, { title: 'renamed', completed: true }),
        send('user1', 'DELETE', `/tasks/${id}`),
        send('user1', 'PATCH', `/tasks/${id}/complete`),
        send('user1', 'DELETE', `/tasks/${id}`),
      ]),
    );

    const statuses = races.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => ![200, 204, 404].includes(s))).toEqual([]);
    expect(statuses.filter((s) => s === 204)).toHaveLength(50);
    for (const id of ids) expect((await send('user1', 'GET', `/tasks/${id}`)).status).toBe(404);
  });
});
