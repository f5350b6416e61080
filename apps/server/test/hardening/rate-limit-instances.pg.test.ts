/**
 * Rate limits shared by two real server processes through a real Redis (one of the test's
 * own, so it can be stopped): a user's requests spread over both meet 429 after the limit in
 * total; with Redis stopped nothing fails, each process counts for itself and says so in its
 * log; with Redis back, counting is shared again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';

import { createTestDatabase, serverEnvironment, type TestDatabase } from '@todo/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { httpClient } from '../support/http.js';
import { freePort } from '../support/ports.js';
import { startServerProcess, type ServerProcess } from '../support/process.js';
import { tokenFor } from '../support/tokens.js';

const LIMIT = 20;

let database: TestDatabase;
let redisPort: number;
let redis: ChildProcess | undefined;
let servers: ServerProcess[] = [];

/** Resolves once something accepts connections on the port (or rejects after ~10 s). */
async function listening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = createConnection(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

async function startRedis(): Promise<void> {
  redis = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  await listening(redisPort);
}

async function stopRedis(): Promise<void> {
  const child = redis;
  if (child?.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  database = await createTestDatabase();
  redisPort = await freePort();
  await startRedis();
  const env = {
    ...serverEnvironment(database),
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    RATE_LIMIT_PER_MINUTE: String(LIMIT),
    LOG_LEVEL: 'info',
  };
  servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  // Both count in Redis before the test starts.
  for (const server of servers) await waitForLog(server, 'counted in Redis');
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.kill()));
  await stopRedis();
  await database.destroy();
});

async function waitForLog(server: ServerProcess, text: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (server.logs.some((line) => line.includes(text))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no log line with "${text}":\n${server.logs.join('\n')}`);
}

/** `count` requests for `user`, alternating between the two processes; their statuses. */
async function spread(user: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const server = servers[i % servers.length];
    if (!server) throw new Error('no server');
    const reply = await httpClient(`${server.url}/api/${user}`, tokenFor(user)).send(
      'GET',
      '/tasks',
    );
    statuses.push(reply.status);
  }
  return statuses;
}

describe('when one user’s requests are spread over two instances sharing Redis', () => {
  it('then the limit holds in total: the request after it is 429 on either', async () => {
    const statuses = await spread('shared', LIMIT + 2);

    expect(statuses.slice(0, LIMIT)).toEqual(Array<number>(LIMIT).fill(200));
    expect(statuses.slice(LIMIT)).toEqual([429, 429]);
  });

  it('then with Redis stopped nothing fails, each instance counts for itself and logs it; with Redis back, counting is shared again', async () => {
    await stopRedis();

    const during = await spread('outage', 2 * LIMIT + 2);
    for (const server of servers) await waitForLog(server, 'Redis is unreachable');

    // No 5xx: every answer is a 200 until each process has counted LIMIT of its own.
    expect(during.filter((status) => status >= 500)).toEqual([]);
    expect(during.slice(0, 2 * LIMIT)).toEqual(Array<number>(2 * LIMIT).fill(200));
    expect(during.slice(2 * LIMIT)).toEqual([429, 429]);

    const logged = servers.map(
      (server) => server.logs.filter((line) => line.includes('counted in Redis')).length,
    );
    await startRedis();
    for (const [index, server] of servers.entries()) {
      for (let i = 0; i < 300; i++) {
        if (
          server.logs.filter((line) => line.includes('counted in Redis')).length >
          (logged[index] ?? 0)
        )
          break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    const after = await spread('recovered', LIMIT + 1);
    expect(after.slice(0, LIMIT)).toEqual(Array<number>(LIMIT).fill(200));
    expect(after.at(-1)).toBe(429);
  });
});
