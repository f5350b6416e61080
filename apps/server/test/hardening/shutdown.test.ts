/**
 * SIGTERM to a real server process under a steady load: every request the server accepted is
 * answered (each create it processed was acknowledged: rows = 201s received), nothing is a 5xx,
 * and the process exits 0 within its drain limit.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createDatabase, tasks } from '@todo/db';
import { createTestDatabase, serverEnvironment, type TestDatabase } from '@todo/db/testing';
import autocannon from 'autocannon';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startServerProcess, type ServerProcess } from '../support/process.js';
import { tokenFor } from '../support/tokens.js';
import { expectCleanLogs } from './log-hygiene.js';

const DRAIN_LIMIT_MS = 5_000;
const MIN_CREATES_BEFORE_SIGTERM = 200;
const token = tokenFor('alice', { exp: Math.floor(Date.now() / 1000) + 600 });

let pgliteDir: string | undefined;
let postgres: TestDatabase | undefined;
let server: ServerProcess;

beforeAll(async () => {
  const env: Record<string, string> = {
    SHUTDOWN_TIMEOUT_MS: String(DRAIN_LIMIT_MS),
    LOG_LEVEL: 'info',
  };
  if (process.env.TEST_DATABASE_URL) {
    postgres = await createTestDatabase();
    Object.assign(env, serverEnvironment(postgres));
  } else {
    pgliteDir = await mkdtemp(join(tmpdir(), 'todo-shutdown-'));
    env.PGLITE_DIR = pgliteDir;
  }
  server = await startServerProcess(env);
}, 60_000);

afterAll(async () => {
  await server.kill();
  await postgres?.destroy();
  if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
});

describe('when a server under load receives SIGTERM', () => {
  it('then accepted requests all complete, none is a 5xx, and it exits 0 within the drain limit', async () => {
    const statuses = new Map<number, number>();
    let load: autocannon.Instance | undefined;
    const finished = new Promise<autocannon.Result>((resolve, reject) => {
      load = autocannon(
        {
          url: server.url,
          connections: 16,
          duration: 120, // stopped once the server has exited
          requests: [
            {
              method: 'POST',
              path: '/api/alice/tasks',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ title: 'under load' }),
            },
          ],
        },
        (error, result) => {
          if (error) reject(error instanceof Error ? error : new Error(String(error)));
          else resolve(result);
        },
      );
      load.on('response', (_client, statusCode) =>
        statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1),
      );
    });

    // SIGTERM once the load is well under way: after a number of answers, not a time.
    while ((statuses.get(201) ?? 0) < MIN_CREATES_BEFORE_SIGTERM) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const exitCode = await server.exited;
    const drainMs = Date.now() - signalledAt;
    load?.stop();
    const result = await finished;

    const created = statuses.get(201) ?? 0;
    const fivexx = [...statuses]
      .filter(([status]) => status >= 500)
      .reduce((sum, [, n]) => sum + n, 0);
    console.info(
      `shutdown: ${created} creates acknowledged, drained and exited in ${drainMs} ms, ` +
        `client-side connection errors after close: ${result.errors}`,
    );
    expect(exitCode).toBe(0);
    expect(drainMs).toBeLessThan(DRAIN_LIMIT_MS + 2_000);
    expect(fivexx).toBe(0);
    expect([...statuses.keys()].filter((s) => s !== 201)).toEqual([]);
    expect(created).toBeGreaterThanOrEqual(MIN_CREATES_BEFORE_SIGTERM);

    const database = postgres ?? (await createDatabase({ dataDir: pgliteDir }));
    try {
      const rows = await database.db
        .select({ id: tasks.id })
        .from(tasks)
        .where(eq(tasks.user_id, 'alice'));
      expect(rows).toHaveLength(created);
    } finally {
      if (!postgres) await database.close();
    }
    expect(server.logs).toContainEqual(expect.stringContaining('shutting down'));
    expectCleanLogs(server.logs, {
      tokens: [token],
      bodies: [JSON.stringify({ title: 'under load' })],
    });
  });
});
