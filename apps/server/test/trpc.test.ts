/** docs/API.md section 10: the same operations through @trpc/client return what REST returns. */
import type { AppRouter } from '@todo/api';
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { httpClient, JSON_CONTENT_TYPE, type HttpClient } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';
import { bearer, tokenFor } from './support/tokens.js';

let server: TestServer;
const ALICE = 'alice';
/** Alice's REST resources, and /trpc over plain HTTP, both with Alice's token. */
let rest: HttpClient;
let rawTrpc: HttpClient;

beforeAll(async () => {
  server = await startTestServer();
  rest = httpClient(`${server.url}/api/${ALICE}`, tokenFor(ALICE));
  rawTrpc = httpClient(`${server.url}/trpc`, tokenFor(ALICE));
});

afterAll(async () => {
  await server.close();
});

/** A tRPC client; every HTTP request its link sends is recorded in `sent` (its URL). */
function client(token: string | undefined = tokenFor(ALICE), batch = true, sent: string[] = []) {
  const options = {
    url: `${server.url}/trpc`,
    headers: token ? bearer(token) : {},
    fetch: (...[input, init]: Parameters<typeof fetch>) => {
      sent.push(input instanceof Request ? input.url : String(input));
      return fetch(input, init);
    },
  };
  return createTRPCClient<AppRouter>({
    links: [batch ? httpBatchLink(options) : httpLink(options)],
  });
}

async function rejection(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('when every procedure is called through @trpc/client', () => {
  it('then each returns the same data as the REST operation', async () => {
    const trpc = client();

    const created = await trpc.tasks.create.mutate({
      user_id: ALICE,
      title: ' tRPC task ',
      description: '',
    });
    expect(created).toMatchObject({
      user_id: ALICE,
      title: 'tRPC task',
      description: null,
      completed: false,
    });
    expect((await rest.send('GET', `/tasks/${created.id}`)).body).toEqual(created);
    expect(await trpc.tasks.get.query({ user_id: ALICE, id: created.id })).toEqual(created);

    const listed = await trpc.tasks.list.query({ user_id: ALICE, sort: 'title', limit: 10 });
    expect((await rest.send('GET', '/tasks?sort=title&limit=10')).body).toEqual(listed);

    const updated = await trpc.tasks.update.mutate({
      user_id: ALICE,
      id: created.id,
      title: 'replaced',
    });
    expect((await rest.send('GET', `/tasks/${created.id}`)).body).toEqual(updated);
    const patched = await trpc.tasks.patch.mutate({
      user_id: ALICE,
      id: created.id,
      description: 'more',
    });
    expect(patched).toMatchObject({ title: 'replaced', description: 'more' });

    const toggled = await trpc.tasks.complete.mutate({ user_id: ALICE, id: created.id });
    expect(toggled.completed).toBe(true);
    const set = await trpc.tasks.complete.mutate({
      user_id: ALICE,
      id: created.id,
      completed: true,
    });
    expect(set).toEqual(toggled);

    expect(await trpc.tasks.delete.mutate({ user_id: ALICE, id: created.id })).toBeUndefined();
    expect((await rest.send('GET', `/tasks/${created.id}`)).status).toBe(404);
  });

  it('then several calls batched in one request each get their own answer', async () => {
    const sent: string[] = [];
    const trpc = client(tokenFor(ALICE), true, sent);

    const [one, two] = await Promise.all([
      trpc.tasks.create.mutate({ user_id: ALICE, title: 'one' }),
      trpc.tasks.create.mutate({ user_id: ALICE, title: 'two' }),
    ]);
    const [found, missing] = await Promise.allSettled([
      trpc.tasks.get.query({ user_id: ALICE, id: one.id }),
      trpc.tasks.get.query({ user_id: ALICE, id: 987_654 }),
    ]);

    expect(sent.map((url) => new URL(url).pathname)).toEqual([
      '/trpc/tasks.create,tasks.create',
      '/trpc/tasks.get,tasks.get',
    ]);
    // Which of two concurrent creates gets the lower id is not promised; that each gets its own is.
    expect(one).toMatchObject({ title: 'one', user_id: ALICE });
    expect(two).toMatchObject({ title: 'two', user_id: ALICE });
    expect(one.id).not.toBe(two.id);
    expect(found).toEqual({ status: 'fulfilled', value: one });
    expect(missing).toMatchObject({ status: 'rejected', reason: { data: { code: 'NOT_FOUND' } } });
  });
});

describe('when a procedure fails', () => {
  it('then the contract code is data.code, with tRPC’s status and no stack', async () => {
    const trpc = client(undefined, false);
    const task = await client().tasks.create.mutate({ user_id: ALICE, title: 'mine' });

    const notFound = await rejection(trpc.tasks.get.query({ user_id: ALICE, id: 999_999 }));
    const forbidden = await rejection(trpc.tasks.get.query({ user_id: 'bob', id: task.id }));
    const invalid = await rejection(trpc.tasks.create.mutate({ user_id: ALICE, title: '   ' }));
    const unauthorized = await rejection(client('').tasks.list.query({ user_id: ALICE }));

    expect(notFound.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    expect(forbidden.data).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    expect(invalid.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(invalid.message).toBe('Input validation failed');
    expect(invalid.data?.issues?.[0]?.path).toEqual(['title']);
    expect(unauthorized.data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    for (const error of [notFound, forbidden, invalid, unauthorized]) {
      expect(error.data).not.toHaveProperty('stack');
    }
  });

  it('then a 403 comes before validation of the rest of the input', async () => {
    const forbidden = await rejection(client().tasks.create.mutate({ user_id: 'bob', title: '' }));

    expect(forbidden.data?.code).toBe('FORBIDDEN');
  });

  it('then messages are the same as over REST', async () => {
    const overTrpc = await rejection(client().tasks.get.query({ user_id: ALICE, id: 999_999 }));
    const overRest = await rest.send('GET', '/tasks/999999');

    expect(overTrpc.message).toBe((overRest.body as { message: string }).message);
  });
});

describe('when raw HTTP reaches /trpc', () => {
  it('when the body is not JSON, then BAD_REQUEST (not PARSE_ERROR) with status 400', async () => {
    const reply = await rawTrpc.send('POST', '/tasks.create', {
      raw: '{not json',
      headers: JSON_CONTENT_TYPE,
    });

    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: { data: { code: 'BAD_REQUEST', httpStatus: 400 } } });
    expect(JSON.stringify(reply.body)).not.toMatch(/stack|Unexpected token/);
  });

  it('when there is no token, then 401 in tRPC’s envelope before anything else, for each batched call', async () => {
    const single = await rawTrpc.send('POST', '/tasks.create', {
      raw: '{not json',
      headers: JSON_CONTENT_TYPE,
      token: null,
    });
    const batch = await rawTrpc.send(
      'GET',
      `/tasks.list,tasks.get?batch=1&input=${encodeURIComponent('{}')}`,
      { token: null },
    );

    expect(single.status).toBe(401);
    expect(single.headers.get('www-authenticate')).toBe('Bearer');
    expect(single.body).toMatchObject({
      error: { code: -32001, data: { code: 'UNAUTHORIZED', path: 'tasks.create' } },
    });
    expect(batch.status).toBe(401);
    expect(batch.body).toMatchObject([
      { error: { data: { code: 'UNAUTHORIZED', path: 'tasks.list' } } },
      { error: { data: { code: 'UNAUTHORIZED', path: 'tasks.get' } } },
    ]);
  });

  it('when booleans or ids are of the wrong type, then 400, also after REST calls (no coercion leaks)', async () => {
    expect(
      (await rest.send('POST', '/tasks', { json: { title: 't', completed: 'false' } })).status,
    ).toBe(400);
    expect((await rest.send('GET', '/tasks/0x10')).status).toBe(400);

    const bodies = [
      { user_id: ALICE, title: 't', completed: 'false' },
      { user_id: ALICE, title: 't', completed: 0 },
      { user_id: ALICE, title: 't', completed: 'true' },
    ];
    for (const body of bodies) {
      const reply = await rawTrpc.send('POST', '/tasks.create', { json: body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
    }
    for (const id of ['0x10', true, 1.5, 0, '1e1']) {
      const input = encodeURIComponent(JSON.stringify({ user_id: ALICE, id }));
      const reply = await rawTrpc.send('GET', `/tasks.get?input=${input}`);
      expect(reply.status, JSON.stringify(id)).toBe(400);
    }
  });

  it('when a mutation is called with GET, a body is too large or not JSON, then 405, 413 and 415', async () => {
    const get = await rawTrpc.send('GET', '/tasks.create');
    const big = await rawTrpc.send('POST', '/tasks.create', {
      json: { user_id: ALICE, title: 'x', description: 'y'.repeat(70_000) },
    });
    const text = await rawTrpc.send('POST', '/tasks.create', {
      raw: 'hello',
      headers: { 'Content-Type': 'text/plain' },
    });

    expect(get.body).toMatchObject({
      error: { data: { code: 'METHOD_NOT_SUPPORTED', httpStatus: 405 } },
    });
    expect(big.body).toMatchObject({
      error: { data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } },
    });
    // tRPC's resolveResponse answers errors raised before it reads the input (this one) with a
    // Response that has no Content-Type, so it goes out as text/plain: read the envelope from the text.
    expect(JSON.parse(text.text)).toMatchObject({
      error: { data: { code: 'UNSUPPORTED_MEDIA_TYPE', httpStatus: 415 } },
    });
  });
});
