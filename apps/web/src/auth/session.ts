/** The signed-in user of the request being rendered, or null. */
import { headers } from 'next/headers';

import { getAuth } from './server';

export async function currentUser(): Promise<{ id: string; email: string } | null> {
  // Reading the request first also tells Next.js the page is rendered per request.
  const requestHeaders = await headers();
  const auth = await getAuth();
  const session = await auth.api.getSession({ headers: requestHeaders });
  return session ? { id: session.user.id, email: session.user.email } : null;
}
