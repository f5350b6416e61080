/** The server process: configuration from the environment, start, and shutdown on signals. */
import { ConfigError, loadConfigFromEnvironment, type Config } from './config.js';
import { logSafeError } from './log-safe-error.js';
import { ListenError, startServer, type StartedServer } from './start.js';

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

async function start(config: Config): Promise<StartedServer> {
  try {
    return await startServer(config);
  } catch (error) {
    // Already logged, and what was opened is closed.
    if (error instanceof ListenError) process.exit(1);
    throw error;
  }
}

const server = await start(readConfig());
const stop = (signal: NodeJS.Signals) => {
  server.stop(signal).then(
    () => process.exit(0),
    (error: unknown) => {
      server.logger.fatal({ error: logSafeError(error) }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
