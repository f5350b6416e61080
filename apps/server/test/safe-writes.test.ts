/**
 * Safe writes: versions and ETags, If-Match / If-None-Match (REST) and `if_version` (tRPC),
 * idempotent creates with Idempotency-Key (REST) and `idempotency_key` (tRPC), the order of
 * their errors, and what browsers need of CORS for them.
 */
import type { Task } from '@todo/api';
import { idempotencyKeys, tasks } from '@todo/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { httpClient, type HttpClient, type Reply } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';
import { surface, SURFACES, type Surface } from './support/surfaces.js';
import { tokenFor } from './support/tokens.js';

let server: TestServer;
let rest: HttpClient;
const KEY_LIFETIME_MS = 1_500;

beforeAll(async () => {
  server = await startTestServer({
    corsOrigins: ['https://app.example'],
    service: { keyLifetimeMs: KEY_LIFETIME_MS },
  });
  rest = httpClient(`${server.url}/api/alice`, tokenFor('alice'));
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  await server.database.db.delete(tasks);
  await server.database.db.delete(idempotencyKeys);
});

function taskOf(reply: Reply): Task {
  expect(reply.status, reply.text).toBeLessThan(300);
  return reply.body as Task;
}

function expectError(reply: Reply, status: number, code: string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.body).toMatchObject({ code });
}

async function createTask(body: Record<string, unknown> = { title: 't' }): Promise<Task> {
  return taskOf(await rest.send('POST', '/tasks', { json: body }));
}

async function createdBy(api: Surface): Promise<Task> {
  const outcome = await api.create({ title: 't' });
  if (!outcome.data) throw new Error(`create failed: ${JSON.stringify(outcome)}`);
  return outcome.data;
}

const count = async () => (await server.database.db.select().from(tasks)).length;

describe('8.1 over REST: versions and ETags', () => {
  it('when a task is created and changed, then version is 1 and grows by one per change, and a no-op changes nothing', async () => {
    const created = await createTask({ title: 'v', tags: ['a'] });
    const changed = taskOf(
      await rest.send('PATCH', `/tasks/${created.id}`, { json: { title: 'w' } }),
    );
    const same = taskOf(
      await rest.send('PUT', `/tasks/${created.id}`, { json: { title: 'w', tags: ['A'] } }),
    );
    const toggled = taskOf(await rest.send('PATCH', `/tasks/${created.id}/complete`));

    expect([created.version, changed.version, same.version, toggled.version]).toEqual([1, 2, 2, 3]);
    expect(same.updated_at).toBe(changed.updated_at);
  });

  it('when one task is answered (GET, POST, PUT, PATCH, /complete), then ETag is its version as a strong tag', async () => {
    const created = await rest.send('POST', '/tasks', { json: { title: 'e' } });
    const id = (created.body as Task).id;
    const answers = [
      created,
      await rest.send('GET', `/tasks/${id}`),
      await rest.send('PUT', `/tasks/${id}`, { json: { title: 'f' } }),
      await rest.send('PATCH', `/tasks/${id}`, { json: { title: 'g' } }),
      await rest.send('PATCH', `/tasks/${id}/complete`),
    ];

    expect(answers.map((reply) => reply.headers.get('etag'))).toEqual([
      '"1"',
      '"1"',
      '"2"',
      '"3"',
      '"4"',
    ]);
  });

  it('when a list, the tags or an error is answered, then there is no ETag', async () => {
    await createTask();
    for (const path of ['/tasks', '/tags', '/tasks/999999']) {
      expect((await rest.send('GET', path)).headers.get('etag'), path).toBeNull();
    }
  });
});

describe('8.1 over REST: If-Match on PUT, PATCH, /complete and DELETE', () => {
  const writes: [string, (id: number, ifMatch: string) => Promise<Reply>][] = [
    [
      'PUT',
      (id, ifMatch) =>
        rest.send('PUT', `/tasks/${id}`, {
          json: { title: 'x' },
          headers: { 'If-Match': ifMatch },
        }),
    ],
    [
      'PATCH',
      (id, ifMatch) =>
        rest.send('PATCH', `/tasks/${id}`, {
          json: { title: 'x' },
          headers: { 'If-Match': ifMatch },
        }),
    ],
    [
      '/complete',
      (id, ifMatch) =>
        rest.send('PATCH', `/tasks/${id}/complete`, { headers: { 'If-Match': ifMatch } }),
    ],
    [
      'DELETE',
      (id, ifMatch) => rest.send('DELETE', `/tasks/${id}`, { headers: { 'If-Match': ifMatch } }),
    ],
  ];

  it.each(writes)('when %s names the current version, then it is written', async (_name, write) => {
    const task = await createTask();

    const reply = await write(task.id, '"1"');

    expect(reply.status, reply.text).toBeLessThan(300);
  });

  it.each(writes)(
    'when %s names only other versions (or weak tags), then 412 PRECONDITION_FAILED and nothing changes',
    async (_name, write) => {
      const task = await createTask();
      for (const ifMatch of ['"2"', '"2", "3"', 'W/"1"', '"abc"']) {
        expectError(await write(task.id, ifMatch), 412, 'PRECONDITION_FAILED');
      }
      expect(taskOf(await rest.send('GET', `/tasks/${task.id}`))).toEqual(task);
    },
  );

  it.each(writes)(
    'when %s sends a list holding the version, then it matches',
    async (_name, write) => {
      const task = await createTask();

      expect((await write(task.id, '"7", W/"9", "1"')).status).toBeLessThan(300);
    },
  );

  it.each(writes)('when %s sends *, then any existing task matches', async (_name, write) => {
    const task = await createTask();
    await rest.send('PATCH', `/tasks/${task.id}`, { json: { title: 'moved on' } });

    expect((await write(task.id, '*')).status).toBeLessThan(300);
  });

  it.each(writes)(
    'when %s targets a missing task, then 404 whatever If-Match says',
    async (_name, write) => {
      for (const ifMatch of ['*', '"1"', '"99"']) {
        expectError(await write(999_999, ifMatch), 404, 'NOT_FOUND');
      }
    },
  );

  it('when If-Match is malformed, then 400 naming the header, before 404', async () => {
    for (const ifMatch of ['1', '"1', 'W/1', '*, "1"']) {
      const reply = await rest.send('PATCH', '/tasks/999999', {
        json: { title: 'x' },
        headers: { 'If-Match': ifMatch },
      });
      expectError(reply, 400, 'BAD_REQUEST');
      expect(reply.body).toMatchObject({ issues: [{ path: ['If-Match'] }] });
    }
  });

  it('when the body carries if_version, then it works as If-Match; both at once are 400', async () => {
    const task = await createTask();

    expectError(
      await rest.send('PATCH', `/tasks/${task.id}`, { json: { title: 'x', if_version: 2 } }),
      412,
      'PRECONDITION_FAILED',
    );
    expect(
      (await rest.send('PATCH', `/tasks/${task.id}`, { json: { title: 'x', if_version: 1 } }))
        .status,
    ).toBe(200);
    const both = await rest.send('PATCH', `/tasks/${task.id}`, {
      json: { title: 'y', if_version: 2 },
      headers: { 'If-Match': '"2"' },
    });
    expectError(both, 400, 'BAD_REQUEST');
    expect(both.body).toMatchObject({ issues: [{ path: ['if_version'] }] });
  });

  it('when a PATCH body holds if_version and nothing else, then 400 like {}', async () => {
    const task = await createTask();

    expectError(
      await rest.send('PATCH', `/tasks/${task.id}`, { json: { if_version: 1 } }),
      400,
      'BAD_REQUEST',
    );
  });

  it('when the precondition fails and the write would also break a recurrence rule, then 412 comes first', async () => {
    const task = await createTask({ title: 'r', due_date: '2026-12-01', recurrence: 'FREQ=DAILY' });

    expectError(
      await rest.send('PATCH', `/tasks/${task.id}`, {
        json: { due_date: null },
        headers: { 'If-Match': '"9"' },
      }),
      412,
      'PRECONDITION_FAILED',
    );
    expectError(
      await rest.send('PATCH', `/tasks/${task.id}`, {
        json: { due_date: null },
        headers: { 'If-Match': '"1"' },
      }),
      400,
      'BAD_REQUEST',
    );
  });

  it('when a recurring task is completed with the right If-Match, then it moves on once; a retry with that tag is 412', async () => {
    const task = await createTask({ title: 'r', due_date: '2026-12-01', recurrence: 'FREQ=DAILY' });
    const complete = () =>
      rest.send('PATCH', `/tasks/${task.id}/complete`, {
        json: { completed: true },
        headers: { 'If-Match': '"1"' },
      });

    const moved = taskOf(await complete());
    const retried = await complete();

    expect(moved).toMatchObject({ due_date: '2026-12-02', version: 2, completed: false });
    expectError(retried, 412, 'PRECONDITION_FAILED');
  });
});

describe('8.1 over REST: If-None-Match on GET', () => {
  it('when a tag matches (weak comparison, * included), then 304 with the ETag and no body', async () => {
    const task = await createTask();
    for (const ifNoneMatch of ['"1"', 'W/"1"', '"5", "1"', '*']) {
      const reply = await rest.send('GET', `/tasks/${task.id}`, {
        headers: { 'If-None-Match': ifNoneMatch },
      });
      expect(reply.status, ifNoneMatch).toBe(304);
      expect(reply.headers.get('etag')).toBe('"1"');
      expect(reply.text).toBe('');
    }
  });

  it('when no tag matches, then 200 with the task', async () => {
    const task = await createTask();
    await rest.send('PATCH', `/tasks/${task.id}`, { json: { title: 'changed' } });

    const reply = await rest.send('GET', `/tasks/${task.id}`, {
      headers: { 'If-None-Match': '"1"' },
    });

    expect(reply.status).toBe(200);
    expect(reply.headers.get('etag')).toBe('"2"');
    expect(reply.body).toMatchObject({ title: 'changed' });
  });

  it('when the task does not exist, then 404 even with If-None-Match: *', async () => {
    expectError(
      await rest.send('GET', '/tasks/999999', { headers: { 'If-None-Match': '*' } }),
      404,
      'NOT_FOUND',
    );
  });
});

describe.each(SURFACES)('8.1 over %s: if_version', (name) => {
  let api: Surface;

  beforeAll(() => {
    api = surface(name, server.url, 'alice', tokenFor('alice'));
  });

  it.each(['update', 'patch', 'complete', 'delete'] as const)(
    'when %s is sent with a stale if_version, then 412 and nothing changes; with the current one it is written',
    async (operation) => {
      const task = await createdBy(api);
      const send = (if_version: number) =>
        operation === 'update'
          ? api.replace(task.id, { title: 'x', if_version })
          : operation === 'patch'
            ? api.patch(task.id, { title: 'x', if_version })
            : operation === 'complete'
              ? api.complete(task.id, { if_version })
              : api.remove(task.id, { if_version });

      const stale = await send(2);
      expect(stale.status).toBe(412);
      expect(stale.code).toBe('PRECONDITION_FAILED');
      expect((await api.get(task.id)).data).toEqual(task);

      const current = await send(1);
      expect(current.status, JSON.stringify(current)).toBeLessThan(300);
    },
  );

  it('when if_version names a missing task, then 404', async () => {
    const outcome = await api.patch(999_999, { title: 'x', if_version: 1 });

    expect(outcome.status).toBe(404);
  });

  it.each([[0], [-1], [1.5], ['1'], [null]])(
    'when if_version is %j, then 400',
    async (if_version) => {
      const task = await createdBy(api);
      const outcome = await api.patch(task.id, { title: 'x', if_version });

      // REST reads "1" in a JSON body as a string too: only JSON numbers are versions.
      expect(outcome.status).toBe(400);
      expect(outcome.issues?.map((issue) => issue.path[0])).toContain('if_version');
    },
  );
});

describe('8.2 over REST: Idempotency-Key', () => {
  const post = (body: Record<string, unknown>, key: string, user = 'alice') =>
    httpClient(`${server.url}/api/${user}`, tokenFor(user)).send('POST', '/tasks', {
      json: body,
      headers: { 'Idempotency-Key': key },
    });

  it('when a create is repeated with the same key and body, then the first answer is replayed and nothing is created', async () => {
    const first = await post({ title: 'once', tags: ['a'] }, 'key-1');
    await rest.send('PATCH', `/tasks/${(first.body as Task).id}`, {
      json: { title: 'edited since' },
    });

    const again = await post({ tags: ['a'], title: 'once' }, 'key-1');

    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('etag')).toBe('"1"');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await count()).toBe(1);
  });

  it('when the key is sent quoted or bare, then it is the same key', async () => {
    const first = await post({ title: 'q' }, '"same.key:1"');
    const again = await post({ title: 'q' }, 'same.key:1');

    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('when the same key comes with another body, then 422 UNPROCESSABLE_CONTENT and nothing is created', async () => {
    await post({ title: 'one' }, 'key-2');

    expectError(await post({ title: 'two' }, 'key-2'), 422, 'UNPROCESSABLE_CONTENT');
    expectError(
      await post({ title: 'one', completed: false }, 'key-2'),
      422,
      'UNPROCESSABLE_CONTENT',
    );
    expect(await count()).toBe(1);
  });

  it('when the first request failed (400), then the key is not remembered and may be used again', async () => {
    expectError(await post({ title: '' }, 'key-3'), 400, 'BAD_REQUEST');

    const ok = await post({ title: 'now valid' }, 'key-3');

    expect(ok.status).toBe(201);
    expect(ok.headers.get('idempotent-replayed')).toBeNull();
  });

  it('when a repeated key comes with an invalid body, then 400 (the request on its own) before 422', async () => {
    await post({ title: 'one' }, 'key-4');

    expectError(await post({ title: 42 }, 'key-4'), 400, 'BAD_REQUEST');
  });

  it('when two users use the same key, then they never interact', async () => {
    const alice = await post({ title: 'shared key' }, 'key-5', 'alice');
    const bob = await post({ title: 'shared key' }, 'key-5', 'bob');

    expect(bob.status).toBe(201);
    expect(bob.headers.get('idempotent-replayed')).toBeNull();
    expect((bob.body as Task).id).not.toBe((alice.body as Task).id);
  });

  it.each([[''], ['a b'], ['"unterminated'], ['x'.repeat(256)], ['é'], ['""']])(
    'when the key is %j, then 400 naming Idempotency-Key',
    async (key) => {
      const reply = await post({ title: 'k' }, key);
      expectError(reply, 400, 'BAD_REQUEST');
      expect(reply.body).toMatchObject({ issues: [{ path: ['Idempotency-Key'] }] });
    },
  );

  it('when the key is 255 characters of the allowed set, then it is accepted', async () => {
    expect((await post({ title: 'k' }, 'aZ9._:-'.repeat(36).slice(0, 255))).status).toBe(201);
  });

  it('when the key has expired, then it may be used again for another create', async () => {
    await post({ title: 'old' }, 'key-6');
    await new Promise((resolve) => setTimeout(resolve, KEY_LIFETIME_MS + 200));

    const fresh = await post({ title: 'new' }, 'key-6');

    expect(fresh.status).toBe(201);
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
    expect(await count()).toBe(2);
  });

  it('when the body carries idempotency_key as well as the header, then 400', async () => {
    expectError(await post({ title: 'k', idempotency_key: 'key-7' }, 'key-7'), 400, 'BAD_REQUEST');
  });
});

describe.each(SURFACES)('8.2 over %s: idempotency_key', (name) => {
  let api: Surface;

  beforeAll(() => {
    api = surface(name, server.url, 'alice', tokenFor('alice'));
  });

  it('when a create is repeated with the same idempotency_key, then the same task comes back once', async () => {
    const first = await api.create({ title: 'trpc once', idempotency_key: 'k-1' });
    const again = await api.create({ title: 'trpc once', idempotency_key: '"k-1"' });
    const other = await api.create({ title: 'other', idempotency_key: 'k-1' });

    expect(first.status).toBe(name === 'REST' ? 201 : 200);
    expect(again.data).toEqual(first.data);
    expect(other.status).toBe(422);
    expect(other.code).toBe('UNPROCESSABLE_CONTENT');
    expect(await count()).toBe(1);
  });

  it('when idempotency_key is malformed, then 400 naming it', async () => {
    const outcome = await api.create({ title: 't', idempotency_key: 'no spaces' });

    expect(outcome.status).toBe(400);
    expect(outcome.issues?.map((issue) => issue.path[0])).toContain('idempotency_key');
  });
});

describe('when the key is shared by REST and tRPC', () => {
  it('then a tRPC retry of a REST create with the same fields is a replay', async () => {
    const first = await rest.send('POST', '/tasks', {
      json: { title: 'both' },
      headers: { 'Idempotency-Key': 'cross' },
    });
    const again = await surface('tRPC', server.url, 'alice', tokenFor('alice')).create({
      title: 'both',
      idempotency_key: 'cross',
    });

    expect(again.data).toEqual(first.body);
    expect(await count()).toBe(1);
  });
});

describe('when a browser sends the conditional headers across origins', () => {
  it('then the preflight allows them and the answers expose ETag and Idempotent-Replayed', async () => {
    const preflight = await httpClient(`${server.url}/api/alice`).send('OPTIONS', '/tasks/1', {
      headers: {
        Origin: 'https://app.example',
        'Access-Control-Request-Method': 'PATCH',
        'Access-Control-Request-Headers':
          'authorization, content-type, if-match, if-none-match, idempotency-key',
      },
    });
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    const answer = await rest.send('POST', '/tasks', {
      json: { title: 'cors' },
      headers: { Origin: 'https://app.example' },
    });
    const exposed = (answer.headers.get('access-control-expose-headers') ?? '').toLowerCase();

    expect(preflight.status).toBe(204);
    for (const header of ['if-match', 'if-none-match', 'idempotency-key']) {
      expect(allowed.split(/\s*,\s*/), header).toContain(header);
    }
    for (const header of ['etag', 'idempotent-replayed']) {
      expect(exposed.split(/\s*,\s*/), header).toContain(header);
    }
  });
});
