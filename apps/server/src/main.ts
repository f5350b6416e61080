/** The server process: configuration, database, migrations, listen, graceful shutdown. */
import { createServer } from 'node:http';

import {
  createChangeStreams,
  createInProcessBus,
  createPostgresBus,
  createTaskService,
  createTokenVerifier,
  startMaintenance,
} from '@todo/api';
import { createDatabase } from '@todo/db';
import { pino } from 'pino';

import { createApp } from './app.js';
import { ConfigError, loadConfigFromEnvironment, type Config } from './config.js';
import { createLiveResponses } from './live-responses.js';
import { createRateLimitStore } from './rate-limit-store.js';
import { logSafeError } from './log-safe-error.js';
import { drain } from './shutdown.js';

function readConfig(): Config {
  try {
    return loadConfigFromEnvironment();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const config = readConfig();
const logger = pino({ level: config.logLevel });

if (config.auth.usingDevSecret) {
  logger.warn(
    'BETTER_AUTH_SECRET is not set: tokens are checked against the fixed DEVELOPMENT secret. ' +
      'Anyone can mint tokens for it. Set BETTER_AUTH_SECRET before exposing this server.',
  );
}

let statements = 0;
const database = await createDatabase({
  url: config.database.url,
  directUrl: config.database.listenUrl,
  dataDir: config.database.pgliteDir,
  poolMax: config.database.poolMax,
  prepare: config.database.prepare,
  onQuery: config.statementStats
    ? () => {
        statements++;
      }
    : undefined,
});
if (config.statementStats) {
  process.on('SIGUSR2', () => {
    process.stdout.write(`${JSON.stringify({ sqlStatements: statements })}\n`);
  });
}
await database.migrate();
const maintenance = startMaintenance({
  db: database.db,
  changesRetentionMs: config.changes.retentionMs,
  onError: (error) => {
    logger.warn({ error: logSafeError(error) }, 'maintenance run failed; the next run retries');
  },
});

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
const tasks = createTaskService(database.db, { bus });
const streams = createChangeStreams({
  bus,
  feed: tasks.feed,
  streamsPerUser: config.changes.streamsPerUser,
  onError: (error) => {
    logger.warn({ error: logSafeError(error) }, 'live streams could not read changes; retrying');
  },
});
const live = createLiveResponses();
const rateLimits = createRateLimitStore(config.redisUrl, logger);

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

const server = createServer(app).listen(config.port, config.host ?? '0.0.0.0', () => {
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
});
server.on('error', (error) => {
  logger.fatal({ error: error.message }, 'could not listen');
  process.exit(1);
});

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: draining in-flight requests');
  // Live streams end first: they would otherwise hold the drain until its deadline.
  live.closeAll();
  streams.close();
  const clean = await drain(server, config.shutdownTimeoutMs);
  await maintenance.stop();
  await rateLimits.close();
  await bus.close();
  await database.close();
  logger.info({ clean }, 'stopped');
  process.exit(0);
}
process.on('SIGTERM', (signal) => void stop(signal));
process.on('SIGINT', (signal) => void stop(signal));
