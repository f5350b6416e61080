/**
 * Two real server processes on one PostgreSQL: a change written through one reaches the
 * streams of the other (LISTEN/NOTIFY), also after the listen connection was killed, and
 * streams that drop and resume at random while both take writes never lose or reorder one.
 */
import type { Change, Task } from '@todo/api';
import { createDatabase, listenConnectionName } from '@todo/db';
import { createTestDatabase, rowsOf, serverEnvironment, type TestDatabase } from '@todo/db/testing';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { httpClient, type HttpClient } from '../support/http.js';
import { startServerProcess, type ServerProcess } from '../support/process.js';
import { openSse, type SseEvent, type SseStream } from '../support/sse.js';
import { limitForRequests } from '../support/time-limits.js';
import { tokenFor } from '../support/tokens.js';

const DELIVERY_MS = 1_000;
const SEED = Number(process.env.SYNC_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.SYNC_RUNS ?? 10);
const STEPS = 40;

let database: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  database = await createTestDatabase();
  const env = { ...serverEnvironment(database), LOG_LEVEL: 'warn' };
  [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a.kill(), b.kill()]);
  await database.destroy();
});

const isChange = (event: SseEvent) => event.event === 'change';
const changeOf = (event: SseEvent) => JSON.parse(event.data) as Change;

function client(server: ServerProcess, user: string): HttpClient {
  return httpClient(`${server.url}/api/${user}`, tokenFor(user));
}

async function create(server: ServerProcess, user: string, title: string): Promise<Task> {
  const reply = await client(server, user).send('POST', '/tasks', { json: { title } });
  expect(reply.status, reply.text).toBe(201);
  return reply.body as Task;
}

describe('when a change is written through one process', () => {
  it('then a stream on the other process gets it within 1 s', async () => {
    const stream = await openSse(`${b.url}/api/u1/events`, { token: tokenFor('u1') });
    try {
      expect(stream.status).toBe(200);
      const acknowledged = performance.now();
      const task = await create(a, 'u1', 'from A');
      const event = await stream.waitFor(isChange);

      expect(changeOf(event)).toMatchObject({ op: 'upsert', id: task.id });
      expect(event.at - acknowledged).toBeLessThan(DELIVERY_MS);
    } finally {
      stream.close();
    }
  });

  it('then, with the other’s listen connection killed meanwhile, its streams still get every change once it reconnects', async () => {
    const stream = await openSse(`${b.url}/api/u2/events`, { token: tokenFor('u2') });
    try {
      await create(a, 'u2', 'warm-up');
      await stream.waitFor(isChange);
      const admin = await createDatabase({ url: database.directUrl });
      try {
        const killed = await rowsOf<{ pid: number }>(
          admin.db,
          sql`select pg_terminate_backend(pid) as pid from pg_stat_activity
              where application_name = ${listenConnectionName(b.child.pid)}`,
        );
        expect(killed.length, 'the listen connection of B was found').toBeGreaterThan(0);
      } finally {
        await admin.close();
      }
      const written: number[] = [];
      for (let i = 0; i < 5; i++) written.push((await create(a, 'u2', `while cut ${i}`)).id);

      await stream.waitFor(
        (event) => isChange(event) && changeOf(event).id === written.at(-1),
        0,
        15_000,
      );

      expect(
        stream.events
          .filter(isChange)
          .map((event) => changeOf(event).id)
          .slice(1),
      ).toEqual(written);
    } finally {
      stream.close();
    }
  });
});

/** A task list rebuilt from changes, as a client would keep it. */
function replay(changes: Change[]): Map<number, Task> {
  const state = new Map<number, Task>();
  for (const change of changes) {
    if (change.op === 'delete') state.delete(change.id);
    else state.set(change.id, change.task);
  }
  return state;
}

type Step =
  | { kind: 'create'; via: 0 | 1; title: string }
  | { kind: 'patch'; via: 0 | 1; pick: number; title: string }
  | { kind: 'complete'; via: 0 | 1; pick: number }
  | { kind: 'delete'; via: 0 | 1; pick: number }
  | { kind: 'reconnect'; stream: number; to: 0 | 1 };

const via = fc.constantFrom<0 | 1>(0, 1);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      via,
      title: fc.string({ minLength: 1, maxLength: 8 }).filter((t) => t.trim() !== ''),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('patch' as const),
      via,
      pick: fc.nat(),
      title: fc.constantFrom('x', 'y', 'z'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('complete' as const), via, pick: fc.nat() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('delete' as const), via, pick: fc.nat() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('reconnect' as const),
      stream: fc.nat({ max: 2 }),
      to: via,
    }),
  },
);

/** One client's stream: connections in turn, each resuming after the last event of the one before. */
interface Follower {
  connections: SseStream[];
  received: Change[];
}

describe(`when streams drop and resume at random while both processes take writes (seed ${SEED})`, () => {
  it(
    'then each stream’s change numbers only increase, and replaying what it got gives exactly the final list',
    async () => {
      let run = 0;
      const totals = { writes: 0, reconnects: 0, events: 0 };
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 20, maxLength: STEPS }), async (steps) => {
          const user = `prop${run++}`;
          const token = tokenFor(user);
          const servers = [a, b] as const;
          const followers: Follower[] = [];
          const connect = async (follower: Follower, to: 0 | 1) => {
            const last = follower.received.at(-1)?.seq;
            const stream = await openSse(
              `${servers[to].url}/api/${user}/events?since=${last ?? 0}`,
              { token },
            );
            expect(stream.status).toBe(200);
            follower.connections.push(stream);
          };
          /** Moves what the current connection got into `received`, checking its order. */
          const settle = (follower: Follower) => {
            const current = follower.connections.at(-1);
            const got = (current?.events ?? []).filter(isChange).map(changeOf);
            const before = follower.received.at(-1)?.seq ?? 0;
            const seqs = [before, ...got.map((change) => change.seq)];
            expect(seqs, 'change numbers only increase').toEqual([...seqs].sort((x, y) => x - y));
            expect(new Set(seqs).size).toBe(seqs.length);
            follower.received.push(...got);
          };
          for (let i = 0; i < 3; i++) {
            const follower: Follower = { connections: [], received: [] };
            followers.push(follower);
            await connect(follower, i % 2 === 0 ? 0 : 1);
          }
          const ids: number[] = [];
          for (const s of steps) {
            if (s.kind === 'reconnect') {
              const follower = followers[s.stream];
              if (!follower) continue;
              follower.connections.at(-1)?.close();
              settle(follower);
              await connect(follower, s.to);
              continue;
            }
            const api = client(servers[s.via], user);
            if (s.kind === 'create') {
              ids.push((await create(servers[s.via], user, s.title)).id);
              continue;
            }
            const id = ids[s.pick % Math.max(ids.length, 1)];
            if (id === undefined) continue;
            if (s.kind === 'patch')
              await api.send('PATCH', `/tasks/${id}`, { json: { title: s.title } });
            if (s.kind === 'complete') await api.send('PATCH', `/tasks/${id}/complete`);
            if (s.kind === 'delete') await api.send('DELETE', `/tasks/${id}`);
          }
          const final = (
            await client(a, user).send('GET', '/tasks?limit=500&sort=created&order=asc')
          ).body as Task[];
          const head = JSON.parse(
            (await client(a, user).send('GET', '/changes?since=0&limit=1000')).text,
          ) as { cursor: string };
          for (const follower of followers) {
            const current = follower.connections.at(-1);
            if (current && Number(head.cursor) > (follower.received.at(-1)?.seq ?? 0)) {
              await current.waitFor(
                (event) => isChange(event) && changeOf(event).seq >= Number(head.cursor),
                0,
                15_000,
              );
            }
            current?.close();
            settle(follower);
            expect([...replay(follower.received).values()].sort((x, y) => x.id - y.id)).toEqual(
              final,
            );
          }
          totals.writes += steps.filter((s) => s.kind !== 'reconnect').length;
          totals.reconnects += steps.filter((s) => s.kind === 'reconnect').length;
          totals.events += followers.reduce((sum, f) => sum + f.received.length, 0);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      console.info(
        `sync property: ${RUNS} runs, ${totals.writes} writes, ${totals.reconnects} reconnects, ${totals.events} changes received (replay with SYNC_SEED=${SEED})`,
      );
      expect(totals.events).toBeGreaterThan(RUNS);
    },
    limitForRequests(RUNS * STEPS * 4),
  );
});
