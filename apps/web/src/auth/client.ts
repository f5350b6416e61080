/**
 * Better Auth in the browser: sign-up, sign-in, sign-out on this app's own origin, and the
 * token endpoint (`jwtClient`) that hands out the JWT the API accepts.
 */
import { createAuthClient } from 'better-auth/client';
import { jwtClient } from 'better-auth/client/plugins';

export const authClient = createAuthClient({ plugins: [jwtClient()] });

/** The API's token for the signed-in user, or null when there is no session any more. */
export async function fetchApiToken(): Promise<string | null> {
  const { data, error } = await authClient.token();
  if (error !== null) {
    if (error.status === 401) return null;
    throw new Error(error.message ?? `The token endpoint answered ${error.status}`);
  }
  return data.token;
}
