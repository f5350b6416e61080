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
      if (success !== '204')
        expect(op.responses[success]?.content?.['application/json']?.schema, key).toBeDefined();
    }
    expect(document.paths['/{user_id}/tasks/{id}/complete']?.patch?.requestBody?.required).toBe(
      false,
    );
  });

  it('then the servers entry points at /api', () => {
    expect((document as unknown as { servers: { url: string }[] }).servers).toEqual([
      { url: '/api' },
    ]);
  });
});
