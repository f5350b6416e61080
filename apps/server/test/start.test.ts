/** startServer, as main.ts and the benchmark run it: from a configuration, on embedded storage. */
import { createServer, type Server } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../src/config.js';
import { ListenError, startServer } from '../src/start.js';
import { freePort } from './support/ports.js';

const configOn = (port: number) =>
  loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PGLITE_DIR: 'memory://',
    BETTER_AUTH_SECRET: 'a-start-test-secret-of-at-least-32-bytes',
    LOG_LEVEL: 'silent',
  });

describe('when the server is started from a configuration', () => {
  it('then it serves, reports each statement to onQuery, and stop() closes it once', async () => {
    const statements: string[] = [];
    const server = await startServer(configOn(0), {
      onQuery: (query) => {
        statements.push(query);
      },
    });
    const url = `http://127.0.0.1:${server.port}`;

    const ready = await fetch(`${url}/ready`);
    const stopped = server.stop('SIGTERM');

    expect(ready.status).toBe(200);
    expect(statements).toContain('select 1');
    expect(server.stop('SIGTERM')).toBe(stopped);
    await stopped;
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});

describe('when the port is taken', () => {
  let blocker: Server;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
  });

  it('then the start rejects with ListenError', async () => {
    await expect(startServer(configOn(port))).rejects.toBeInstanceOf(ListenError);
  });
});
