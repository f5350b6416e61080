/** docs/API.md sections 2 to 5 and 11 over HTTP, against the real app and a real database. */
import type { Task as TaskBody } from '@todo/api';
import { tasks } from '@todo/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { httpClient, JSON_CONTENT_TYPE, type HttpClient, type Reply } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';
import { bearer, signWith, tokenFor, unsignedToken } from './support/tokens.js';

let server: TestServer;
const ALICE = 'alice';
const BOB = 'bob';
const aliceToken = tokenFor(ALICE);
/** /api as Alice, as Bob, and the whole site without a token. */
let alice: HttpClient;
let bob: HttpClient;
let site: HttpClient;

interface ErrorBody {
  code: string;
  message: string;
  issues?: { path: (string | number)[]; message: string }[];
}

beforeAll(async () => {
  server = await startTestServer();
  alice = httpClient(`${server.url}/api`, aliceToken);
  bob = httpClient(`${server.url}/api`, tokenFor(BOB));
  site = httpClient(server.url);
});

afterAll(async () => {
  await server.close();
});

async function create(user: string, body: Record<string, unknown>): Promise<TaskBody> {
  const reply = await alice.send('POST', `/${user}/tasks`, { json: body, token: tokenFor(user) });
  expect(reply.status, reply.text).toBe(201);
  return reply.body as TaskBody;
}

function expectError(reply: Reply, status: number, code: string): ErrorBody {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  const body = reply.body as ErrorBody;
  expect(body.code).toBe(code);
  expect(typeof body.message).toBe('string');
  expect(Object.keys(body).filter((key) => !['code', 'message', 'issues'].includes(key))).toEqual(
    [],
  );
  return body;
}

function expectIssueAt(body: ErrorBody, path: (string | number)[]) {
  expect(
    body.issues?.map((issue) => issue.path),
    JSON.stringify(body),
  ).toContainEqual(path);
}

async function cleanTasks() {
  await server.database.db.delete(tasks);
}

describe('section 1: authentication', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['no Authorization header', {}, 'Bearer'],
    ['another scheme', { Authorization: 'Basic YWxpY2U6cHc=' }, 'Bearer'],
    ['a malformed token', { Authorization: 'Bearer not-a-jwt' }, 'Bearer error="invalid_token"'],
    // "Bearer" with nothing after it is no token at all.
    ['Bearer with nothing after it', { Authorization: 'Bearer ' }, 'Bearer'],
    ['Bearer and only spaces', { Authorization: 'Bearer    ' }, 'Bearer'],
    [
      'a wrong secret',
      bearer(tokenFor(ALICE, {}, 'another-secret-that-is-long-enough-000')),
      'Bearer error="invalid_token"',
    ],
    ['alg none', bearer(unsignedToken(ALICE)), 'Bearer error="invalid_token"'],
    [
      'HS384 with the same secret',
      bearer(signWith('HS384', ALICE)),
      'Bearer error="invalid_token"',
    ],
    [
      'an expired token',
      bearer(tokenFor(ALICE, { exp: Math.floor(Date.now() / 1000) - 60 })),
      'Bearer error="invalid_token"',
    ],
    [
      'nbf in the future',
      bearer(tokenFor(ALICE, { nbf: Math.floor(Date.now() / 1000) + 120 })),
      'Bearer error="invalid_token"',
    ],
    [
      'iat in the future',
      bearer(tokenFor(ALICE, { iat: Math.floor(Date.now() / 1000) + 120 })),
      'Bearer error="invalid_token"',
    ],
    ['no exp', bearer(tokenFor(ALICE, { exp: undefined })), 'Bearer error="invalid_token"'],
    ['no sub', bearer(tokenFor(undefined)), 'Bearer error="invalid_token"'],
    ['an empty sub', bearer(tokenFor('')), 'Bearer error="invalid_token"'],
    ['a NUL character in sub', bearer(tokenFor('ali\u0000ce')), 'Bearer error="invalid_token"'],
  ];

  it.each(cases)(
    'when the request has %s, then 401 with WWW-Authenticate',
    async (_name, headers, challenge) => {
      const reply = await alice.send('GET', `/${ALICE}/tasks`, { token: null, headers });

      expectError(reply, 401, 'UNAUTHORIZED');
      expect(reply.headers.get('www-authenticate')).toBe(challenge);
    },
  );

  it('when a token expired within the 30 s tolerance, then it is accepted', async () => {
    const token = tokenFor(ALICE, { exp: Math.floor(Date.now() / 1000) - 10 });

    expect((await alice.send('GET', `/${ALICE}/tasks`, { token })).status).toBe(200);
  });

  it('when the path user is not the token subject, then 403 FORBIDDEN', async () => {
    expectError(await alice.send('GET', `/${BOB}/tasks`), 403, 'FORBIDDEN');
    expectError(
      await alice.send('POST', `/${BOB}/tasks`, { json: { title: 'x' } }),
      403,
      'FORBIDDEN',
    );
  });

  it('when a request has no token, then 401 wins over 403, 404, 405 and 400', async () => {
    expectError(await alice.send('GET', '/nowhere/at/all', { token: null }), 401, 'UNAUTHORIZED');
    expectError(await alice.send('PUT', `/${BOB}/tasks`, { token: null }), 401, 'UNAUTHORIZED');
    expectError(
      await alice.send('POST', `/${ALICE}/tasks`, {
        token: null,
        raw: '{bad',
        headers: JSON_CONTENT_TYPE,
      }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('when a token is valid, then 403 wins over 405 and 400', async () => {
    expectError(await alice.send('PUT', `/${BOB}/tasks`), 403, 'FORBIDDEN');
    expectError(await alice.send('GET', `/${BOB}/tasks/abc`), 403, 'FORBIDDEN');
  });
});

describe('section 2: the task', () => {
  beforeEach(cleanTasks);

  it('when a task is created, then it has every field in the contract format', async () => {
    const task = await create(ALICE, { title: '  Buy milk\t', description: '2 litres, oat' });

    expect(task).toEqual({
      id: expect.any(Number) as number,
      user_id: ALICE,
      title: 'Buy milk',
      description: '2 litres, oat',
      completed: false,
      priority: 'none',
      due_date: null,
      tags: [],
      recurrence: null,
      version: 1,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
      updated_at: task.created_at,
    });
  });

  it('when description is "" then it is stored as null; null and absent also give null', async () => {
    expect((await create(ALICE, { title: 'a', description: '' })).description).toBeNull();
    expect((await create(ALICE, { title: 'b', description: null })).description).toBeNull();
    expect((await create(ALICE, { title: 'c' })).description).toBeNull();
  });

  it('when lengths are at the limits in code points, then they are accepted', async () => {
    const task = await create(ALICE, {
      title: '😀'.repeat(200),
      description: '🎉'.repeat(1000),
      completed: true,
    });

    expect(task.title).toBe('😀'.repeat(200));
    expect(task.completed).toBe(true);
  });

  const invalidBodies: [string, Record<string, unknown>, string][] = [
    ['no title', {}, 'title'],
    ['an empty title', { title: '' }, 'title'],
    ['a blank title', { title: ' \t\n\u00a0\u3000' }, 'title'],
    ['a 201-character title', { title: 'x'.repeat(201) }, 'title'],
    ['201 emoji', { title: '😀'.repeat(201) }, 'title'],
    ['a number title', { title: 42 }, 'title'],
    ['a NUL character in the title (regression: was a 500)', { title: 'a\u0000b' }, 'title'],
    ['a lone NUL title (trim() keeps it)', { title: '\u0000' }, 'title'],
    ['a NUL character in the description', { title: 't', description: 'x\u0000' }, 'description'],
    ['a null title', { title: null }, 'title'],
    ['a 1001-character description', { title: 't', description: 'd'.repeat(1001) }, 'description'],
    ['a number description', { title: 't', description: 5 }, 'description'],
    ['completed "false"', { title: 't', completed: 'false' }, 'completed'],
    ['completed "true"', { title: 't', completed: 'true' }, 'completed'],
    ['completed 0', { title: 't', completed: 0 }, 'completed'],
    ['completed null', { title: 't', completed: null }, 'completed'],
    ['an unknown field', { title: 't', colour: 'red' }, 'colour'],
    ['id in the body', { title: 't', id: 5 }, 'id'],
    ['user_id in the body', { title: 't', user_id: ALICE }, 'user_id'],
    [
      'created_at in the body',
      { title: 't', created_at: '2026-01-01T00:00:00.000Z' },
      'created_at',
    ],
    [
      'updated_at in the body',
      { title: 't', updated_at: '2026-01-01T00:00:00.000Z' },
      'updated_at',
    ],
  ];

  it.each(invalidBodies)(
    'when POST has %s, then 400 naming the field and nothing is stored',
    async (_name, body, field) => {
      const error = expectError(
        await alice.send('POST', `/${ALICE}/tasks`, { json: body }),
        400,
        'BAD_REQUEST',
      );

      expect(error.message).toBe('Input validation failed');
      expectIssueAt(error, [field]);
      expect((await alice.send('GET', `/${ALICE}/tasks`)).body).toEqual([]);
    },
  );

  it('when PUT or PATCH carry id or user_id in the body, then 400 and the task is unchanged', async () => {
    const task = await create(ALICE, { title: 'keep' });

    expectIssueAt(
      expectError(
        await alice.send('PATCH', `/${ALICE}/tasks/${task.id}`, { json: { id: 999, title: 'x' } }),
        400,
        'BAD_REQUEST',
      ),
      ['id'],
    );
    expectIssueAt(
      expectError(
        await alice.send('PUT', `/${ALICE}/tasks/${task.id}`, {
          json: { user_id: 'evil', title: 'x' },
        }),
        400,
        'BAD_REQUEST',
      ),
      ['user_id'],
    );
    expect((await alice.send('GET', `/${ALICE}/tasks/${task.id}`)).body).toEqual(task);
  });
});

describe('section 3: bodies and media types', () => {
  beforeEach(cleanTasks);

  it('when the JSON is invalid, then 400 with a fixed message (no parser text)', async () => {
    const reply = await alice.send('POST', `/${ALICE}/tasks`, {
      raw: '{"title": ',
      headers: JSON_CONTENT_TYPE,
    });

    expect(expectError(reply, 400, 'BAD_REQUEST').message).toBe('Request body is not valid JSON');
  });

  it.each([['[1,2]'], ['"just a string"'], ['null'], ['42']])(
    'when the body is %s, then 400',
    async (body) => {
      const reply = await alice.send('POST', `/${ALICE}/tasks`, {
        raw: body,
        headers: JSON_CONTENT_TYPE,
      });

      expectError(reply, 400, 'BAD_REQUEST');
    },
  );

  it('when a body is not JSON, then 415', async () => {
    const reply = await alice.send('POST', `/${ALICE}/tasks`, {
      raw: 'title=milk',
      headers: { 'Content-Type': 'text/plain' },
    });

    expectError(reply, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('when a JSON body is compressed (Content-Encoding), then 415 and nothing is created', async () => {
    const before = (await alice.send('GET', `/${ALICE}/tasks?limit=500`)).body as TaskBody[];
    const reply = await alice.send('POST', `/${ALICE}/tasks`, {
      raw: JSON.stringify({ title: 'zipped' }),
      headers: { ...JSON_CONTENT_TYPE, 'Content-Encoding': 'gzip' },
    });

    expectError(reply, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const after = (await alice.send('GET', `/${ALICE}/tasks?limit=500`)).body as TaskBody[];
    expect(after).toHaveLength(before.length);
  });

  it('when Content-Type carries any charset parameter or other case, then the body is read as UTF-8 JSON', async () => {
    for (const type of [
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/json; charset=latin1',
      'application/json;charset="ISO-8859-1"',
    ]) {
      const reply = await alice.send('POST', `/${ALICE}/tasks`, {
        raw: JSON.stringify({ title: type }),
        headers: { 'Content-Type': type },
      });
      expect(reply.status, reply.text).toBe(201);
      expect((reply.body as TaskBody).title).toBe(type);
    }
  });

  it('when a body exceeds 64 KiB, then 413 whatever its type (413 before 415)', async () => {
    const big = JSON.stringify({ title: 't', description: 'x'.repeat(70 * 1024) });
    expectError(
      await alice.send('POST', `/${ALICE}/tasks`, {
        raw: big,
        headers: JSON_CONTENT_TYPE,
      }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expectError(
      await alice.send('POST', `/${ALICE}/tasks`, {
        raw: big,
        headers: { 'Content-Type': 'text/plain' },
      }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expect((await alice.send('GET', `/${ALICE}/tasks`)).body).toEqual([]);
  });

  it('when a method is not allowed on a known path, then 405 with Allow, before body checks', async () => {
    const reply = await alice.send('PUT', `/${ALICE}/tasks`, {
      raw: 'x',
      headers: { 'Content-Type': 'text/plain' },
    });

    expectError(reply, 405, 'METHOD_NOT_SUPPORTED');
    expect(reply.headers.get('allow')).toBe('GET, POST');
    expect((await alice.send('POST', `/${ALICE}/tasks/1`)).headers.get('allow')).toBe(
      'GET, PUT, PATCH, DELETE',
    );
    expect((await alice.send('GET', `/${ALICE}/tasks/1/complete`)).headers.get('allow')).toBe(
      'PATCH',
    );
  });

  it('when an /api path is unknown, then JSON 404', async () => {
    expectError(await alice.send('GET', `/${ALICE}/projects`), 404, 'NOT_FOUND');
  });
});

describe('section 3: task ids', () => {
  beforeEach(cleanTasks);

  it.each([['abc'], ['0'], ['01'], ['-1'], ['+1'], ['1e1'], ['0x10'], ['1.0'], ['%201']])(
    'when {id} is %j, then 400',
    async (id) => {
      expectIssueAt(
        expectError(await alice.send('GET', `/${ALICE}/tasks/${id}`), 400, 'BAD_REQUEST'),
        ['id'],
      );
    },
  );

  it('when {id} is too large to exist or unknown, then 404', async () => {
    expectError(await alice.send('GET', `/${ALICE}/tasks/99999999999999`), 404, 'NOT_FOUND');
    expectError(await alice.send('GET', `/${ALICE}/tasks/123456`), 404, 'NOT_FOUND');
  });

  it('when a task belongs to someone else, then every operation is 404 and the task is unchanged', async () => {
    const bobs = await create(BOB, { title: 'bob’s', description: 'private' });
    const path = `/${ALICE}/tasks/${bobs.id}`;

    const replies = [
      await alice.send('GET', path),
      await alice.send('PUT', path, { json: { title: 'stolen' } }),
      await alice.send('PATCH', path, { json: { completed: true } }),
      await alice.send('DELETE', path),
      await alice.send('PATCH', `${path}/complete`),
      await alice.send('PATCH', `${path}/complete`, { json: { completed: true } }),
    ];
    const unknown = await alice.send('GET', `/${ALICE}/tasks/999999`);

    for (const reply of replies) {
      expect(expectError(reply, 404, 'NOT_FOUND').message).toBe(
        (unknown.body as ErrorBody).message,
      );
    }
    expect((await bob.send('GET', `/${BOB}/tasks/${bobs.id}`)).body).toEqual(bobs);
  });
});

describe('section 3: operations', () => {
  beforeEach(cleanTasks);

  it('when a task is fetched, then 200 with the task', async () => {
    const task = await create(ALICE, { title: 'one' });

    const reply = await alice.send('GET', `/${ALICE}/tasks/${task.id}`);

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(task);
  });

  it('when PUT omits description and completed, then description is null and completed is kept', async () => {
    const task = await create(ALICE, { title: 'old', description: 'text', completed: true });

    const reply = await alice.send('PUT', `/${ALICE}/tasks/${task.id}`, {
      json: { title: ' new ' },
    });

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ title: 'new', description: null, completed: true });
  });

  it('when PUT repeats identical values, then updated_at does not move', async () => {
    const task = await create(ALICE, { title: 'same', description: 'd' });
    await new Promise((resolve) => setTimeout(resolve, 5));

    const reply = await alice.send('PUT', `/${ALICE}/tasks/${task.id}`, {
      json: {
        title: 'same',
        description: 'd',
        completed: false,
      },
    });

    expect(reply.body).toEqual(task);
  });

  it('when PATCH sends a subset, then only those fields change; an empty PATCH is 400', async () => {
    const task = await create(ALICE, { title: 't', description: 'keep' });

    expect(
      (await alice.send('PATCH', `/${ALICE}/tasks/${task.id}`, { json: { title: 'renamed' } }))
        .body,
    ).toMatchObject({
      title: 'renamed',
      description: 'keep',
      completed: false,
    });
    expect(
      (await alice.send('PATCH', `/${ALICE}/tasks/${task.id}`, { json: { description: null } }))
        .body,
    ).toMatchObject({ description: null });
    expectError(
      await alice.send('PATCH', `/${ALICE}/tasks/${task.id}`, { json: {} }),
      400,
      'BAD_REQUEST',
    );
    expectError(await alice.send('PATCH', `/${ALICE}/tasks/${task.id}`), 400, 'BAD_REQUEST');
  });

  it('when DELETE succeeds, then 204 with no body and no content type, and the task is gone', async () => {
    const task = await create(ALICE, { title: 'bye' });

    const reply = await alice.send('DELETE', `/${ALICE}/tasks/${task.id}`);

    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
    expect(reply.headers.get('content-type')).toBeNull();
    expectError(await alice.send('GET', `/${ALICE}/tasks/${task.id}`), 404, 'NOT_FOUND');
    expectError(await alice.send('DELETE', `/${ALICE}/tasks/${task.id}`), 404, 'NOT_FOUND');
  });

  it('when PATCH .../complete has no body and no Content-Type (a browser fetch), then it toggles', async () => {
    const task = await create(ALICE, { title: 't' });
    const path = `/${ALICE}/tasks/${task.id}/complete`;

    const first = await alice.send('PATCH', path);
    const second = await alice.send('PATCH', path, { headers: { 'Content-Length': '0' } });
    const third = await alice.send('PATCH', path, { json: {} });

    expect([first, second, third].map((r) => r.status)).toEqual([200, 200, 200]);
    expect([first, second, third].map((r) => (r.body as TaskBody).completed)).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('when PATCH .../complete sets a value, then repeating it changes nothing', async () => {
    const task = await create(ALICE, { title: 't' });
    const path = `/${ALICE}/tasks/${task.id}/complete`;

    const first = (await alice.send('PATCH', path, { json: { completed: true } })).body as TaskBody;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = (await alice.send('PATCH', path, { json: { completed: true } })).body as TaskBody;
    const unset = (await alice.send('PATCH', path, { json: { completed: false } }))
      .body as TaskBody;

    expect(first.completed).toBe(true);
    expect(again).toEqual(first);
    expect(unset.completed).toBe(false);
    expectIssueAt(
      expectError(
        await alice.send('PATCH', path, { json: { completed: 'true' } }),
        400,
        'BAD_REQUEST',
      ),
      ['completed'],
    );
    expectIssueAt(
      expectError(await alice.send('PATCH', path, { json: { done: true } }), 400, 'BAD_REQUEST'),
      ['done'],
    );
  });
});

/** The ids of Alice's list for a query string. */
async function list(query: string): Promise<number[]> {
  const reply = await alice.send('GET', `/${ALICE}/tasks${query}`);
  expect(reply.status, reply.text).toBe(200);
  return (reply.body as TaskBody[]).map((task) => task.id);
}

describe('section 3: the list', () => {
  let made: TaskBody[];

  beforeAll(async () => {
    await cleanTasks();
    made = [];
    for (const [index, title] of ['Banana', 'apple', 'Cherry', 'apple', '50% off_sale'].entries()) {
      made.push(
        await create(ALICE, {
          title,
          description: index === 2 ? 'ripe APPLES' : null,
          completed: index % 2 === 1,
        }),
      );
    }
    await create(BOB, { title: 'apple of bob' });
  });

  const ids = (indexes: number[]) => indexes.map((index) => made[index]?.id);

  it('when no query is given, then all of the user’s tasks, newest first', async () => {
    expect(await list('')).toEqual(ids([4, 3, 2, 1, 0]));
  });

  it('when status filters, then pending or completed tasks only', async () => {
    expect(await list('?status=completed')).toEqual(ids([3, 1]));
    expect(await list('?status=pending')).toEqual(ids([4, 2, 0]));
    expect(await list('?status=all')).toHaveLength(5);
  });

  it('when sorting, then each key in both orders with ties broken by id', async () => {
    expect(await list('?sort=created&order=asc')).toEqual(ids([0, 1, 2, 3, 4]));
    expect(await list('?sort=updated')).toEqual(ids([4, 3, 2, 1, 0]));
    expect(await list('?sort=title')).toEqual(ids([4, 1, 3, 0, 2]));
    expect(await list('?sort=title&order=desc')).toEqual(ids([2, 0, 3, 1, 4]));
  });

  it('when q is given, then a literal case-insensitive match on title or description', async () => {
    expect(await list('?q=APPLE&sort=created&order=asc')).toEqual(ids([1, 2, 3]));
    expect(await list(`?q=${encodeURIComponent('%')}`)).toEqual(ids([4]));
    expect(await list('?q=_')).toEqual(ids([4]));
    expect(await list('?q=a_p')).toEqual([]);
  });

  it('when limit and after walk the list, then every task is seen once over several pages', async () => {
    const seen: number[] = [];
    let query = '?sort=title&limit=2';
    for (let page = 0; page < 5; page++) {
      const got = await list(query);
      seen.push(...got);
      if (got.length < 2) break;
      query = `?sort=title&limit=2&after=${String(got.at(-1))}`;
    }

    expect(seen).toEqual(ids([4, 1, 3, 0, 2]));
  });

  it('when unknown parameters are given, then they are ignored', async () => {
    expect(await list('?colour=red&page=3')).toHaveLength(5);
  });

  it('when unknown parameters are given to operations without a query, then they are ignored too', async () => {
    const [first] = await list('');
    const path = `/${ALICE}/tasks/${String(first)}`;

    expect((await alice.send('GET', `${path}?colour=red&limit=x`)).status).toBe(200);
    expect(
      (await alice.send('PATCH', `${path}?colour=red`, { json: { title: 'kept' } })).status,
    ).toBe(200);
    expect((await alice.send('GET', `/${ALICE}/tags?colour=red&limit=`)).status).toBe(200);
    expect((await alice.send('DELETE', `${path}?colour=red`)).status).toBe(204);
  });

  it.each([
    ['?status=done', 'status'],
    ['?status=', 'status'],
    ['?sort=urgency', 'sort'],
    ['?order=up', 'order'],
    ['?limit=0', 'limit'],
    ['?limit=501', 'limit'],
    ['?limit=abc', 'limit'],
    ['?limit=1e1', 'limit'],
    ['?limit=010', 'limit'],
    ['?limit=', 'limit'],
    ['?limit=5&limit=6', 'limit'],
    ['?after=-1', 'after'],
    ['?q=', 'q'],
    ['?q=%00', 'q'],
    [`?q=${'x'.repeat(201)}`, 'q'],
  ])('when the query is %s, then 400 naming %s', async (query, field) => {
    expectIssueAt(
      expectError(await alice.send('GET', `/${ALICE}/tasks${query}`), 400, 'BAD_REQUEST'),
      [field],
    );
  });

  it('when after is unknown, deleted or another user’s task, then 400 with one message', async () => {
    const gone = await create(ALICE, { title: 'gone' });
    await alice.send('DELETE', `/${ALICE}/tasks/${gone.id}`);
    const bobs = ((await bob.send('GET', `/${BOB}/tasks`)).body as TaskBody[])[0];

    const messages = [];
    for (const after of [999_999, gone.id, bobs?.id ?? 0]) {
      const error = expectError(
        await alice.send('GET', `/${ALICE}/tasks?after=${String(after)}`),
        400,
        'BAD_REQUEST',
      );
      expectIssueAt(error, ['after']);
      messages.push(JSON.stringify(error));
    }
    expect(new Set(messages).size).toBe(1);
  });
});

describe('section 3: the page size', () => {
  const STORED = 150;

  beforeAll(async () => {
    await cleanTasks();
    // One insert: more rows than the default page, without 150 requests.
    await server.database.db
      .insert(tasks)
      .values(Array.from({ length: STORED }, (_, i) => ({ user_id: ALICE, title: `task ${i}` })));
  });

  it('when limit is 500, then it is accepted; without a limit, exactly the first 100 come back', async () => {
    const everything = await list('?limit=500');

    expect(everything).toHaveLength(STORED);
    expect(await list('')).toEqual(everything.slice(0, 100));
  });
});

describe('section 5: headers on every response', () => {
  it('when X-Request-Id is well-formed, then it is echoed; otherwise a new one is made', async () => {
    const own = await site.send('GET', '/health', { headers: { 'X-Request-Id': 'req-1:a.b_c' } });
    const bad = await site.send('GET', '/health', { headers: { 'X-Request-Id': 'bad id!' } });
    const error = await site.send('GET', `/api/${ALICE}/tasks`, {
      headers: { 'X-Request-Id': 'abc' },
    });

    expect(own.headers.get('x-request-id')).toBe('req-1:a.b_c');
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.headers.get('x-request-id')).toBe('abc');
    expect(server.logs).toContainEqual(expect.stringContaining('"id":"abc"'));
  });

  it('when an allowed origin calls, then CORS headers are on successes and errors; not for others', async () => {
    const origin = { Origin: 'http://localhost:3000' };
    const ok = await alice.send('GET', `/${ALICE}/tasks`, { headers: origin });
    const failed = await site.send('GET', `/api/${ALICE}/tasks`, { headers: origin });
    const preflight = await site.send('OPTIONS', `/api/${ALICE}/tasks`, {
      headers: {
        ...origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    const stranger = await alice.send('GET', `/${ALICE}/tasks`, {
      headers: { Origin: 'https://evil.example' },
    });

    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(failed.status).toBe(401);
    expect(failed.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/i);
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('when a path outside /api is unknown or a method is wrong, then JSON 404 and 405', async () => {
    expectError(await site.send('GET', '/nope'), 404, 'NOT_FOUND');
    const wrong = await site.send('POST', '/health');
    expectError(wrong, 405, 'METHOD_NOT_SUPPORTED');
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
  });

  it('when the logs are read, then they hold no token and no body', async () => {
    const secretTitle = 'a-title-that-must-never-be-logged';
    await create(ALICE, { title: secretTitle });

    const logs = server.logs.join('\n');
    expect(logs).not.toContain(secretTitle);
    expect(logs).not.toContain(aliceToken);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});

describe('other endpoints', () => {
  it('when /health and /ready are called, then 200 without auth', async () => {
    expect(await site.send('GET', '/health')).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    expect(await site.send('GET', '/ready')).toMatchObject({
      status: 200,
      body: { status: 'ready' },
    });
  });

  it('when /docs is opened, then 200 itself (no redirect) with an HTML page whose assets are served locally', async () => {
    for (const path of ['/docs', '/docs/']) {
      const page = await site.send('GET', path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(page.text).toMatch(/swagger-ui/);
      // Only local assets: no src/href to another host (the SVG namespace URIs load nothing).
      expect(page.text).not.toMatch(/(?:src|href)=["']?(?:https?:)?\/\//i);
      const assets = [...page.text.matchAll(/(?:src|href)="(\/docs\/[^"]+)"/g)].map((m) => m[1]);
      expect(assets.length, path).toBeGreaterThan(2);
      for (const asset of assets) {
        const reply = await site.send('GET', asset ?? '');
        expect(reply.status, asset).toBe(200);
      }
      expect((await site.send('GET', '/docs/swagger-ui-init.js')).text).toContain('"openapi"');
    }
  });
});
