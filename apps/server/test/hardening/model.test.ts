/**
 * Model-based: random sequences of create, put, patch, toggle, set, delete and list by two users,
 * each step checked against an in-memory model of the contract (ownership, values, the v2 fields
 * and their normalisation, updated_at moving only on change, recurring tasks moving on instead of
 * completing, list filters, sorts and keyset pages). Seeded: MODEL_SEED=<n> replays a run.
 */
import type { Task as TaskBody } from '@todo/api';
import { idempotencyKeys, tasks } from '@todo/db';
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
  /** Idempotency keys used, by `user/key`: the body's title and the task first answered. */
  keys: Map<string, { title: string; task: TaskBody }>;
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
    expect(reply.status, JSON.stringify(reply.body)).toBe(404);
    return;
  }
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  const after = reply.body as TaskBody;
  const next = { ...before, ...expected };
  const changed = WRITABLE.some(
    (field) => JSON.stringify(next[field]) !== JSON.stringify(before[field]),
  );
  // version and updated_at move together, by exactly one, on a change and only then.
  next.version = before.version + (changed ? 1 : 0);
  expect({ ...after, updated_at: '' }).toEqual({ ...next, updated_at: '' });
  if (changed) {
    expect(Date.parse(after.updated_at)).toBeGreaterThan(Date.parse(before.updated_at));
  } else {
    expect(after.updated_at).toBe(before.updated_at);
  }
  model.tasks.set(after.id, after);
}

const WRITABLE = [
  'title',
  'description',
  'completed',
  'priority',
  'due_date',
  'tags',
  'recurrence',
] as const;

// Titles from a small alphabet with case and spaces: duplicates and ties are common, and
// lower() sorts the same everywhere.
const title = fc
  .string({ unit: fc.constantFrom('a', 'B', 'c', ' ', 'D'), minLength: 1, maxLength: 6 })
  .filter((t) => t.trim().length > 0);
const description = fc.option(fc.string({ maxLength: 8 }), { nil: null });
const user = fc.constantFrom(...USERS);
const priority = fc.constantFrom('none', 'low', 'medium', 'high');
// Few dates, so equal due dates are common; the range crosses a month end.
const DATES = ['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-03'] as const;
const dueDate = fc.option(fc.constantFrom(...DATES), { nil: null });
// Tags as a client might send them: case and spaces vary, duplicates after normalisation.
const tags = fc.array(fc.constantFrom('home', ' Home', 'WORK', 'work ', 'x'), { maxLength: 4 });
const normalTags = (raw: string[]) => [...new Set(raw.map((t) => t.trim().toLowerCase()))];

/**
 * The rules the model generates, with their next occurrence worked out by day arithmetic (the
 * recurrence engine itself is tested against hand-worked RFC 5545 cases elsewhere).
 */
const RULES: Record<string, { days: number; until?: string }> = {
  'FREQ=DAILY': { days: 1 },
  'FREQ=WEEKLY': { days: 7 },
  'FREQ=DAILY;INTERVAL=2': { days: 2 },
  'FREQ=DAILY;UNTIL=20261201': { days: 1, until: '2026-12-01' },
};
const recurrence = fc.option(fc.constantFrom(...Object.keys(RULES)), { nil: null });

function nextDue(rule: string, due: string): string | null {
  const { days, until } = RULES[rule] ?? { days: 0 };
  const next = new Date(Date.parse(`${due}T00:00:00Z`) + days * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return until !== undefined && next > until ? null : next;
}

/**
 * What a write does to a task, recurrence included: a recurring task without a due date is a
 * 400 (null), and completing a recurring task moves its due date on instead, unless the rule
 * has no further occurrence.
 */
function applyWrite(before: TaskBody, fields: Partial<TaskBody>): Partial<TaskBody> | null {
  const next = { ...before, ...fields };
  if (next.recurrence === null) return fields;
  if (next.due_date === null) return null;
  if (before.completed || !next.completed) return fields;
  const moved = nextDue(next.recurrence, next.due_date);
  return moved === null ? fields : { ...fields, completed: false, due_date: moved };
}

/** A write's answer: 404 for no task of the user's, 400 for a rule broken, else as applied. */
function expectRuleWrite(
  model: Model,
  before: TaskBody | undefined,
  reply: { status: number; body: unknown },
  fields: Partial<TaskBody>,
) {
  const applied = before ? applyWrite(before, fields) : fields;
  if (applied === null) {
    expect(reply.status, JSON.stringify(reply.body)).toBe(400);
    return;
  }
  expectWrite(model, before, reply, applied);
}

/** The v2 fields a request may carry, each present or not. */
const v2Fields = fc.record({ priority, due_date: dueDate, tags, recurrence }, { requiredKeys: [] });

type Command = fc.AsyncCommand<Model, object>;

const commands: fc.Arbitrary<Command>[] = [
  fc
    .record({
      user,
      title,
      description,
      completed: fc.option(fc.boolean(), { nil: undefined }),
      v2: v2Fields,
    })
    .map((c): Command => ({
      check: () => true,
      toString: () => `create(${c.user}, ${JSON.stringify(c.title)}, ${JSON.stringify(c.v2)})`,
      async run(model) {
        const reply = await send(c.user, 'POST', '/tasks', {
          title: c.title,
          description: c.description,
          completed: c.completed,
          ...c.v2,
        });
        if (typeof c.v2.recurrence === 'string' && (c.v2.due_date ?? null) === null) {
          expect(reply.status).toBe(400);
          return;
        }
        expect(reply.status).toBe(201);
        const created = reply.body as TaskBody;
        expect(created).toMatchObject({
          user_id: c.user,
          title: c.title.trim(),
          description: c.description === '' ? null : c.description,
          completed: c.completed ?? false,
          priority: c.v2.priority ?? 'none',
          due_date: c.v2.due_date ?? null,
          tags: normalTags(c.v2.tags ?? []),
          recurrence: c.v2.recurrence ?? null,
        });
        expect(created.updated_at).toBe(created.created_at);
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
      v2: v2Fields,
    })
    .map((c): Command => ({
      check: () => true,
      toString: () => `put(${c.user}, #${c.pick}, ${JSON.stringify(c.v2)})`,
      async run(model) {
        const id = target(model, c.pick);
        const before = ownedBy(model, id, c.user);
        const reply = await send(c.user, 'PUT', `/tasks/${id}`, {
          title: c.title,
          description: c.description,
          completed: c.completed,
          ...c.v2,
        });
        // A body that sets a recurrence and clears the due date is refused on its own (400 before 404).
        if (typeof c.v2.recurrence === 'string' && c.v2.due_date === null) {
          expect(reply.status).toBe(400);
          return;
        }
        const description =
          c.description === undefined || c.description === '' ? null : c.description;
        // Absent v2 fields (and completed) are left as they are: a v1 PUT never wipes them.
        expectRuleWrite(model, before, reply, {
          title: c.title.trim(),
          description,
          ...(c.completed === undefined ? {} : { completed: c.completed }),
          ...c.v2,
          ...(c.v2.tags === undefined ? {} : { tags: normalTags(c.v2.tags) }),
        });
      },
    })),
  fc
    .record({
      user,
      pick: fc.nat(),
      title: fc.option(title, { nil: undefined }),
      completed: fc.option(fc.boolean(), { nil: undefined }),
      v2: v2Fields,
    })
    .filter(
      (c) => c.title !== undefined || c.completed !== undefined || Object.keys(c.v2).length > 0,
    )
    .map((c): Command => ({
      check: () => true,
      toString: () => `patch(${c.user}, #${c.pick}, ${JSON.stringify(c)})`,
      async run(model) {
        const id = target(model, c.pick);
        const before = ownedBy(model, id, c.user);
        const reply = await send(c.user, 'PATCH', `/tasks/${id}`, {
          title: c.title,
          completed: c.completed,
          ...c.v2,
        });
        // A body that sets a recurrence and clears the due date is refused on its own (400 before 404).
        if (typeof c.v2.recurrence === 'string' && c.v2.due_date === null) {
          expect(reply.status).toBe(400);
          return;
        }
        expectRuleWrite(model, before, reply, {
          ...(c.title === undefined ? {} : { title: c.title.trim() }),
          ...(c.completed === undefined ? {} : { completed: c.completed }),
          ...c.v2,
          ...(c.v2.tags === undefined ? {} : { tags: normalTags(c.v2.tags) }),
        });
      },
    })),
  fc.record({ user, pick: fc.nat(), title, stale: fc.nat({ max: 2 }) }).map((c): Command => ({
    check: () => true,
    toString: () => `conditional patch(${c.user}, #${c.pick}, ${c.stale} behind)`,
    async run(model) {
      const id = target(model, c.pick);
      const before = ownedBy(model, id, c.user);
      // If-Match: the version the model holds, or one a slower device would still hold.
      const version = (before?.version ?? 1) - c.stale;
      requests++;
      const reply = await api.send('PATCH', `/${c.user}/tasks/${id}`, {
        json: { title: c.title },
        token: tokens[c.user],
        headers: { 'If-Match': `"${version}"` },
      });
      if (before && version !== before.version) {
        expect(reply.status, JSON.stringify(reply.body)).toBe(412);
        return;
      }
      expectRuleWrite(model, before, reply, { title: c.title.trim() });
      if (before)
        expect(reply.headers.get('etag')).toBe(
          `"${before.version + (c.title.trim() === before.title ? 0 : 1)}"`,
        );
    },
  })),
  fc.record({ user, title, key: fc.constantFrom('k1', 'k2', 'k3') }).map((c): Command => ({
    check: () => true,
    toString: () => `create once(${c.user}, ${JSON.stringify(c.title)}, ${c.key})`,
    async run(model) {
      requests++;
      const reply = await api.send('POST', `/${c.user}/tasks`, {
        json: { title: c.title },
        token: tokens[c.user],
        headers: { 'Idempotency-Key': c.key },
      });
      const first = model.keys.get(`${c.user}/${c.key}`);
      if (!first) {
        expect(reply.status).toBe(201);
        const created = reply.body as TaskBody;
        model.keys.set(`${c.user}/${c.key}`, { title: c.title, task: created });
        model.tasks.set(created.id, created);
        return;
      }
      if (first.title !== c.title) {
        expect(reply.status).toBe(422);
        return;
      }
      // The first answer, as it was then, whatever has happened to the task since.
      expect(reply.status).toBe(201);
      expect(reply.headers.get('idempotent-replayed')).toBe('true');
      expect(reply.body).toEqual(first.task);
    },
  })),
  fc.record({ user, pick: fc.nat() }).map((c): Command => ({
    check: () => true,
    toString: () => `toggle(${c.user}, #${c.pick})`,
    async run(model) {
      const id = target(model, c.pick);
      const before = ownedBy(model, id, c.user);
      const reply = await send(c.user, 'PATCH', `/tasks/${id}/complete`);
      expectRuleWrite(model, before, reply, before ? { completed: !before.completed } : {});
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
      expectRuleWrite(model, before, reply, { completed: c.completed });
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
      sort: fc.constantFrom('created', 'updated', 'title', 'due', 'priority'),
      order: fc.option(fc.constantFrom('asc', 'desc'), { nil: undefined }),
      limit: fc.integer({ min: 1, max: 4 }),
      filters: fc.record(
        {
          priority,
          tag: fc.constantFrom('home', 'WORK ', 'x'),
          due_from: fc.constantFrom(...DATES),
          due_to: fc.constantFrom(...DATES),
        },
        { requiredKeys: [] },
      ),
    })
    .map((c): Command => ({
      check: () => true,
      toString: () =>
        `list(${c.user}, ${c.status}, ${c.sort}, ${c.order ?? 'default'}, pages of ${c.limit}, ${JSON.stringify(c.filters)})`,
      async run(model) {
        const filters = new URLSearchParams(c.filters).toString();
        const query = `?status=${c.status}&sort=${c.sort}${c.order ? `&order=${c.order}` : ''}&limit=${c.limit}${filters ? `&${filters}` : ''}`;
        const { due_from: from, due_to: to } = c.filters;
        if (from !== undefined && to !== undefined && from > to) {
          expect((await send(c.user, 'GET', `/tasks${query}`)).status).toBe(400);
          return;
        }
        const order =
          c.order ??
          (
            {
              created: 'desc',
              updated: 'desc',
              title: 'asc',
              due: 'asc',
              priority: 'desc',
            } as const
          )[c.sort];
        const sign = order === 'asc' ? 1 : -1;
        const priorities = ['none', 'low', 'medium', 'high'];
        const key = (t: TaskBody): string | number =>
          c.sort === 'title'
            ? t.title.toLowerCase()
            : c.sort === 'created'
              ? t.created_at
              : c.sort === 'updated'
                ? t.updated_at
                : c.sort === 'priority'
                  ? priorities.indexOf(t.priority)
                  : (t.due_date ?? '');
        const tag = c.filters.tag?.trim().toLowerCase();
        const expected = [...model.tasks.values()]
          .filter((t) => t.user_id === c.user)
          .filter((t) => c.status === 'all' || t.completed === (c.status === 'completed'))
          .filter((t) => c.filters.priority === undefined || t.priority === c.filters.priority)
          .filter((t) => tag === undefined || t.tags.includes(tag))
          .filter((t) => from === undefined || (t.due_date !== null && t.due_date >= from))
          .filter((t) => to === undefined || (t.due_date !== null && t.due_date <= to))
          .sort((a, b) => {
            // Undated tasks come after every dated one, in both orders.
            if (c.sort === 'due' && (a.due_date === null) !== (b.due_date === null)) {
              return a.due_date === null ? 1 : -1;
            }
            return key(a) === key(b) ? (a.id - b.id) * sign : (key(a) < key(b) ? -1 : 1) * sign;
          })
          .map((t) => t.id);
        const seen: number[] = [];
        let after = '';
        for (let page = 0; page < 50; page++) {
          const reply = await send(c.user, 'GET', `/tasks${query}${after}`);
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
            await server.database.db.delete(idempotencyKeys);
            await fc.asyncModelRun(
              () => ({ model: { tasks: new Map(), deleted: [], keys: new Map() }, real: {} }),
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
