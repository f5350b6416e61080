/**
 * Well-formed JSON nested far deeper than the contract needs: a 400 with the error JSON on
 * every route of both surfaces, never a 5xx, and nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { httpClient, JSON_CONTENT_TYPE, type HttpClient } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';
import { tokenFor } from './support/tokens.js';

let server: TestServer;
let alice: HttpClient;
let taskId: number;
let before: unknown;
const TOO_DEEP = 'JSON nests deeper than 32 levels';
const DEPTH = 10_000;
const deepArray = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
const deepObject = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;
const nestings = [
  ['arrays', deepArray],
  ['objects', deepObject],
] as const;

beforeAll(async () => {
  server = await startTestServer();
  alice = httpClient(server.url, tokenFor('alice'));
  const created = await alice.send('POST', '/api/alice/tasks', { json: { title: 'untouched' } });
  taskId = (created.body as { id: number }).id;
  before = (await alice.send('GET', `/api/alice/tasks/${taskId}`)).body;
});

afterAll(async () => {
  await server.close();
});

async function expectNothingChanged(): Promise<void> {
  const list = await alice.send('GET', '/api/alice/tasks');
  expect(list.body).toEqual([before]);
}

describe('when a REST body nests 10,000 deep', () => {
  const routes = () =>
    [
      ['POST', `/api/alice/tasks`],
      ['PUT', `/api/alice/tasks/${taskId}`],
      ['PATCH', `/api/alice/tasks/${taskId}`],
      ['PATCH', `/api/alice/tasks/${taskId}/complete`],
    ] as const;

  for (const [kind, nested] of nestings) {
    it(`then every route answers 400 for ${kind}, as a body and as a field, and nothing changes`, async () => {
      for (const [method, path] of routes()) {
        for (const body of [nested, `{"title":${nested}}`, `{"completed":${nested}}`]) {
          const reply = await alice.send(method, path, { raw: body, headers: JSON_CONTENT_TYPE });
          expect(reply.status, `${method} ${path}: ${reply.text.slice(0, 200)}`).toBe(400);
          expect(reply.body).toEqual({
            code: 'BAD_REQUEST',
            message: TOO_DEEP,
          });
        }
      }
      await expectNothingChanged();
    });
  }

  it('then a body nested as deep as the limit allows is judged by the contract as usual', async () => {
    const atLimit = `{"title":${'['.repeat(31)}${']'.repeat(31)}}`;
    const reply = await alice.send('POST', '/api/alice/tasks', {
      raw: atLimit,
      headers: JSON_CONTENT_TYPE,
    });

    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'BAD_REQUEST', issues: [{ path: ['title'] }] });
  });
});

describe('when a tRPC input nests 10,000 deep', () => {
  const mutations = ['tasks.create', 'tasks.update', 'tasks.patch', 'tasks.complete'];

  for (const [kind, nested] of nestings) {
    it(`then every mutation and a batch answer 400 in tRPC's envelope for ${kind}`, async () => {
      for (const path of mutations) {
        for (const body of [nested, `{"user_id":"alice","id":${taskId},"title":${nested}}`]) {
          const reply = await alice.send('POST', `/trpc/${path}`, {
            raw: body,
            headers: JSON_CONTENT_TYPE,
          });
          expect(reply.status, `${path}: ${reply.text.slice(0, 200)}`).toBe(400);
          expect(reply.body).toMatchObject({
            error: { message: TOO_DEEP, data: { code: 'BAD_REQUEST', httpStatus: 400, path } },
          });
        }
      }
      const batch = await alice.send('POST', '/trpc/tasks.create,tasks.patch?batch=1', {
        raw: `{"0":${nested},"1":{"user_id":"alice","id":${taskId},"title":"x"}}`,
        headers: JSON_CONTENT_TYPE,
      });
      expect(batch.status).toBe(400);
      expect(batch.body).toMatchObject([
        { error: { data: { code: 'BAD_REQUEST' } } },
        { error: { data: { code: 'BAD_REQUEST' } } },
      ]);
      await expectNothingChanged();
    });

    it(`then a query's ?input= of nested ${kind} answers 400`, async () => {
      // As deep as a URL under Node's 16 KiB header limit can carry.
      const levels = kind === 'arrays' ? 2_000 : 500;
      const deep =
        kind === 'arrays'
          ? `${'['.repeat(levels)}${']'.repeat(levels)}`
          : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
      const reply = await alice.send('GET', `/trpc/tasks.list?input=${encodeURIComponent(deep)}`);

      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({
        error: { message: TOO_DEEP, data: { code: 'BAD_REQUEST' } },
      });
    });
  }
});
