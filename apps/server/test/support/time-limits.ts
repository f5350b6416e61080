/**
 * Time limits for tests that do a lot of work: set from the work (requests sent), never from
 * how fast one machine did it. 25 ms a request is about 15 times what a request costs here and
 * still about 4 times on a machine half as fast with its other core busy; the fixed part covers
 * start-up.
 */
const MS_PER_REQUEST = 25;
const FIXED_MS = 15_000;

export function limitForRequests(requests: number): number {
  return FIXED_MS + requests * MS_PER_REQUEST;
}
