/**
 * The OpenAPI document of the REST surface, generated from the procedures' meta and then
 * corrected where trpc-to-openapi cannot express the contract (trpc/trpc-openapi#251: it
 * documents every success as 200): each procedure's `successStatus` (201, or a content-less
 * 204), an optional body for complete, and the one error body for every error response.
 */
import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';

import { appRouter } from './root.js';
import { restMetaByOperation, type RestMeta } from './rest-meta.js';

export interface OpenApiOptions {
  /** Where the REST surface is mounted, e.g. `http://localhost:8000/api` or `/api`. */
  baseUrl: string;
  version: string;
}

type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

const ERROR_BODY_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: {
      type: 'string',
      description:
        'BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, METHOD_NOT_SUPPORTED, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, TOO_MANY_REQUESTS, INTERNAL_SERVER_ERROR or SERVICE_UNAVAILABLE',
    },
    message: { type: 'string' },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: {
          path: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] } },
          message: { type: 'string' },
        },
      },
    },
  },
};

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
const METHODS: readonly Method[] = ['get', 'post', 'put', 'patch', 'delete'];

interface Parameter {
  in?: string;
  name?: string;
  required?: boolean;
  description?: string;
  schema?: unknown;
}

interface Response {
  description?: string;
  content?: unknown;
  headers?: Record<string, { description: string; schema: unknown }>;
}

/** The parts of an operation this module edits. */
interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean };
  responses?: Record<string, Response>;
}

const STRING = { type: 'string' };

const ETAG_HEADER = {
  description: 'The task’s version as a strong entity tag, e.g. `"3"`',
  schema: STRING,
};

/** The conditional-request and idempotency headers each kind of operation takes and answers. */
function describeHeaders(op: Operation, meta: RestMeta, method: string): void {
  const success = Object.entries(op.responses ?? {}).find(([status]) => status.startsWith('2'));
  const parameters = (op.parameters ??= []);
  if (meta.etag && success) {
    success[1].headers = { ...success[1].headers, ETag: ETAG_HEADER };
  }
  if (meta.etag && method === 'get') {
    parameters.push({
      in: 'header',
      name: 'If-None-Match',
      description:
        'Entity tags (weak comparison) or `*`: when one matches the task, the answer is 304 with no body',
      schema: STRING,
    });
    op.responses = {
      ...op.responses,
      '304': {
        description: 'Not modified: the task is at a version you named',
        headers: { ETag: ETAG_HEADER },
      },
    };
  }
  if (meta.conditional) {
    parameters.push({
      in: 'header',
      name: 'If-Match',
      description:
        'Strong entity tags or `*`: the write happens only if the task is at one of these versions (else 412); `if_version` in the body does the same (not both)',
      schema: STRING,
    });
  }
  if (meta.idempotent && success) {
    parameters.push({
      in: 'header',
      name: 'Idempotency-Key',
      description:
        '1 to 255 characters of `A-Za-z0-9._:-`, bare or quoted: a retry with the same body gets the first answer back for 24 hours',
      schema: STRING,
    });
    success[1].headers = {
      ...success[1].headers,
      'Idempotent-Replayed': {
        description: '`true` when this is the stored answer of an earlier request with the key',
        schema: STRING,
      },
    };
  }
}

function operations(document: OpenAPIObject): Map<string, Operation> {
  const found = new Map<string, Operation>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Partial<Record<Method, Operation>>)[method];
      if (op) found.set(`${method} ${path}`, op);
    }
  }
  return found;
}

function operation(all: Map<string, Operation>, key: string): Operation {
  const found = all.get(key);
  if (!found) throw new Error(`OpenAPI document has no operation ${key}`);
  return found;
}

/** `GET /api/{user_id}/events`, served by the server's own SSE route. */
export const EVENTS_PATH = '/{user_id}/events';

type PathItem = NonNullable<OpenAPIObject['paths']>[string];
type OperationObject = NonNullable<PathItem['get']>;

const EVENTS_OPERATION: OperationObject = {
  operationId: 'events',
  tags: ['changes'],
  summary: 'Live changes as Server-Sent Events',
  description: [
    'Each change is an event with `id: <seq>`, `event: change` and `data:` the change as JSON (the same objects as `/changes`); a `: ping` comment comes at least every 15 seconds.',
    'Resume with `Last-Event-ID` (as EventSource sends it) or `?since=` (a cursor or an event id): the stream first sends every change after it, compacted, then live ones. Without either it sends only changes made after it opened.',
    '`event: reset` (with `data: {"cursor": "<n>"}`) means deletions after the resume point have been forgotten: drop your copy, re-read the list, and carry on from there.',
    'The stream ends with `event: end` when the token expires (reconnect with a fresh one) and when the server shuts down. Opening it counts as one request against the rate limit; events do not.',
  ].join('\n\n'),
  security: [{ bearerAuth: [] }],
  parameters: [
    { in: 'path', name: 'user_id', required: true, schema: { type: 'string', minLength: 1 } },
    {
      in: 'query',
      name: 'since',
      required: false,
      description: 'Resume after this cursor or event id',
      schema: { type: 'string', pattern: '^(0|[1-9][0-9]*)$' },
    },
    {
      in: 'header',
      name: 'Last-Event-ID',
      required: false,
      description: 'Resume after this event id (wins over `since`)',
      schema: { type: 'string' },
    },
  ],
  responses: {
    '200': {
      description: 'The event stream',
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    },
    '400': { description: 'A resume point that is not a cursor of yours' },
    '401': { description: 'Missing or invalid bearer token' },
    '403': { description: 'The path user_id is not the token subject' },
    '429': { description: 'Too many requests, or too many open streams; see Retry-After' },
    '503': { description: 'The database is unavailable; see Retry-After' },
  },
};

export function createOpenApiDocument(options: OpenApiOptions): OpenAPIObject {
  const document = generateOpenApiDocument(appRouter, {
    title: 'Todo API',
    version: options.version,
    baseUrl: options.baseUrl,
    description:
      'Tasks of the user named by the bearer token. Every error is `{ code, message, issues? }`.',
    openApiVersion: '3.0.3',
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
  });

  const all = operations(document);
  for (const [key, meta] of restMetaByOperation()) {
    const op = operation(all, key);
    const documented = op.responses?.['200'];
    if (op.responses && documented && meta.successStatus !== 200) {
      delete op.responses['200'];
      op.responses[String(meta.successStatus)] =
        meta.successStatus === 204 ? { description: meta.successDescription } : documented;
    }
    describeHeaders(op, meta, key.split(' ', 1)[0] ?? '');
  }
  for (const op of all.values()) {
    // A path parameter is always required; the generator can lose that through a preprocess pipe.
    for (const parameter of op.parameters ?? []) {
      if (parameter.in === 'path') parameter.required = true;
    }
  }
  const complete = operation(all, 'patch /{user_id}/tasks/{id}/complete');
  if (complete.requestBody) complete.requestBody.required = false;

  // The live stream is an Express route of its own (the generator cannot describe a stream).
  document.paths = { ...document.paths, [EVENTS_PATH]: { get: EVENTS_OPERATION } };

  // The generator's per-code error schemas are replaced by the one contract body below.
  const schemas = Object.entries(document.components?.schemas ?? {}).filter(
    ([name]) => !name.startsWith('error.'),
  );
  document.components = {
    ...document.components,
    schemas: { ...Object.fromEntries(schemas), Error: ERROR_BODY_SCHEMA },
  };
  for (const op of operations(document).values()) {
    for (const [status, response] of Object.entries(op.responses ?? {})) {
      if (Number(status) >= 400) {
        response.content = {
          'application/json': { schema: { $ref: '#/components/schemas/Error' } },
        };
      }
    }
  }
  return document;
}
