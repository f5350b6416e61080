/**
 * The typed client for the Todo API. Only types come from the server packages (erased at build,
 * their declarations bundled into ours); the runtime is @trpc/client, and `eventsource` for live
 * streams (the browser's EventSource cannot send an Authorization header).
 */
import type { AppRouter } from '@todo/api';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
  type TRPCClient,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { EventSource } from 'eventsource';

export type { AppRouter };
export type TodoClient = TRPCClient<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** A task as the API returns it. */
export type Task = RouterOutputs['tasks']['get'];
export type ListTasksInput = RouterInputs['tasks']['list'];
export type CreateTaskInput = RouterInputs['tasks']['create'];
export type GetTaskInput = RouterInputs['tasks']['get'];
export type UpdateTaskInput = RouterInputs['tasks']['update'];
export type PatchTaskInput = RouterInputs['tasks']['patch'];
export type DeleteTaskInput = RouterInputs['tasks']['delete'];
export type CompleteTaskInput = RouterInputs['tasks']['complete'];
export type ListTagsInput = RouterInputs['tags']['list'];
/** A tag and how many of the user's tasks carry it. */
export type TagCount = RouterOutputs['tags']['list'][number];
export type TaskPriority = Task['priority'];
export type ChangesInput = RouterInputs['tasks']['changes'];
/** The changes feed's answer: `{ changes, cursor, has_more, reset }`. */
export type ChangesAnswer = RouterOutputs['tasks']['changes'];
/** One change: `upsert` with the task as it is now, or `delete`. */
export type Change = ChangesAnswer['changes'][number];
export type OnChangeInput = RouterInputs['tasks']['onChange'];

type MaybePromise<T> = T | Promise<T>;

export interface TodoClientOptions {
  /** The tRPC endpoint, e.g. `http://localhost:8000/trpc`. */
  url: string;
  /** A fixed bearer token. */
  token?: string;
  /** Called before each request (batch); return the current token, or null to send none. */
  getToken?: () => MaybePromise<string | null | undefined>;
  /** A fetch implementation (defaults to the global one). */
  fetch?: typeof globalThis.fetch;
  /** Extra headers for every request. */
  headers?: Record<string, string> | (() => MaybePromise<Record<string, string>>);
}

/**
 * A tRPC client for every procedure, with the token attached to every call. Queries and
 * mutations go in batches; `tasks.onChange` is a live stream over Server-Sent Events that asks
 * `getToken` again on every (re)connect and resumes after the last event it received.
 */
export function createTodoClient(options: TodoClientOptions): TodoClient {
  const { url, token, getToken, fetch, headers } = options;
  const requestHeaders = async (): Promise<Record<string, string>> => {
    const extra = typeof headers === 'function' ? await headers() : (headers ?? {});
    const bearer = getToken ? await getToken() : token;
    return bearer ? { ...extra, Authorization: `Bearer ${bearer}` } : extra;
  };
  const fetchImpl = fetch ?? globalThis.fetch;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          EventSource,
          // Called for every connection: a reconnect after the token expired sends a fresh one.
          async eventSourceOptions() {
            const sent = await requestHeaders();
            return {
              fetch: (input: string | URL, init?: RequestInit) => {
                const merged = new Headers(init?.headers);
                for (const [name, value] of Object.entries(sent)) merged.set(name, value);
                return fetchImpl(input, { ...init, headers: merged });
              },
            };
          },
        }),
        false: httpBatchLink({ url, ...(fetch ? { fetch } : {}), headers: requestHeaders }),
      }),
    ],
  });
}

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_SUPPORTED'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'UNPROCESSABLE_CONTENT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL_SERVER_ERROR'
  | 'SERVICE_UNAVAILABLE';

export interface ContractError {
  code: ErrorCode | (string & {});
  message: string;
  issues?: { path: (string | number)[]; message: string }[];
}

/**
 * The API's error body (`{ code, message, issues? }`, as REST sends it) from whatever a client
 * call rejected with: a server error, or a network failure (`code: 'NETWORK_ERROR'`).
 */
export function toContractError(error: unknown): ContractError {
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<AppRouter>).data;
    if (data) {
      return {
        code: data.code,
        message: error.message,
        ...(data.issues ? { issues: data.issues } : {}),
      };
    }
    return { code: 'NETWORK_ERROR', message: error.message };
  }
  return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}

export { TRPCClientError };
