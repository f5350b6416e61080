/**
 * SIGTERM to a real server holding 200 open live streams while writes arrive: the streams end
 * at once (they never hold the drain up), the process exits within a second, and every write
 * it acknowledged is stored.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createDatabase, tasks } from '@todo/db';
import { createTestDatabase, serverEnvironment, type TestDatabase } from '@todo/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { httpClient } from '../support/http.js';
import { startServerProcess, type ServerProcess } from '../support/process.js';
import { openSse, type SseStream } from '../support/sse.js';
import { tokenFor } from '../support/tokens.js';

const STREAMS = 200;
const USERS = 20;
const EXIT_LIMIT_MS = 1_000;

let pgliteDir: string | undefined;
let postgres: TestDatabase | undefined;
let server: ServerProcess;

beforeAll(async () => {
  const env: Record<string, string> = { LOG_LEVEL: 'warn', SHUTDOWN_TIMEOUT_MS: '10000' };
  if (process.env.TEST_DATABASE_URL) {
    postgres = await createTestDatabase();
    Object.assign(env, serverEnvironment(postgres));
  } else {
    pgliteDir = await mkdtemp(join(tmpdir(), 'todo-streams-'));
    env.PGLITE_DIR = pgliteDir;
  }
  server = await startServerProcess(env);
}, 60_000);

afterAll(async () => {
  await server.kill();
  await postgres?.destroy();
  if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
});

describe(`when a server with ${STREAMS} open streams receives SIGTERM during writes`, () => {
  it('then it exits 0 within a second, the streams end, and every acknowledged write is stored', async () => {
    const users = Array.from({ length: USERS }, (_, i) => `s${i}`);
    const streams: SseStream[] = await Promise.all(
      Array.from({ length: STREAMS }, (_, i) => {
        const user = users[i % USERS] ?? 's0';
        return openSse(`${server.url}/api/${user}/events`, { token: tokenFor(user) });
      }),
    );
    expect(streams.filter((stream) => stream.status !== 200)).toEqual([]);

    let acknowledged = 0;
    let stop = false;
    const writers = users.map(async (user) => {
      const api = httpClient(`${server.url}/api/${user}`, tokenFor(user));
      while (!stop) {
        const reply = await api
          .send('POST', '/tasks', { json: { title: 'during shutdown' } })
          .catch(() => undefined);
        if (reply?.status === 201) acknowledged++;
        else if (reply === undefined) return;
      }
    });
    const delivered = () =>
      streams.reduce(
        (sum, stream) => sum + stream.events.filter((e) => e.event === 'change').length,
        0,
      );
    // Under way: some writes answered, and the streams delivering them. The first delivery (a
    // change notice, then each stream reads the feed) comes only tens of ms before the 50th
    // answer, and after it on a busy machine: wait for both, or give up and let the checks below
    // say so.
    const deadline = performance.now() + 10_000;
    while ((acknowledged < 50 || delivered() === 0) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    const signalled = performance.now();
    server.child.kill('SIGTERM');
    const exitCode = await server.exited;
    const exitMs = performance.now() - signalled;
    stop = true;
    await Promise.all(writers);
    await Promise.all(streams.map((stream) => stream.ended));

    console.info(
      `shutdown with ${STREAMS} streams: exit in ${Math.round(exitMs)} ms, ${acknowledged} writes acknowledged`,
    );
    expect(exitCode).toBe(0);
    expect(exitMs).toBeLessThan(EXIT_LIMIT_MS);
    expect(delivered(), 'the streams were live').toBeGreaterThan(0);
    const database = postgres ?? (await createDatabase({ dataDir: pgliteDir }));
    try {
      expect(await database.db.$count(tasks)).toBe(acknowledged);
    } finally {
      if (!postgres) await database.close();
    }
  });
});
