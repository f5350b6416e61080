import type { TaskService } from './tasks/service.js';

export interface AuthUser {
  /** The verified token's `sub`. */
  id: string;
}

/** Injected dependencies plus what the request carries. */
export interface Context {
  user: AuthUser | null;
  tasks: TaskService;
}

export interface ContextDependencies {
  tasks: TaskService;
}

export interface RequestAuth {
  /** The verified user, or null when the request carries no valid token. */
  user: AuthUser | null;
}

/** Built once with the app's dependencies; called per request by both adapters (and tests). */
export function createContextFactory(deps: ContextDependencies): (auth: RequestAuth) => Context {
  return (auth) => ({ tasks: deps.tasks, user: auth.user });
}
