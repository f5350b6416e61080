/**
 * The v2 task model over REST and over tRPC: priority, due dates, tags and recurring tasks,
 * their validation and normalisation, what PUT and PATCH do with them, the list's new filters
 * and sorts, and the tags listing. Every rule runs through both surfaces.
 */
import type { Task } from '@todo/api';
import { tasks } from '@todo/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startTestServer, type TestServer } from './support/server.js';
import { surface, SURFACES, type Outcome, type Surface } from './support/surfaces.js';
import { tokenFor } from './support/tokens.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

function created(outcome: Outcome<Task>): Task {
  expect(outcome.status, JSON.stringify(outcome)).toBeLessThan(300);
  if (!outcome.data) throw new Error('no task in the answer');
  return outcome.data;
}

/** 400 BAD_REQUEST whose issues name `field` (first element of a path). */
function expectFieldError(outcome: Outcome<unknown>, field: string): void {
  expect(outcome.status, JSON.stringify(outcome)).toBe(400);
  expect(outcome.code).toBe('BAD_REQUEST');
  expect(
    outcome.issues?.map((issue) => issue.path[0]),
    JSON.stringify(outcome.issues),
  ).toContain(field);
}

describe.each(SURFACES)('over %s', (name) => {
  let api: Surface;
  let bob: Surface;

  beforeAll(() => {
    api = surface(name, server.url, 'alice', tokenFor('alice'));
    bob = surface(name, server.url, 'bob', tokenFor('bob'));
  });

  beforeEach(async () => {
    await server.database.db.delete(tasks);
  });

  describe('7.1: the new fields', () => {
    it('when a task is created with none of them, then it carries their defaults', async () => {
      const task = created(await api.create({ title: 'plain' }));

      expect(task).toMatchObject({ priority: 'none', due_date: null, tags: [], recurrence: null });
    });

    it('when a task is created with all of them, then they are stored and returned', async () => {
      const task = created(
        await api.create({
          title: 'all',
          priority: 'high',
          due_date: '2028-02-29',
          tags: ['home', 'errand'],
          recurrence: 'FREQ=YEARLY',
        }),
      );

      expect(task).toMatchObject({
        priority: 'high',
        due_date: '2028-02-29',
        tags: ['home', 'errand'],
        recurrence: 'FREQ=YEARLY',
      });
      expect(created(await api.get(task.id))).toEqual(task);
    });

    it.each(['none', 'low', 'medium', 'high'])(
      'when priority is %s, then it is accepted',
      async (priority) => {
        expect(created(await api.create({ title: 'p', priority })).priority).toBe(priority);
      },
    );

    it.each([['urgent'], ['HIGH'], [''], [3], [null]])(
      'when priority is %j, then 400 naming priority',
      async (priority) => {
        expectFieldError(await api.create({ title: 'p', priority }), 'priority');
      },
    );

    it.each([['0001-01-01'], ['9999-12-31'], ['2028-02-29'], ['2026-12-31']])(
      'when due_date is %s, then it is accepted as given',
      async (due) => {
        expect(created(await api.create({ title: 'd', due_date: due })).due_date).toBe(due);
      },
    );

    it.each([
      ['2026-02-30'],
      ['2026-13-01'],
      ['26-1-1'],
      ['2027-02-29'],
      ['0000-01-01'],
      ['2026-1-01'],
      ['2026-12-01T00:00:00Z'],
      ['10000-01-01'],
      [''],
      [20261201],
    ])('when due_date is %j, then 400 naming due_date', async (due) => {
      expectFieldError(await api.create({ title: 'd', due_date: due }), 'due_date');
    });

    it('when tags are sent with case and spaces, then each is trimmed and lower-cased, duplicates merged in first position', async () => {
      const task = created(
        await api.create({ title: 't', tags: ['Home', ' home ', 'WORK', 'errand', 'work'] }),
      );

      expect(task.tags).toEqual(['home', 'work', 'errand']);
    });

    it('when tags are at their limits, then they are accepted (40 code points, 20 after merging)', async () => {
      const twenty = Array.from({ length: 20 }, (_, i) => `tag${i}`);
      const task = created(
        await api.create({
          title: 't',
          tags: [...twenty, 'TAG0', ' tag19 ', '😀'.repeat(40)].slice(0, 22),
        }),
      );
      const emoji = created(await api.create({ title: 'e', tags: ['😀'.repeat(40)] }));

      expect(task.tags).toEqual(twenty);
      expect(emoji.tags).toEqual(['😀'.repeat(40)]);
    });

    it.each([
      ['an empty tag', ['']],
      ['a blank tag', ['   ']],
      ['41 code points', ['x'.repeat(41)]],
      ['a comma', ['a,b']],
      ['a C0 control', ['tab\there']],
      ['DEL', ['del\u007f']],
      ['a C1 control', ['next\u0085line']],
      ['a number', [1]],
      ['null', [null]],
      ['21 distinct tags', Array.from({ length: 21 }, (_, i) => `t${i}`)],
    ])('when tags hold %s, then 400 naming tags', async (_case, tags) => {
      expectFieldError(await api.create({ title: 't', tags }), 'tags');
    });

    it.each([['home'], [null], [{}]])('when tags is %j, then 400 naming tags', async (tags) => {
      expectFieldError(await api.create({ title: 't', tags }), 'tags');
    });

    it('when a recurrence is sent, then it is returned in normal form', async () => {
      const task = created(
        await api.create({
          title: 'r',
          due_date: '2026-12-01',
          recurrence: 'UNTIL=20271231;BYDAY=FR,MO;INTERVAL=1;FREQ=WEEKLY',
        }),
      );

      expect(task.recurrence).toBe('FREQ=WEEKLY;BYDAY=MO,FR;UNTIL=20271231');
    });

    it.each([
      ['COUNT=3', 'FREQ=DAILY;COUNT=3', 'COUNT'],
      ['BYSETPOS', 'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1', 'BYSETPOS'],
      ['BYHOUR', 'FREQ=DAILY;BYHOUR=9', 'BYHOUR'],
      ['an unknown part', 'FREQ=DAILY;COLOUR=RED', 'COLOUR'],
      ['a repeated part', 'FREQ=DAILY;INTERVAL=2;INTERVAL=3', 'INTERVAL'],
      ['lower-case names', 'freq=DAILY', 'freq'],
      ['the RRULE: prefix', 'RRULE:FREQ=DAILY', 'RRULE'],
      ['no FREQ', 'INTERVAL=2', 'FREQ'],
      ['an ordinal with WEEKLY', 'FREQ=WEEKLY;BYDAY=1MO', 'BYDAY'],
      ['BYMONTHDAY with WEEKLY', 'FREQ=WEEKLY;BYMONTHDAY=1', 'BYMONTHDAY'],
      ['INTERVAL 1000', 'FREQ=DAILY;INTERVAL=1000', 'INTERVAL'],
      ['UNTIL with a time', 'FREQ=DAILY;UNTIL=20261203T000000Z', 'UNTIL'],
    ])('when the recurrence has %s, then 400 naming the part', async (_case, recurrence, part) => {
      const outcome = await api.create({ title: 'r', due_date: '2026-12-01', recurrence });

      expectFieldError(outcome, 'recurrence');
      expect(outcome.issues?.map((issue) => issue.message).join(' ')).toContain(part);
    });

    it('when a recurring task is created without a due date, then 400 naming due_date', async () => {
      expectFieldError(await api.create({ title: 'r', recurrence: 'FREQ=DAILY' }), 'due_date');
      expectFieldError(
        await api.create({ title: 'r', recurrence: 'FREQ=DAILY', due_date: null }),
        'due_date',
      );
    });

    it('when a recurring task is created completed, then it is stored as given', async () => {
      const task = created(
        await api.create({
          title: 'r',
          recurrence: 'FREQ=DAILY',
          due_date: '2026-12-01',
          completed: true,
        }),
      );

      expect(task).toMatchObject({ completed: true, due_date: '2026-12-01' });
    });
  });

  describe('7.1: PUT and PATCH with the new fields', () => {
    const full = {
      title: 'full',
      description: 'd',
      completed: true,
      priority: 'medium',
      due_date: '2026-12-24',
      tags: ['a', 'b'],
      recurrence: 'FREQ=YEARLY',
    };

    it('when a v1 client PUTs title and description, then every v2 field (and completed) is left as it was', async () => {
      const task = created(await api.create(full));

      const replaced = created(await api.replace(task.id, { title: 'v1', description: 'new' }));

      expect(replaced).toMatchObject({
        title: 'v1',
        description: 'new',
        completed: true,
        priority: 'medium',
        due_date: '2026-12-24',
        tags: ['a', 'b'],
        recurrence: 'FREQ=YEARLY',
      });
    });

    it('when PUT sends v2 fields, then they are replaced; an absent description still becomes null', async () => {
      const task = created(await api.create(full));

      const replaced = created(
        await api.replace(task.id, { title: 'put', priority: 'low', tags: ['C'] }),
      );

      expect(replaced).toMatchObject({
        title: 'put',
        description: null,
        priority: 'low',
        tags: ['c'],
        due_date: '2026-12-24',
      });
    });

    it('when PATCH sends null or [], then it clears due_date, recurrence and tags', async () => {
      const task = created(await api.create(full));

      const cleared = created(
        await api.patch(task.id, { due_date: null, recurrence: null, tags: [] }),
      );

      expect(cleared).toMatchObject({ due_date: null, recurrence: null, tags: [] });
    });

    it('when PATCH sends only v2 fields, then only those change', async () => {
      const task = created(await api.create({ title: 'keep', description: 'keep' }));

      const patched = created(
        await api.patch(task.id, { priority: 'high', due_date: '2027-01-01' }),
      );

      expect(patched).toMatchObject({
        title: 'keep',
        description: 'keep',
        priority: 'high',
        due_date: '2027-01-01',
        tags: [],
      });
    });

    it('when a change to any new field is written, then updated_at moves', async () => {
      const task = created(await api.create({ title: 't' }));
      const changes = [
        { priority: 'low' },
        { due_date: '2026-12-01' },
        { tags: ['x'] },
        { recurrence: 'FREQ=DAILY' },
      ];
      let previous = task.updated_at;
      for (const change of changes) {
        const patched = created(await api.patch(task.id, change));
        expect(Date.parse(patched.updated_at), JSON.stringify(change)).toBeGreaterThan(
          Date.parse(previous),
        );
        previous = patched.updated_at;
      }
    });

    it('when a write changes nothing (the same tags after normalisation, the same priority), then updated_at stays', async () => {
      const task = created(
        await api.create({
          title: 't',
          tags: ['home', 'work'],
          priority: 'low',
          due_date: '2026-12-01',
        }),
      );

      const same = created(
        await api.patch(task.id, {
          tags: [' HOME', 'work', 'Work'],
          priority: 'low',
          due_date: '2026-12-01',
        }),
      );
      const replaced = created(
        await api.replace(task.id, { title: 't', tags: ['home', 'work'], priority: 'low' }),
      );

      expect(same).toEqual(task);
      expect(replaced).toEqual(task);
    });

    it('when PATCH sends only unknown or no fields, then 400', async () => {
      const task = created(await api.create({ title: 't' }));

      expect((await api.patch(task.id, {})).status).toBe(400);
      expectFieldError(await api.patch(task.id, { tag: 'x' }), 'tag');
    });

    it('when a write would leave a recurring task without a due date, then 400 and nothing changes', async () => {
      const recurring = created(
        await api.create({ title: 'r', due_date: '2026-12-01', recurrence: 'FREQ=DAILY' }),
      );
      const undated = created(await api.create({ title: 'u' }));

      expectFieldError(await api.patch(recurring.id, { due_date: null }), 'due_date');
      expectFieldError(
        await api.patch(recurring.id, { due_date: null, recurrence: 'FREQ=WEEKLY' }),
        'due_date',
      );
      expectFieldError(await api.patch(undated.id, { recurrence: 'FREQ=DAILY' }), 'recurrence');
      expectFieldError(
        await api.replace(undated.id, { title: 'u', recurrence: 'FREQ=DAILY' }),
        'recurrence',
      );

      expect(created(await api.get(recurring.id))).toEqual(recurring);
      expect(created(await api.get(undated.id))).toEqual(undated);
      // Clearing both, or dating and recurring at once, is fine.
      expect(
        created(await api.patch(recurring.id, { due_date: null, recurrence: null })),
      ).toMatchObject({
        due_date: null,
        recurrence: null,
      });
      expect(
        created(await api.patch(undated.id, { recurrence: 'FREQ=DAILY', due_date: '2026-12-01' })),
      ).toMatchObject({ recurrence: 'FREQ=DAILY', due_date: '2026-12-01' });
    });

    it('when the task is not the caller’s, then 404 comes before the stored-task 400', async () => {
      const bobs = created(await bob.create({ title: 'b' }));

      expect((await api.patch(bobs.id, { recurrence: 'FREQ=DAILY' })).status).toBe(404);
    });
  });

  describe('7.3: completing a recurring task moves it instead', () => {
    const recurring = (due: string, recurrence: string) =>
      api.create({ title: 'r', due_date: due, recurrence }).then(created);

    it.each([
      // The contract's examples.
      ['2026-01-31', 'FREQ=MONTHLY', '2026-03-31'],
      ['2026-12-01', 'FREQ=WEEKLY;BYDAY=MO,FR', '2026-12-04'],
      ['2024-02-29', 'FREQ=YEARLY', '2028-02-29'],
      ['2026-12-01', 'FREQ=MONTHLY;BYDAY=-1FR', '2026-12-25'],
    ])('when %s with %s is toggled, then it stays open, due %s', async (due, rule, next) => {
      const task = await recurring(due, rule);

      const moved = created(await api.complete(task.id));

      expect(moved).toMatchObject({ completed: false, due_date: next, recurrence: rule });
      expect(Date.parse(moved.updated_at)).toBeGreaterThan(Date.parse(task.updated_at));
    });

    it('when it is completed by /complete {completed:true}, PATCH or PUT, then each moves it on', async () => {
      const task = await recurring('2026-12-01', 'FREQ=DAILY');

      const bySet = created(await api.complete(task.id, { completed: true }));
      const byPatch = created(await api.patch(task.id, { completed: true }));
      const byPut = created(await api.replace(task.id, { title: 'r', completed: true }));

      expect([bySet.due_date, byPatch.due_date, byPut.due_date]).toEqual([
        '2026-12-02',
        '2026-12-03',
        '2026-12-04',
      ]);
      expect(byPut.completed).toBe(false);
    });

    it('when the write also changes the due date, then the next occurrence follows the new date', async () => {
      const task = await recurring('2026-12-01', 'FREQ=WEEKLY');

      const moved = created(await api.patch(task.id, { due_date: '2026-12-10', completed: true }));

      expect(moved).toMatchObject({ due_date: '2026-12-17', completed: false });
    });

    it('when the write sets the recurrence and completes at once, then it moves by the new rule', async () => {
      const task = created(await api.create({ title: 'once', due_date: '2026-12-01' }));

      const moved = created(
        await api.patch(task.id, { recurrence: 'FREQ=DAILY;INTERVAL=2', completed: true }),
      );

      expect(moved).toMatchObject({ due_date: '2026-12-03', completed: false });
    });

    it('when there is no next occurrence (past UNTIL), then it completes and keeps its recurrence', async () => {
      const task = await recurring('2026-12-01', 'FREQ=DAILY;INTERVAL=3;UNTIL=20261203');

      const done = created(await api.complete(task.id));

      expect(done).toMatchObject({
        completed: true,
        due_date: '2026-12-01',
        recurrence: 'FREQ=DAILY;INTERVAL=3;UNTIL=20261203',
      });
    });

    it('when a completed recurring task is toggled, then it simply reopens', async () => {
      const task = created(
        await api.create({
          title: 'r',
          due_date: '2026-12-01',
          recurrence: 'FREQ=DAILY',
          completed: true,
        }),
      );

      expect(created(await api.complete(task.id))).toMatchObject({
        completed: false,
        due_date: '2026-12-01',
      });
    });

    it('when {completed:true} is repeated on a recurring task, then each moves it again', async () => {
      const task = await recurring('2026-12-01', 'FREQ=DAILY');

      await api.complete(task.id, { completed: true });
      const twice = created(await api.complete(task.id, { completed: true }));

      expect(twice.due_date).toBe('2026-12-03');
    });
  });

  describe('7.2: filters, sorts and the tags listing', () => {
    /** Ids of the list for `query`, in order. */
    const ids = async (query: Record<string, string | number>) => {
      const outcome = await api.list(query);
      expect(outcome.status, JSON.stringify(outcome)).toBe(200);
      return (outcome.data ?? []).map((task) => task.id);
    };

    let seeded: Record<string, Task>;

    beforeEach(async () => {
      const make = async (key: string, body: Record<string, unknown>) =>
        [key, created(await api.create({ title: key, ...body }))] as const;
      seeded = Object.fromEntries([
        await make('a', { priority: 'high', due_date: '2026-12-03', tags: ['home'] }),
        await make('b', { priority: 'low', due_date: '2026-12-01', tags: ['home', 'work'] }),
        await make('c', { priority: 'high' }),
        await make('d', { priority: 'none', due_date: '2026-12-01', tags: ['work'] }),
        await make('e', { priority: 'medium', due_date: '2027-01-15' }),
        await make('f', {}),
      ]);
      await bob.create({ title: 'bob', tags: ['home'], priority: 'high', due_date: '2026-12-01' });
    });

    const id = (key: string) => seeded[key]?.id ?? 0;

    it('when filtered by priority, then only that priority', async () => {
      expect((await ids({ priority: 'high' })).sort()).toEqual([id('a'), id('c')].sort());
    });

    it('when filtered by tag, then only tasks carrying it, the tag normalised first', async () => {
      expect((await ids({ tag: ' HOME ' })).sort()).toEqual([id('a'), id('b')].sort());
      expect(await ids({ tag: 'nothing' })).toEqual([]);
    });

    it('when filtered by a due range, then inclusive bounds, and undated tasks excluded by either bound', async () => {
      expect((await ids({ due_from: '2026-12-01', due_to: '2026-12-03' })).sort()).toEqual(
        [id('a'), id('b'), id('d')].sort(),
      );
      expect((await ids({ due_from: '2026-12-02' })).sort()).toEqual([id('a'), id('e')].sort());
      expect((await ids({ due_to: '2026-12-01' })).sort()).toEqual([id('b'), id('d')].sort());
    });

    it('when filters combine, then with AND, with the v1 ones too', async () => {
      expect(await ids({ tag: 'home', priority: 'low', due_to: '2026-12-31', q: 'b' })).toEqual([
        id('b'),
      ]);
    });

    it('when sorted by due, then ascending by default, undated last in both orders, ties by id', async () => {
      expect(await ids({ sort: 'due' })).toEqual([
        id('b'),
        id('d'),
        id('a'),
        id('e'),
        id('c'),
        id('f'),
      ]);
      expect(await ids({ sort: 'due', order: 'desc' })).toEqual([
        id('e'),
        id('a'),
        id('d'),
        id('b'),
        id('f'),
        id('c'),
      ]);
    });

    it('when sorted by priority, then high first by default, ties by id in the same direction', async () => {
      expect(await ids({ sort: 'priority' })).toEqual([
        id('c'),
        id('a'),
        id('e'),
        id('b'),
        id('f'),
        id('d'),
      ]);
      expect(await ids({ sort: 'priority', order: 'asc' })).toEqual([
        id('d'),
        id('f'),
        id('b'),
        id('e'),
        id('a'),
        id('c'),
      ]);
    });

    it('when a due sort is walked two at a time, then every task comes once, in order', async () => {
      for (const order of ['asc', 'desc']) {
        const all = await ids({ sort: 'due', order });
        const walked: number[] = [];
        let after: number | undefined;
        for (;;) {
          const page = await ids({ sort: 'due', order, limit: 2, ...(after ? { after } : {}) });
          walked.push(...page);
          if (page.length < 2) break;
          after = page.at(-1);
        }
        expect(walked).toEqual(all);
      }
    });

    it.each([
      [{ priority: 'urgent' }, 'priority'],
      [{ priority: '' }, 'priority'],
      [{ tag: 'a,b' }, 'tag'],
      [{ tag: 'x'.repeat(41) }, 'tag'],
      [{ due_from: '2026-02-30' }, 'due_from'],
      [{ due_to: '26-1-1' }, 'due_to'],
      [{ due_from: '2026-12-02', due_to: '2026-12-01' }, 'due_from'],
      [{ sort: 'urgency' }, 'sort'],
    ])('when the list query is %j, then 400 naming %s', async (query, field) => {
      expectFieldError(await api.list(query), field);
    });

    it('when the tags are listed, then every tag of the caller’s with its count, by count then code point', async () => {
      await api.create({ title: 'g', tags: ['Zoo', 'apple'] });
      const outcome = await api.tags();

      expect(outcome.status).toBe(200);
      expect(outcome.data).toEqual([
        { tag: 'home', count: 2 },
        { tag: 'work', count: 2 },
        { tag: 'apple', count: 1 },
        { tag: 'zoo', count: 1 },
      ]);
    });

    it('when another user lists their tags, then none of the caller’s are counted', async () => {
      expect((await bob.tags()).data).toEqual([{ tag: 'home', count: 1 }]);
    });
  });
});

describe('the tags listing of another user', () => {
  it('when the path names someone else, then 403 over REST and tRPC', async () => {
    const token = tokenFor('alice');
    for (const name of SURFACES) {
      const intruder = surface(name, server.url, 'bob', token);
      const outcome = await intruder.tags();
      expect(outcome.status, name).toBe(403);
      expect(outcome.code, name).toBe('FORBIDDEN');
    }
  });
});
