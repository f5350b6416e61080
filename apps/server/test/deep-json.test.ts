/**
 * Well-formed JSON nested far deeper than the contract needs: a 400 with the error JSON on
 * every route of both surfaces, never a 5xx, and nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { call, startTestServer, type TestServer } from './support/server.js';
import { bearer, tokenFor } from './support/tokens.js';

let server: TestServer;
let taskId: number;
let before: unknown;
const auth = bearer(tokenFor('alice'));
const json = { 'Content-Type': 'application/json', ...auth };

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
  const created = await call(`${server.url}/api/alice/tasks`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ title: 'untouched' }),
  });
  taskId = (created.body as { id: number }).id;
  before = (await call(`${server.url}/api/alice/tasks/${taskId}`, { headers: auth })).body;
});

afterAll(async () => {
  await server.close();
});

async function expectNothingChanged(): Promise<void> {
  const list = await call(`${server.url}/api/alice/tasks`, { headers: auth });
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
          const reply = await call(`${server.url}${path}`, { method, headers: json, body });
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
    const reply = await call(`${server.url}/api/alice/tasks`, {
      method: 'POST',
      headers: json,
      body: atLimit,
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
          const reply = await call(`${server.url}/trpc/${path}`, {
            method: 'POST',
            headers: json,
            body,
          });
          expect(reply.status, `${path}: ${reply.text.slice(0, 200)}`).toBe(400);
          expect(reply.body).toMatchObject({
            error: { message: TOO_DEEP, data: { code: 'BAD_REQUEST', httpStatus: 400, path } },
          });
        }
      }
      const batch = await call(`${server.url}/trpc/tasks.create,tasks.patch?batch=1`, {
        method: 'POST',
        headers: json,
        body: `{"0":${nested},"1":{"user_id":"alice","id":${taskId},"title":"x"}}`,
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
      const reply = await call(`${server.url}/trpc/tasks.list?input=${encodeURIComponent(deep)}`, {
        headers: auth,
      });

      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({
        error: { message: TOO_DEEP, data: { code: 'BAD_REQUEST' } },
      });
    });
  }
});
