import { createRequire } from 'node:module';

import type * as ValidatorModule from 'openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { httpClient } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';

// A CommonJS module whose class is `exports.default`: load it the way Node does.
const { default: OpenAPISchemaValidator } = createRequire(import.meta.url)(
  'openapi-schema-validator',
) as typeof ValidatorModule.default;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

interface Operation {
  operationId?: string;
  security?: unknown[];
  requestBody?: { required?: boolean };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface DocumentedOperation {
  parameters?: { in: string; name: string }[];
  responses: Record<string, { headers?: Record<string, unknown> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
}

describe('when /openapi.json is fetched without a token', () => {
  let document: Document;

  beforeAll(async () => {
    const reply = await httpClient(server.url).send('GET', '/openapi.json');
    expect(reply.status).toBe(200);
    document = reply.body as Document;
  });

  it('then it is a valid OpenAPI 3 document', () => {
    const validator = new OpenAPISchemaValidator({ version: 3 });

    const errors = validator.validate(document as never).errors;
    expect(errors).toEqual([]);
    expect(document.openapi).toMatch(/^3\./);
  });

  it('then it lists every operation, each behind the bearer scheme, with response schemas', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );

    expect(operations.map((o) => o.key).sort()).toEqual(
      [
        'DELETE /{user_id}/tasks/{id}',
        'GET /{user_id}/tasks',
        'GET /{user_id}/tasks/{id}',
        'PATCH /{user_id}/tasks/{id}',
        'PATCH /{user_id}/tasks/{id}/complete',
        'POST /{user_id}/tasks',
        'PUT /{user_id}/tasks/{id}',
        'GET /{user_id}/tags',
        'GET /{user_id}/changes',
        'GET /{user_id}/events',
      ].sort(),
    );
    expect(document.components.securitySchemes.bearerAuth).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    for (const { key, op } of operations) {
      expect(op.security, key).toEqual([{ bearerAuth: [] }]);
      for (const status of ['400', '401', '403']) {
        expect(
          op.responses[status]?.content?.['application/json']?.schema,
          `${key} ${status}`,
        ).toEqual({
          $ref: '#/components/schemas/Error',
        });
      }
      if (key.includes('{id}')) expect(op.responses['404'], key).toBeDefined();
      const success = key.startsWith('DELETE') ? '204' : key.startsWith('POST') ? '201' : '200';
      expect(
        Object.keys(op.responses).filter((s) => s.startsWith('2')),
        key,
      ).toEqual([success]);
      const mediaType = key.endsWith('/events') ? 'text/event-stream' : 'application/json';
      if (success !== '204')
        expect(op.responses[success]?.content?.[mediaType]?.schema, key).toBeDefined();
    }
    expect(document.paths['/{user_id}/tasks/{id}/complete']?.patch?.requestBody?.required).toBe(
      false,
    );
  });

  it('then ETag, If-Match, If-None-Match, Idempotency-Key and their answers are documented where they apply', () => {
    const op = (path: string, method: string) =>
      document.paths[path]?.[method] as DocumentedOperation;
    const headersOf = (o: DocumentedOperation) =>
      (o.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
    const one = '/{user_id}/tasks/{id}';

    expect(headersOf(op(one, 'get'))).toEqual(['If-None-Match']);
    expect(Object.keys(op(one, 'get').responses)).toContain('304');
    for (const [path, method] of [
      [one, 'put'],
      [one, 'patch'],
      [`${one}/complete`, 'patch'],
      [one, 'delete'],
    ] as const) {
      expect(headersOf(op(path, method)), `${method} ${path}`).toEqual(['If-Match']);
      expect(Object.keys(op(path, method).responses), `${method} ${path}`).toContain('412');
    }
    const create = op('/{user_id}/tasks', 'post');
    expect(headersOf(create)).toEqual(['Idempotency-Key']);
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['409', '422']));
    expect(Object.keys(create.responses['201']?.headers ?? {}).sort()).toEqual([
      'ETag',
      'Idempotent-Replayed',
    ]);
    for (const [path, method, status] of [
      [one, 'get', '200'],
      [one, 'put', '200'],
      [one, 'patch', '200'],
      [`${one}/complete`, 'patch', '200'],
    ] as const) {
      expect(
        Object.keys(op(path, method).responses[status]?.headers ?? {}),
        `${method} ${path}`,
      ).toEqual(['ETag']);
    }
    expect(headersOf(op('/{user_id}/tasks', 'get'))).toEqual([]);
  });

  it('then the servers entry points at /api', () => {
    expect((document as unknown as { servers: { url: string }[] }).servers).toEqual([
      { url: '/api' },
    ]);
  });
});
