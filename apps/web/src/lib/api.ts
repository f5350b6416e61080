/** The typed API client, sending the current token with every call and every stream. */
import { createTodoClient, type TodoClient } from '@todo/client';

import type { TokenSource } from './token';

/** The typed client for the API at `apiUrl` (its origin; `/trpc` is added here). */
export function createApiClient(apiUrl: string, tokens: TokenSource): TodoClient {
  return createTodoClient({
    url: `${apiUrl.replace(/\/+$/, '')}/trpc`,
    getToken: () => tokens.getToken(),
  });
}
