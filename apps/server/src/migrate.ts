/** `pnpm db:migrate`: apply the committed migrations to the configured database and exit. */
import { createDatabase } from '@todo/db';

import { loadConfig } from './config.js';

const config = loadConfig(process.env);
const database = await createDatabase({
  url: config.database.url,
  dataDir: config.database.pgliteDir,
});
await database.migrate();
await database.close();
process.stdout.write(`migrations applied (${database.driver})\n`);
