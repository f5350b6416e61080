/**
 * Section 9 in one process: change numbers, the changes feed (REST and tRPC), and live streams
 * (REST SSE and the tRPC subscription), on whichever database the run is configured for.
 */
import { request } from 'node:http';

import { startMaintenance, type Change, type ChangesAnswer, type Task } from '@todo/api';
import { changeCounters, changeHorizons, idempotencyKeys, taskTombstones, tasks } from '@todo/db';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { httpClient, type HttpClient } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';
import { openSse, type SseEvent, type SseStream } from './support/sse.js';
import { surface, SURFACES, type Surface } from './support/surfaces.js';
import { tokenFor } from './support/tokens.js';

const STREAMS_PER_USER = 3;
/** Delivery must take at most this long after the write was acknowledged (contract: 1 s). */
const DELIVERY_MS = 1_000;

let server: TestServer;
let alice: HttpClient;
const token = tokenFor('alice');
const open: SseStream[] = [];

beforeAll(async () => {
  server = await startTestServer({ streamsPerUser: STREAMS_PER_USER });
  alice = httpClient(`${server.url}/api/alice`, token);
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  const { db } = server.database;
  for (const table of [tasks, taskTombstones, changeCounters, changeHorizons, idempotencyKeys]) {
    await db.delete(table);
  }
});

afterEach(async () => {
  for (const stream of open.splice(0)) stream.close();
  // Streams end on the server as their connections close.
  for (let i = 0; i < 100 && server.streams.size > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
});

async function create(title: string, body: Record<string, unknown> = {}): Promise<Task> {
  const reply = await alice.send('POST', '/tasks', { json: { title, ...body } });
  expect(reply.status, reply.text).toBe(201);
  return reply.body as Task;
}

/** The whole feed from a cursor, page by page. */
async function feed(api: Surface, since?: string, limit = 500): Promise<ChangesAnswer[]> {
  const pages: ChangesAnswer[] = [];
  let cursor = since;
  for (;;) {
    const outcome = await api.changes({
      ...(cursor === undefined ? {} : { since: cursor }),
      limit,
    });
    expect(outcome.status, JSON.stringify(outcome)).toBe(200);
    const page = outcome.data as ChangesAnswer;
    pages.push(page);
    if (!page.has_more) return pages;
    cursor = page.cursor;
  }
}

async function events(
  path = '',
  headers: Record<string, string> = {},
  as = token,
): Promise<SseStream> {
  const stream = await openSse(`${server.url}/api/alice/events${path}`, { token: as, headers });
  open.push(stream);
  return stream;
}

async function trpcStream(input: Record<string, unknown>, as = token): Promise<SseStream> {
  const stream = await openSse(
    `${server.url}/trpc/tasks.onChange?input=${encodeURIComponent(JSON.stringify({ user_id: 'alice', ...input }))}`,
    { token: as },
  );
  open.push(stream);
  return stream;
}

/** The retention cleanup, with every deletion made so far past the retention. */
async function forgetDeletions(): Promise<void> {
  // A cut-off a minute ahead: the database's clock may be a millisecond behind this one.
  const maintenance = startMaintenance({ db: server.database.db, changesRetentionMs: -60_000 });
  const report = await maintenance.runOnce();
  await maintenance.stop();
  expect(report.forgottenDeletions).toBeGreaterThan(0);
}

const changeOf = (event: SseEvent) => JSON.parse(event.data) as Change;
const isChange = (event: SseEvent) => event.event === 'change';
/** tRPC's data events (not `connected`, `ping` or `return`). */
const isTrpcData = (event: SseEvent) => event.event === 'message' && event.id !== undefined;

describe('9.1: change numbers', () => {
  it('when tasks are created, changed and deleted, then each change gets a number, increasing, and a no-op gets none', async () => {
    const a = await create('a');
    await alice.send('PATCH', `/tasks/${a.id}`, { json: { title: 'a2' } });
    await alice.send('PATCH', `/tasks/${a.id}`, { json: { title: 'a2' } }); // no change
    const b = await create('b');
    await alice.send('DELETE', `/tasks/${b.id}`);
    await alice.send('PATCH', `/tasks/${a.id}/complete`);

    const [page] = await feed(surface('REST', server.url, 'alice', token));
    const seqs = page?.changes.map((change) => change.seq) ?? [];

    expect(page?.changes.map((change) => [change.op, change.id])).toEqual([
      ['delete', b.id],
      ['upsert', a.id],
    ]);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('when two users write, then each has numbers of their own', async () => {
    await create('alice 1');
    const bob = httpClient(`${server.url}/api/bob`, tokenFor('bob'));
    await bob.send('POST', '/tasks', { json: { title: 'bob 1' } });

    const bobs = await feed(surface('REST', server.url, 'bob', tokenFor('bob')));
    expect(
      bobs[0]?.changes.map((change) => (change.op === 'upsert' ? change.task.title : '')),
    ).toEqual(['bob 1']);
  });
});

describe.each(SURFACES)('9.2 over %s: the changes feed', (name) => {
  let api: Surface;

  beforeAll(() => {
    api = surface(name, server.url, 'alice', token);
  });

  it('when read from the beginning, then every task appears once, at its latest change, with its state now', async () => {
    const a = await create('a');
    const b = await create('b');
    await alice.send('PATCH', `/tasks/${a.id}`, { json: { title: 'a, renamed' } });
    await alice.send('PATCH', `/tasks/${a.id}`, { json: { priority: 'high' } });

    const [page] = await feed(api);

    expect(page?.reset).toBe(false);
    expect(page?.has_more).toBe(false);
    expect(page?.changes.map((change) => change.id)).toEqual([b.id, a.id]);
    const latest = page?.changes[1];
    expect(latest?.op === 'upsert' && latest.task).toMatchObject({
      title: 'a, renamed',
      priority: 'high',
      version: 3,
    });
    expect(page?.cursor).toBe(String(latest?.seq));
  });

  it('when read from a cursor, then only what changed after it, deletions included', async () => {
    const a = await create('a');
    const b = await create('b');
    const [before] = await feed(api);
    await alice.send('DELETE', `/tasks/${a.id}`);
    await alice.send('PATCH', `/tasks/${b.id}`, { json: { title: 'b2' } });

    const [after] = await feed(api, before?.cursor);

    expect(after?.changes.map((change) => [change.op, change.id])).toEqual([
      ['delete', a.id],
      ['upsert', b.id],
    ]);
    expect((await feed(api, after?.cursor))[0]?.changes).toEqual([]);
  });

  it('when read in small pages, then has_more and the cursor walk every change exactly once', async () => {
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await create(`t${i}`));

    const pages = await feed(api, undefined, 3);

    expect(pages.map((page) => page.changes.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((page) => page.changes.map((change) => change.id))).toEqual(
      created.map((task) => task.id),
    );
  });

  it('when nothing has changed, then no changes and the cursor stays', async () => {
    expect((await feed(api))[0]).toEqual({
      changes: [],
      cursor: '0',
      has_more: false,
      reset: false,
    });
    await create('a');
    const [page] = await feed(api);
    expect((await feed(api, page?.cursor))[0]).toMatchObject({ changes: [], cursor: page?.cursor });
  });

  it.each([['abc'], ['-1'], ['01'], ['1.5'], ['']])(
    'when since is %j, then 400 naming since',
    async (since) => {
      const outcome = await api.changes({ since });
      expect(outcome.status).toBe(400);
      expect(outcome.issues?.map((issue) => issue.path[0])).toContain('since');
    },
  );

  it('when since is beyond the newest change (another user’s cursor, say), then 400', async () => {
    await create('a');
    const outcome = await api.changes({ since: '999' });

    expect(outcome.status).toBe(400);
    expect(outcome.code).toBe('BAD_REQUEST');
  });

  it.each([[0], [1001]])('when limit is %j, then 400 naming limit', async (limit) => {
    const outcome = await api.changes({ limit });
    expect(outcome.status).toBe(400);
    expect(outcome.issues?.map((issue) => issue.path[0])).toContain('limit');
  });

  it('when the feed is another user’s, then 403', async () => {
    const outcome = await surface(name, server.url, 'bob', token).changes({});
    expect(outcome.status).toBe(403);
  });

  it('when deletions older than the retention have been forgotten, then an older cursor answers reset with the current cursor', async () => {
    const a = await create('a');
    const [start] = await feed(api);
    await alice.send('DELETE', `/tasks/${a.id}`);
    const b = await create('b');
    await forgetDeletions();

    const [reset] = await feed(api, start?.cursor);
    const [fresh] = await feed(api);

    expect(reset).toMatchObject({ changes: [], has_more: false, reset: true });
    // The current cursor: the user's last change (b's creation).
    expect(reset?.cursor).toBe(String(fresh?.changes.at(-1)?.seq));
    // The client re-reads the list, then carries on from the cursor: nothing after it is lost.
    const list = (await alice.send('GET', '/tasks')).body as Task[];
    expect(list.map((task) => task.id)).toEqual([b.id]);
    expect((await feed(api, reset?.cursor))[0]?.changes).toEqual([]);
    // From the beginning there is nothing to reset: the live tasks come, the forgotten deletion not.
    expect(fresh?.reset).toBe(false);
    expect(fresh?.changes.map((change) => change.id)).toEqual([b.id]);
  });
});

describe('9.3 over REST: the SSE stream', () => {
  it('when a task changes, then every open stream of the user gets it within 1 s, as id/event/data', async () => {
    const first = await events();
    const second = await events();
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(first.headers.get('cache-control')).toContain('no-cache');

    const acknowledged = performance.now();
    const task = await create('live');
    const [a, b] = await Promise.all([first.waitFor(isChange), second.waitFor(isChange)]);

    for (const event of [a, b]) {
      expect(changeOf(event)).toMatchObject({ op: 'upsert', id: task.id, task: { title: 'live' } });
      expect(event.id).toBe(String(changeOf(event).seq));
      expect(event.at - acknowledged).toBeLessThan(DELIVERY_MS);
    }
  });

  it('when opened without a resume point, then only changes made after it opened', async () => {
    await create('before');
    const stream = await events();
    const task = await create('after');

    const event = await stream.waitFor(isChange);
    expect(changeOf(event).id).toBe(task.id);
    expect(stream.events.filter(isChange)).toHaveLength(1);
  });

  it('when resumed with Last-Event-ID or ?since=, then the backlog comes first, compacted, then live changes', async () => {
    const a = await create('a');
    const stream = await events('?since=0');
    const seen = changeOf(await stream.waitFor(isChange));
    stream.close();
    const b = await create('b');
    await alice.send('PATCH', `/tasks/${b.id}`, { json: { title: 'b2' } });
    await alice.send('PATCH', `/tasks/${a.id}`, { json: { title: 'a2' } });

    // Both open before the live change is made, so it can only come after their backlogs.
    const resumed = [
      await events('', { 'Last-Event-ID': String(seen.seq) }),
      await events(`?since=${seen.seq}`),
    ];
    const backlogs: Change[][] = [];
    for (const stream of resumed) {
      await stream.waitFor((event) => isChange(event) && changeOf(event).id === a.id);
      const backlog = stream.events.filter(isChange).map(changeOf);
      expect(backlog.map((change) => change.id)).toEqual([b.id, a.id]);
      expect(backlog.map((change) => change.op === 'upsert' && change.task.title)).toEqual([
        'b2',
        'a2',
      ]);
      backlogs.push(backlog);
    }
    const c = await create('c');
    for (const [i, stream] of resumed.entries()) {
      expect(
        changeOf(await stream.waitFor((event) => isChange(event) && changeOf(event).id === c.id))
          .seq,
      ).toBeGreaterThan(backlogs[i]?.at(-1)?.seq ?? 0);
    }
  });

  it('when a stream is cut and resumed from its last event, then nothing is lost', async () => {
    const stream = await events('?since=0');
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await create(`before cut ${i}`)).id);
    await stream.waitFor((event) => isChange(event) && changeOf(event).id === ids[2]);
    const last = stream.events.filter(isChange).at(-1)?.id ?? '0';
    stream.close();
    for (let i = 0; i < 3; i++) ids.push((await create(`while cut ${i}`)).id);
    const resumed = await events('', { 'Last-Event-ID': last });
    ids.push((await create('after cut')).id);

    await resumed.waitFor((event) => isChange(event) && changeOf(event).id === ids.at(-1));
    const received = [...stream.events, ...resumed.events]
      .filter(isChange)
      .map((event) => changeOf(event).id);
    expect(received).toEqual(ids);
  });

  it('when the resume point is not a change of the user’s, then 400 before the stream opens, naming it', async () => {
    await create('a');
    for (const [query, headers, named] of [
      ['', { 'Last-Event-ID': '999' }, 'Last-Event-ID'],
      ['', { 'Last-Event-ID': 'x' }, 'Last-Event-ID'],
      ['?since=x', {}, 'since'],
      ['?since=999', {}, 'since'],
    ] as const) {
      const stream = await events(query, headers);
      expect(stream.status).toBe(400);
      const body = JSON.parse(stream.text) as { code: string; issues?: { path: string[] }[] };
      expect(body.code).toBe('BAD_REQUEST');
      expect(body.issues?.map((issue) => issue.path)).toEqual([[named]]);
    }
  });

  it('when the token is missing or another user’s path is asked, then 401 and 403 before the stream opens', async () => {
    const anonymous = await openSse(`${server.url}/api/alice/events`, { token: null });
    const intruder = await openSse(`${server.url}/api/bob/events`, { token });

    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(intruder.status).toBe(403);
    expect(JSON.parse(intruder.text)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('when one stream more than the limit is opened, then 429 with Retry-After, and a slot frees when one closes', async () => {
    const streams = [];
    for (let i = 0; i < STREAMS_PER_USER; i++) streams.push(await events());
    const refused = await events();

    expect(streams.map((stream) => stream.status)).toEqual(
      Array<number>(STREAMS_PER_USER).fill(200),
    );
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(JSON.parse(refused.text)).toMatchObject({ code: 'TOO_MANY_REQUESTS' });

    streams[0]?.close();
    for (let i = 0; i < 100 && server.streams.size >= STREAMS_PER_USER; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await events()).status).toBe(200);
  });

  it('when the token expires, then the stream ends with event: end', async () => {
    const shortLived = tokenFor('alice', { exp: Math.floor(Date.now() / 1000) + 2 });
    const stream = await events('', {}, shortLived);
    expect(stream.status).toBe(200);

    const end = await stream.waitFor((event) => event.event === 'end');
    await stream.ended;

    expect(JSON.parse(end.data)).toEqual({ reason: 'token_expired' });
  });

  it('when the resume point is older than the retention, then event: reset with the cursor to carry on from', async () => {
    const a = await create('a');
    await alice.send('DELETE', `/tasks/${a.id}`);
    await forgetDeletions();

    const stream = await events('?since=0');
    const reset = await stream.waitFor((event) => event.event === 'reset');
    const b = await create('b');
    const next = await stream.waitFor(isChange);

    expect(JSON.parse(reset.data)).toEqual({ cursor: reset.id });
    expect(changeOf(next).id).toBe(b.id);
  });
});

describe('9.3 over tRPC: the onChange subscription', () => {
  it('when a task changes, then the subscription gets it within 1 s, tracked by its change number', async () => {
    const stream = await trpcStream({});
    expect(stream.status).toBe(200);
    await stream.waitFor((event) => event.event === 'connected');

    const acknowledged = performance.now();
    const task = await create('live over tRPC');
    const event = await stream.waitFor(isTrpcData);

    const change = JSON.parse(event.data) as Change;
    expect(change).toMatchObject({ op: 'upsert', id: task.id });
    expect(event.id).toBe(String(change.seq));
    expect(event.at - acknowledged).toBeLessThan(DELIVERY_MS);
  });

  it('when resumed with lastEventId, then the backlog, compacted, then live changes', async () => {
    const a = await create('a');
    await alice.send('PATCH', `/tasks/${a.id}`, { json: { title: 'a2' } });
    const b = await create('b');

    const stream = await trpcStream({ lastEventId: '0' });
    await stream.waitFor(
      (event) => isTrpcData(event) && (JSON.parse(event.data) as Change).id === b.id,
    );

    expect(
      stream.events.filter(isTrpcData).map((event) => (JSON.parse(event.data) as Change).id),
    ).toEqual([a.id, b.id]);
  });

  it('when the token is missing, the path is another user’s or there are too many streams, then 401, 403 and 429 before the stream opens', async () => {
    const anonymous = await trpcStream({}, '');
    const intruder = await openSse(
      `${server.url}/trpc/tasks.onChange?input=${encodeURIComponent(JSON.stringify({ user_id: 'bob' }))}`,
      { token },
    );
    const streams = [];
    for (let i = 0; i < STREAMS_PER_USER; i++) streams.push(await trpcStream({}));
    const refused = await trpcStream({});

    expect(anonymous.status).toBe(401);
    expect(intruder.status).toBe(403);
    expect(JSON.parse(intruder.text)).toMatchObject({ error: { data: { code: 'FORBIDDEN' } } });
    expect(streams.map((stream) => stream.status)).toEqual(
      Array<number>(STREAMS_PER_USER).fill(200),
    );
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(JSON.parse(refused.text)).toMatchObject({
      error: { data: { code: 'TOO_MANY_REQUESTS' } },
    });
  });

  it('when the subscription’s path is spelled another way tRPC accepts (trailing slash, percent-encoded, dot segments), then the same 403 before the stream opens', async () => {
    const input = encodeURIComponent(JSON.stringify({ user_id: 'bob' }));
    const spellings = ['/trpc/tasks.onChange/', '/trpc/tasks%2EonChange'];
    const answers = [];
    for (const spelling of spellings) {
      const stream = await openSse(`${server.url}${spelling}?input=${input}`, { token });
      open.push(stream);
      answers.push(stream.status);
    }
    // fetch resolves dot segments before sending: this one goes out as written.
    const dotted = await new Promise<number>((resolve, reject) => {
      const { hostname, port } = new URL(server.url);
      const req = request({
        hostname,
        port,
        path: `/trpc/x/../tasks.onChange?input=${input}`,
        headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
      });
      req.on('response', (res) => {
        res.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

    expect([...answers, dotted]).toEqual([403, 403, 403]);
  });

  it('when lastEventId is not a cursor, then 400 before the stream opens, in tRPC’s envelope', async () => {
    const stream = await trpcStream({ lastEventId: 'x' });

    expect(stream.status).toBe(400);
    expect(JSON.parse(stream.text)).toMatchObject({
      error: { data: { code: 'BAD_REQUEST', issues: [{ path: ['lastEventId'] }] } },
    });
  });

  it('when the token expires, then the connection is dropped (the client reconnects with a fresh token)', async () => {
    const shortLived = tokenFor('alice', { exp: Math.floor(Date.now() / 1000) + 2 });
    const stream = await trpcStream({}, shortLived);
    expect(stream.status).toBe(200);

    await stream.ended;

    // Dropped, not completed: tRPC's client reconnects on a drop, and stops on `return`.
    expect(stream.events.map((event) => event.event)).not.toContain('return');
  });
});
