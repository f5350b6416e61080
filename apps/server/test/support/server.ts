/** A real app on an ephemeral port, its own database, and the log lines it wrote. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';

import {
  createChangeStreams,
  createHs256Verifier,
  createInProcessBus,
  createTaskService,
  type ChangeStreams,
  type EventBus,
  type TaskService,
  type TaskServiceOptions,
  type TokenVerifier,
} from '@todo/api';
import type { Database } from '@todo/db';
import { createTestDatabase } from '@todo/db/testing';
import { pino } from 'pino';

import { createApp } from '../../src/app.js';
import { createLiveResponses, type LiveResponses } from '../../src/live-responses.js';
import { TEST_SECRET } from './tokens.js';

export interface TestServer {
  url: string;
  database: Database;
  streams: ChangeStreams;
  live: LiveResponses;
  /** Every log line the server wrote, raw. */
  logs: string[];
  close(): Promise<void>;
}

export interface TestServerOptions {
  rateLimitPerMinute?: number;
  corsOrigins?: string[];
  verifier?: TokenVerifier;
  /** Wraps the real service (fault injection). */
  wrapStore?: (service: TaskService) => TaskService;
  /** The task service's options (e.g. a short Idempotency-Key lifetime). */
  service?: TaskServiceOptions;
  /** Where changes are announced (default: within this process). */
  bus?: EventBus;
  streamsPerUser?: number;
  /** A database the caller owns (not migrated, not closed here). Default: a fresh test database. */
  database?: Database;
  /** The logger's level (default info: every request is logged). */
  logLevel?: 'info' | 'warn';
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const owned = options.database === undefined ? await createTestDatabase() : undefined;
  const database = options.database ?? owned;
  if (!database) throw new Error('unreachable: a database was either given or created');
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const bus = options.bus ?? createInProcessBus();
  const store = createTaskService(database.db, { bus, ...options.service });
  const streams = createChangeStreams({
    bus,
    feed: store.feed,
    streamsPerUser: options.streamsPerUser,
  });
  const live = createLiveResponses();
  const app = createApp({
    config: {
      corsOrigins: options.corsOrigins ?? ['http://localhost:3000'],
      rateLimitPerMinute: options.rateLimitPerMinute ?? 100_000,
      trustProxy: 0,
    },
    tasks: options.wrapStore ? options.wrapStore(store) : store,
    streams,
    live,
    verifier: options.verifier ?? createHs256Verifier({ secret: TEST_SECRET }),
    ping: () => database.ping(),
    logger: pino({ level: options.logLevel ?? 'info' }, sink),
  });
  const server = createServer(app).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    database,
    streams,
    live,
    logs,
    close: async () => {
      live.closeAll();
      streams.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await owned?.destroy();
    },
  };
}
