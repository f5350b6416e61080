/**
 * The same operations over REST and over tRPC (raw HTTP, so statuses and error bodies are seen
 * as a client sees them), with one outcome shape: a rule tested through both surfaces is one
 * test body run twice.
 */
import type { Task } from '@todo/api';

import { httpClient, type Reply } from './http.js';

interface Issue {
  path: (string | number)[];
  message: string;
}

export interface Outcome<T> {
  status: number;
  /** The result on success. */
  data: T | undefined;
  /** The contract's error code on failure (`data.code` over tRPC). */
  code: string | undefined;
  message: string | undefined;
  issues: Issue[] | undefined;
  headers: Headers;
}

interface TagCount {
  tag: string;
  count: number;
}

type Body = Record<string, unknown>;
type Query = Record<string, string | number>;

export interface Surface {
  readonly name: 'REST' | 'tRPC';
  create(body: Body): Promise<Outcome<Task>>;
  get(id: number): Promise<Outcome<Task>>;
  replace(id: number, body: Body): Promise<Outcome<Task>>;
  patch(id: number, body: Body): Promise<Outcome<Task>>;
  /** No body: the toggle. */
  complete(id: number, body?: Body): Promise<Outcome<Task>>;
  /** `if_version`: REST sends it as `If-Match` (a DELETE has no body). */
  remove(id: number, options?: { if_version?: number }): Promise<Outcome<undefined>>;
  list(query?: Query): Promise<Outcome<Task[]>>;
  tags(): Promise<Outcome<TagCount[]>>;
  changes(input: { since?: string; limit?: number }): Promise<Outcome<unknown>>;
}

interface RestError {
  code?: string;
  message?: string;
  issues?: Issue[];
}

function restOutcome<T>(reply: Reply): Outcome<T> {
  const ok = reply.status < 300;
  const error = (ok ? {} : (reply.body ?? {})) as RestError;
  return {
    status: reply.status,
    data: ok ? (reply.body as T) : undefined,
    code: error.code,
    message: error.message,
    issues: error.issues,
    headers: reply.headers,
  };
}

function restSurface(baseUrl: string, user: string, token: string): Surface {
  const api = httpClient(`${baseUrl}/api/${encodeURIComponent(user)}`, token);
  const send = async <T>(
    method: string,
    path: string,
    json?: Body,
    headers: Record<string, string> = {},
  ) =>
    restOutcome<T>(
      await api.send(method, path, json === undefined ? { headers } : { json, headers }),
    );
  return {
    name: 'REST',
    create: (body) => send('POST', '/tasks', body),
    get: (id) => send('GET', `/tasks/${id}`),
    replace: (id, body) => send('PUT', `/tasks/${id}`, body),
    patch: (id, body) => send('PATCH', `/tasks/${id}`, body),
    complete: (id, body) => send('PATCH', `/tasks/${id}/complete`, body),
    remove: (id, options = {}) =>
      send(
        'DELETE',
        `/tasks/${id}`,
        undefined,
        options.if_version === undefined ? {} : { 'If-Match': `"${options.if_version}"` },
      ),
    list: (query = {}) => {
      const search = new URLSearchParams(
        Object.entries(query).map(([name, value]): [string, string] => [name, String(value)]),
      ).toString();
      return send('GET', `/tasks${search ? `?${search}` : ''}`);
    },
    tags: () => send('GET', '/tags'),
    changes: (input) => {
      const search = new URLSearchParams(
        Object.entries(input).map(([name, value]): [string, string] => [name, String(value)]),
      ).toString();
      return send('GET', `/changes${search ? `?${search}` : ''}`);
    },
  };
}

interface TrpcEnvelope {
  result?: { data?: unknown };
  error?: { message?: string; data?: { code?: string; issues?: Issue[] } };
}

function trpcOutcome<T>(reply: Reply): Outcome<T> {
  const envelope = (reply.body ?? JSON.parse(reply.text || '{}')) as TrpcEnvelope;
  return {
    status: reply.status,
    data: envelope.result?.data as T | undefined,
    code: envelope.error?.data?.code,
    message: envelope.error?.message,
    issues: envelope.error?.data?.issues,
    headers: reply.headers,
  };
}

/** REST's query text as tRPC input: `limit` and `after` are JSON numbers there. */
function trpcQuery(query: Query): Body {
  return Object.fromEntries(
    Object.entries(query).map(([name, value]) => [
      name,
      (name === 'limit' || name === 'after') && /^\d+$/.test(String(value)) ? Number(value) : value,
    ]),
  );
}

function trpcSurface(baseUrl: string, user: string, token: string): Surface {
  const api = httpClient(`${baseUrl}/trpc`, token);
  const query = async <T>(path: string, input: Body) =>
    trpcOutcome<T>(
      await api.send(
        'GET',
        `/${path}?input=${encodeURIComponent(JSON.stringify({ user_id: user, ...input }))}`,
      ),
    );
  const mutation = async <T>(path: string, input: Body) =>
    trpcOutcome<T>(await api.send('POST', `/${path}`, { json: { user_id: user, ...input } }));
  return {
    name: 'tRPC',
    create: (body) => mutation('tasks.create', body),
    get: (id) => query('tasks.get', { id }),
    replace: (id, body) => mutation('tasks.update', { id, ...body }),
    patch: (id, body) => mutation('tasks.patch', { id, ...body }),
    complete: (id, body = {}) => mutation('tasks.complete', { id, ...body }),
    remove: (id, options = {}) => mutation('tasks.delete', { id, ...options }),
    list: (input = {}) => query('tasks.list', trpcQuery(input)),
    tags: () => query('tags.list', {}),
    changes: (input) => query('tasks.changes', input),
  };
}

export const SURFACES = ['REST', 'tRPC'] as const;

/** One surface by name, for `describe.each(SURFACES)`. */
export function surface(
  name: (typeof SURFACES)[number],
  baseUrl: string,
  user: string,
  token: string,
): Surface {
  return name === 'REST' ? restSurface(baseUrl, user, token) : trpcSurface(baseUrl, user, token);
}
