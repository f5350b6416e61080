/**
 * The server from a loaded configuration: database, migrations, listen, and the graceful stop.
 * main.ts (the CLI) reads the environment and handles signals around it; the benchmark starts
 * the same function with its own observers (`onQuery`) instead of hooks in production code.
 */
import { createServer } from 'node:http';

import {
  createChangeStreams,
  createInProcessBus,
  createPostgresBus,
  createTaskService,
  createTokenVerifier,
  startMaintenance,
  type EventBus,
  type TaskService,
} from '@todo/api';
import { createDatabase, type Database, type DatabaseOptions } from '@todo/db';
import { pino, type Logger } from 'pino';

import { createApp } from './app.js';
import type { Config } from './config.js';
import { createLiveResponses } from './live-responses.js';
import { logSafeError } from './log-safe-error.js';
import { createRateLimitStore, type RateLimitStore } from './rate-limit-store.js';
import { drain } from './shutdown.js';

export interface StartOptions {
  /** Called once per SQL statement the database layer sends (observability, the benchmark). */
  onQuery?: DatabaseOptions['onQuery'];
}

export interface StartedServer {
  /** The port it listens on (the one the system chose, for PORT=0). */
  readonly port: number;
  readonly logger: Logger;
  /**
   * Ends live streams, drains in-flight requests (up to the shutdown timeout), then closes
   * every resource. Calling it again returns the same promise.
   */
  stop(signal: string): Promise<void>;
}

/** The server could not listen (the port is taken, say): logged, and what was opened is closed. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

/** Something start-up opened, and how to close it. */
interface Opened {
  name: string;
  close: () => Promise<void>;
}

/** Closes what is open, last opened first; one that fails is logged and the others still close. */
async function closeAll(opened: Opened[], logger: Logger): Promise<void> {
  for (const { name, close } of opened.splice(0).reverse()) {
    try {
      await close();
    } catch (error) {
      logger.warn({ error: logSafeError(error) }, `${name} did not close cleanly`);
    }
  }
}

interface Resources {
  database: Database;
  bus: EventBus;
  tasks: TaskService;
  rateLimits: RateLimitStore;
}

/** Database (migrated), maintenance, change bus, rate-limit store: each in `opened` once open. */
async function openResources(
  config: Config,
  options: StartOptions,
  logger: Logger,
  opened: Opened[],
): Promise<Resources> {
  const database = await createDatabase({
    url: config.database.url,
    directUrl: config.database.listenUrl,
    dataDir: config.database.pgliteDir,
    poolMax: config.database.poolMax,
    prepare: config.database.prepare,
    onQuery: options.onQuery,
  });
  opened.push({ name: 'database', close: () => database.close() });
  await database.migrate();
  const maintenance = startMaintenance({
    db: database.db,
    changesRetentionMs: config.changes.retentionMs,
    onError: (error) => {
      logger.warn({ error: logSafeError(error) }, 'maintenance run failed; the next run retries');
    },
  });
  opened.push({ name: 'maintenance', close: () => maintenance.stop() });
  // Change notices between processes: LISTEN/NOTIFY on PostgreSQL (a direct connection), within
  // this one process on PGlite.
  const bus = config.database.listenUrl
    ? await createPostgresBus({
        url: config.database.listenUrl,
        onError: (error) => {
          logger.warn({ error: logSafeError(error) }, 'change notice not sent');
        },
      })
    : createInProcessBus();
  opened.push({ name: 'change bus', close: () => bus.close() });
  const rateLimits = createRateLimitStore(config.redisUrl, logger);
  opened.push({ name: 'rate-limit store', close: () => rateLimits.close() });
  return { database, bus, tasks: createTaskService(database.db, { bus }), rateLimits };
}

/** Starts serving; rejects with ListenError when it cannot listen. */
export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<StartedServer> {
  const logger = pino({ level: config.logLevel });

  if (config.auth.usingDevSecret) {
    logger.warn(
      'BETTER_AUTH_SECRET is not set: tokens are checked against the fixed DEVELOPMENT secret. ' +
        'Anyone can mint tokens for it. Set BETTER_AUTH_SECRET before exposing this server.',
    );
  }

  const opened: Opened[] = [];
  const closeResources = () => closeAll(opened, logger);
  let resources: Resources;
  try {
    resources = await openResources(config, options, logger, opened);
  } catch (error) {
    await closeResources();
    throw error;
  }
  const { database, tasks, rateLimits } = resources;
  const streams = createChangeStreams({
    bus: resources.bus,
    feed: tasks.feed,
    streamsPerUser: config.changes.streamsPerUser,
    onError: (error) => {
      logger.warn({ error: logSafeError(error) }, 'live streams could not read changes; retrying');
    },
  });
  const live = createLiveResponses();

  const app = createApp({
    config,
    tasks,
    streams,
    live,
    rateLimitStore: rateLimits.store,
    verifier: createTokenVerifier({
      secret: config.auth.secret,
      jwks: config.auth.jwksUrl ? { url: config.auth.jwksUrl } : undefined,
      issuer: config.auth.issuer,
      audience: config.auth.audience,
    }),
    ping: () => database.ping(),
    logger,
  });

  const server = createServer(app);

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host ?? '0.0.0.0', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.fatal({ error: message }, 'could not listen');
    streams.close();
    await closeResources();
    throw new ListenError(message, { cause: error });
  }

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://localhost:${port}`;
  logger.info(
    {
      database:
        database.driver === 'pglite' ? `PGlite in ${config.database.pgliteDir}` : 'PostgreSQL',
      rest: `${base}/api`,
      trpc: `${base}/trpc`,
      docs: `${base}/docs`,
      openapi: `${base}/openapi.json`,
    },
    `Todo API listening on ${base} (REST ${base}/api, tRPC ${base}/trpc, docs ${base}/docs)`,
  );

  let stopping: Promise<void> | undefined;
  async function stop(signal: string): Promise<void> {
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    // Live streams end first: they would otherwise hold the drain until its deadline.
    live.closeAll();
    streams.close();
    const clean = await drain(server, config.shutdownTimeoutMs);
    await closeResources();
    logger.info({ clean }, 'stopped');
  }

  return {
    port,
    logger,
    stop: (signal) => (stopping ??= stop(signal)),
  };
}
