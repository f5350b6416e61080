/**
 * helmet's response headers, computed once. Its defaults are the same on every response (no
 * per-request nonce), so running its dozen middlewares per request would only recompute them:
 * they are captured at start-up from helmet itself, on a response that is never sent, and set
 * in one loop.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

import helmet from 'helmet';

export type HeaderList = readonly (readonly [string, string])[];

/** The headers helmet sets on a response, with its defaults. */
export function helmetHeaders(): HeaderList {
  const req = new IncomingMessage(new Socket());
  const res = new ServerResponse(req);
  let finished = false as boolean;
  helmet()(req, res, () => {
    finished = true;
  });
  // helmet's middleware is synchronous: a change there must fail here, at start-up.
  if (!finished) throw new Error('helmet did not finish synchronously');
  return Object.entries(res.getHeaders()).map(([name, value]) => [
    name,
    Array.isArray(value) ? value.join(', ') : String(value),
  ]);
}
