/**
 * The floor does the API's database work: each workload's operation runs through the API's own
 * procedures on a test database, and what the db layer sends (statement text and parameters)
 * must be the floor's copy in floor-sql.ts. A change to a query fails here until the floor
 * follows it.
 */
import {
  appRouter,
  createChangeStreams,
  createContextFactory,
  createInProcessBus,
  createTaskService,
} from '@todo/api';
import { createTestDatabase, type TestDatabase } from '@todo/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FLOOR_SQL, type FloorInput, type FloorOperation } from '../floor-sql.js';

interface Sent {
  text: string;
  params: unknown[];
}

const USER = 'u0';
const sent: Sent[] = [];
let database: TestDatabase;
let caller: ReturnType<typeof appRouter.createCaller>;
let taskId: number;

beforeAll(async () => {
  database = await createTestDatabase({
    onQuery: (text, params) => {
      sent.push({ text, params });
    },
  });
  const bus = createInProcessBus();
  const tasks = createTaskService(database.db, { bus });
  const contextOf = createContextFactory({
    tasks,
    streams: createChangeStreams({ bus, feed: tasks.feed }),
  });
  caller = appRouter.createCaller(contextOf({ user: { id: USER } }));
  taskId = (await caller.tasks.create({ user_id: USER, title: 'First task' })).id;
});

afterAll(async () => {
  await database.destroy();
});

/** The statements the db layer sent while `operation` ran. */
async function sentBy(operation: () => Promise<unknown>): Promise<Sent[]> {
  sent.length = 0;
  await operation();
  return [...sent];
}

const floorSends = (operation: FloorOperation, input: FloorInput): Sent[] => [
  { text: FLOOR_SQL[operation].text, params: FLOOR_SQL[operation].params(input) },
];

describe('when the API runs the operation of a floor workload', () => {
  const input = (fields: Partial<FloorInput> = {}): FloorInput => ({
    user: USER,
    id: taskId,
    title: 'Benchmark task',
    key: 'bench-key-1',
    body: { title: 'Benchmark task' },
    versions: [],
    ...fields,
  });

  it('then list sends the floor’s statement', async () => {
    expect(await sentBy(() => caller.tasks.list({ user_id: USER, limit: 50 }))).toEqual(
      floorSends('list', input()),
    );
  });

  it('then get sends the floor’s statement', async () => {
    expect(await sentBy(() => caller.tasks.get({ user_id: USER, id: taskId }))).toEqual(
      floorSends('get', input()),
    );
  });

  it('then create sends the floor’s statement', async () => {
    expect(
      await sentBy(() => caller.tasks.create({ user_id: USER, title: 'Benchmark task' })),
    ).toEqual(floorSends('create', input()));
  });

  it('then create with an idempotency key sends the floor’s statement', async () => {
    expect(
      await sentBy(() =>
        caller.tasks.create({
          user_id: USER,
          title: 'Benchmark task',
          idempotency_key: 'bench-key-1',
        }),
      ),
    ).toEqual(floorSends('create-key', input()));
  });

  it('then toggle sends the floor’s statement', async () => {
    expect(await sentBy(() => caller.tasks.complete({ user_id: USER, id: taskId }))).toEqual(
      floorSends('toggle', input()),
    );
  });

  it('then patch, plain and with a matching version, sends the floor’s statements', async () => {
    const patched = await caller.tasks.patch({ user_id: USER, id: taskId, title: 'Renamed' });

    expect(
      await sentBy(() => caller.tasks.patch({ user_id: USER, id: taskId, title: 'Renamed 2' })),
    ).toEqual(floorSends('patch', input({ title: 'Renamed 2' })));
    expect(
      await sentBy(() =>
        caller.tasks.patch({
          user_id: USER,
          id: taskId,
          title: 'Renamed 3',
          if_version: patched.version + 1,
        }),
      ),
    ).toEqual(
      floorSends('patch-if-match', input({ title: 'Renamed 3', versions: [patched.version + 1] })),
    );
  });
});
