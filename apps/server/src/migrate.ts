/** `pnpm db:migrate`: apply the committed migrations to the configured database and exit. */
import { createDatabase } from '@todo/db';

import { loadConfigFromEnvironment } from './config.js';

const config = loadConfigFromEnvironment();
const database = await createDatabase({
  url: config.database.url,
  directUrl: config.database.listenUrl,
  dataDir: config.database.pgliteDir,
});
await database.migrate();
await database.close();
process.stdout.write(`migrations applied (${database.driver})\n`);
