import type { ChangeStreams } from './changes/streams.js';
import type { IfMatch, IfNoneMatch } from './conditions.js';
import type { TaskService } from './tasks/service.js';

export interface AuthUser {
  /** The verified token's `sub`. */
  id: string;
  /** When the token expires (ms since the epoch): a live stream ends then. */
  expiresAt?: number | undefined;
}

/** What a REST request's headers say about preconditions and retries (tRPC uses input fields). */
export interface RequestConditions {
  ifMatch?: IfMatch | undefined;
  ifNoneMatch?: IfNoneMatch | undefined;
  idempotencyKey?: string | undefined;
}

/** What a procedure tells the adapter about its answer beyond the data. */
export interface ResponseHints {
  /** The answer is a create replayed for a repeated Idempotency-Key. */
  replayed: boolean;
}

/** Injected dependencies plus what the request carries. */
export interface Context {
  user: AuthUser | null;
  tasks: TaskService;
  streams: ChangeStreams;
  conditions: RequestConditions;
  response: ResponseHints;
}

export interface ContextDependencies {
  tasks: TaskService;
  streams: ChangeStreams;
}

export interface RequestInfo {
  /** The verified user, or null when the request carries no valid token. */
  user: AuthUser | null;
  conditions?: RequestConditions | undefined;
}

/** Built once with the app's dependencies; called per request by both adapters (and tests). */
export function createContextFactory(deps: ContextDependencies): (request: RequestInfo) => Context {
  return (request) => ({
    tasks: deps.tasks,
    streams: deps.streams,
    user: request.user,
    conditions: request.conditions ?? {},
    response: { replayed: false },
  });
}
