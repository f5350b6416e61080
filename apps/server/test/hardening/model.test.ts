/**
 * Model-based: random sequences of create, put, patch, toggle, set, delete and list by two users,
 * each step checked against an in-memory model of the contract (ownership, values, updated_at
 * moving only on change, list filters and orders). Seeded: MODEL_SEED=<n> replays a run.
 */
import type { Task as TaskBody } from '@todo/api';
import { tasks } from '@todo/db';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { httpClient, type HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { limitForRequests } from '../support/time-limits.js';
import { tokenFor } from '../support/tokens.js';
import { expectCleanLogs } from './log-hygiene.js';

const SEED = Number(process.env.MODEL_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.MODEL_RUNS ?? 40);
const MAX_COMMANDS = 60;
const USERS = ['alice', 'bob'] as const;
type User = (typeof USERS)[number];
const tokens: Record<User, string> = { alice: tokenFor('alice'), bob: tokenFor('bob') };

interface Model {
  tasks: Map<number, TaskBody>;
  /** Ids that existed and were deleted: never valid again. */
  deleted: number[];
}

let server: TestServer;
let api: HttpClient;
let requests = 0;

beforeAll(async () => {
  server = await startTestServer();
  api = httpClient(`${server.url}/api`);
});

afterAll(async () => {
  await server.close();
});

/** A request to `user`'s own resources, with `user`'s token, counted. */
async function send(user: User, method: string, path: string, json?: unknown) {
  requests++;
  return api.send(method, `/${user}${path}`, { json, token: tokens[user] });
}

/** A task id to aim at: one of anybody's, a deleted one, or one that never existed. */
function target(model: Model, pick: number): number {
  const ids = [...model.tasks.keys(), ...model.deleted.slice(-2), 9_999_999];
  return ids[pick % ids.length] ?? 9_999_999;
}

function ownedBy(model: Model, id: number, user: User): TaskBody | undefined {
  const task = model.tasks.get(id);
  return task?.user_id === user ? task : undefined;
}

/** Checks a write's answer against the model's expectation, then records it. */
function expectWrite(
  model: Model,
  before: TaskBody | undefined,
  reply: { status: number; body: unknown },
  expected: Partial<TaskBody>,
) {
  if (!before) {
    expect(reply.status).toBe(404);
    return;
  }
  expect(reply.status).toBe(200);
  const after = reply.body as TaskBody;
  const next = { ...before, ...expected };
  expect({ ...after, updated_at: '' }).toEqual({ ...next, updated_at: '' });
  const changed = (['title', 'description', 'completed'] as const).some(
    (field) => next[field] !== before[field],
  );
  if (changed) {
    // Millisecond timestamps: two writes within one millisecond share it, so "not earlier".
    expect(Date.parse(after.updated_at)).toBeGreaterThanOrEqual(Date.parse(before.updated_at));
  } else {
    expect(after.updated_at).toBe(before.updated_at);
  }
  model.tasks.set(after.id, after);
}

// Titles from a small alphabet with case and spaces: duplicates and ties are common, and
// lower() sorts the same everywhere.
const title = fc
  .string({ unit: fc.constantFrom('a', 'B', 'c', ' ', 'D'), minLength: 1, maxLength: 6 })
  .filter((t) => t.trim().length > 0);
const description = fc.option(fc.string({ maxLength: 8 }), { nil: null });
const user = fc.constantFrom(...USERS);

type Command = fc.AsyncCommand<Model, object>;

const commands: fc.Arbitrary<Command>[] = [
  fc
    .record({ user, title, description, completed: fc.option(fc.boolean(), { nil: undefined }) })
    .map((c): Command => ({
      check: () => true,
      toString: () => `create(${c.user}, ${JSON.stringify(c.title)})`,
      async run(model) {
        const reply = await send(c.user, 'POST', '/tasks', {
          title: c.title,
          description: c.description,
          completed: c.completed,
        });
        expect(reply.status).toBe(201);
        const created = reply.body as TaskBody;
        expect(created).toMatchObject({
          user_id: c.user,
          title: c.title.trim(),
          description: c.description === '' ? null : c.description,
          completed: c.completed ?? false,
        });
        expect([...model.tasks.keys(), ...model.deleted]).not.toContain(created.id);
        model.tasks.set(created.id, created);
      },
    })),
  fc
    .record({
      user,
      pick: fc.nat(),
      title,
      description: fc.option(description, { nil: undefined }),
      completed: fc.option(fc.boolean(), { nil: undefined }),
    })
    .map((c): Command => ({
      check: () => true,
      toString: () => `put(${c.user}, #${c.pick})`,
      async run(model) {
        const id = target(model, c.pick);
        const before = ownedBy(model, id, c.user);
        const reply = await send(c.user, 'PUT', `/tasks/${id}`, {
          title: c.title,
          description: c.description,
          completed: c.completed,
        });
        const description =
          c.description === undefined || c.description === '' ? null : c.description;
        expectWrite(model, before, reply, {
          title: c.title.trim(),
          description,
          ...(c.completed === undefined ? {} : { completed: c.completed }),
        });
      },
    })),
  fc
    .record({
      user,
      pick: fc.nat(),
      title: fc.option(title, { nil: undefined }),
      completed: fc.option(fc.boolean(), { nil: undefined }),
    })
    .filter((c) => c.title !== undefined || c.completed !== undefined)
    .map((c): Command => ({
      check: () => true,
      toString: () => `patch(${c.user}, #${c.pick})`,
      async run(model) {
        const id = target(model, c.pick);
        const before = ownedBy(model, id, c.user);
        const reply = await send(c.user, 'PATCH', `/tasks/${id}`, {
          title: c.title,
          completed: c.completed,
        });
        expectWrite(model, before, reply, {
          ...(c.title === undefined ? {} : { title: c.title.trim() }),
          ...(c.completed === undefined ? {} : { completed: c.completed }),
        });
      },
    })),
  fc.record({ user, pick: fc.nat() }).map((c): Command => ({
    check: () => true,
    toString: () => `toggle(${c.user}, #${c.pick})`,
    async run(model) {
      const id = target(model, c.pick);
      const before = ownedBy(model, id, c.user);
      const reply = await send(c.user, 'PATCH', `/tasks/${id}/complete`);
      expectWrite(model, before, reply, before ? { completed: !before.completed } : {});
    },
  })),
  fc.record({ user, pick: fc.nat(), completed: fc.boolean() }).map((c): Command => ({
    check: () => true,
    toString: () => `set(${c.user}, #${c.pick}, ${c.completed})`,
    async run(model) {
      const id = target(model, c.pick);
      const before = ownedBy(model, id, c.user);
      const reply = await send(c.user, 'PATCH', `/tasks/${id}/complete`, {
        completed: c.completed,
      });
      expectWrite(model, before, reply, { completed: c.completed });
    },
  })),
  fc.record({ user, pick: fc.nat() }).map((c): Command => ({
    check: () => true,
    toString: () => `delete(${c.user}, #${c.pick})`,
    async run(model) {
      const id = target(model, c.pick);
      const before = ownedBy(model, id, c.user);
      const reply = await send(c.user, 'DELETE', `/tasks/${id}`);
      expect(reply.status).toBe(before ? 204 : 404);
      if (before) {
        model.tasks.delete(id);
        model.deleted.push(id);
      }
    },
  })),
  fc
    .record({
      user,
      status: fc.constantFrom('all', 'pending', 'completed'),
      sort: fc.constantFrom('created', 'updated', 'title'),
      order: fc.option(fc.constantFrom('asc', 'desc'), { nil: undefined }),
      limit: fc.integer({ min: 1, max: 4 }),
    })
    .map((c): Command => ({
      check: () => true,
      toString: () =>
        `list(${c.user}, ${c.status}, ${c.sort}, ${c.order ?? 'default'}, pages of ${c.limit})`,
      async run(model) {
        const order = c.order ?? (c.sort === 'title' ? 'asc' : 'desc');
        const sign = order === 'asc' ? 1 : -1;
        const key = (t: TaskBody) =>
          c.sort === 'title'
            ? t.title.toLowerCase()
            : c.sort === 'created'
              ? t.created_at
              : t.updated_at;
        const expected = [...model.tasks.values()]
          .filter((t) => t.user_id === c.user)
          .filter((t) => c.status === 'all' || t.completed === (c.status === 'completed'))
          .sort((a, b) =>
            key(a) === key(b) ? (a.id - b.id) * sign : (key(a) < key(b) ? -1 : 1) * sign,
          )
          .map((t) => t.id);
        const seen: number[] = [];
        let after = '';
        for (let page = 0; page < 50; page++) {
          const query = `?status=${c.status}&sort=${c.sort}${c.order ? `&order=${c.order}` : ''}&limit=${c.limit}${after}`;
          const reply = await send(c.user, 'GET', `/tasks${query}`);
          expect(reply.status).toBe(200);
          const ids = (reply.body as TaskBody[]).map((t) => t.id);
          seen.push(...ids);
          if (ids.length < c.limit) break;
          after = `&after=${String(ids.at(-1))}`;
        }
        expect(seen).toEqual(expected);
      },
    })),
];

describe(`when random command sequences run against the API and a model (seed ${SEED})`, () => {
  it(
    'then every answer agrees with the model of the contract',
    async () => {
      console.info(`model: ${RUNS} sequences, seed ${SEED} (replay with MODEL_SEED=${SEED})`);
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(
          fc.commands(commands, { maxCommands: MAX_COMMANDS, size: 'large' }),
          async (sequence) => {
            await server.database.db.delete(tasks);
            await fc.asyncModelRun(
              () => ({ model: { tasks: new Map(), deleted: [] }, real: {} }),
              sequence,
            );
          },
        ),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      console.info(
        `model: ${RUNS} sequences, ${requests} requests in ${Date.now() - started} ms, all as modelled`,
      );
      expect(requests).toBeGreaterThan(RUNS);
      // A command sends one request, a paged walk a few.
    },
    limitForRequests(RUNS * MAX_COMMANDS * 3),
  );

  it('then the log holds no token', () => {
    expectCleanLogs(server.logs, { tokens: Object.values(tokens) });
  });
});
