/**
 * The server as the benchmark measures it: the production build's startServer (compiled, from
 * dist, as `pnpm start` runs it) with one observer added, a count of the SQL statements its
 * database layer sends, printed as `{"sqlStatements":N}` on SIGUSR2.
 */
import { loadConfig } from '@todo/server/config';
import { startServer } from '@todo/server/start';

let statements = 0;
const server = await startServer(loadConfig(process.env), {
  onQuery: () => {
    statements++;
  },
});
process.on('SIGUSR2', () => {
  process.stdout.write(`${JSON.stringify({ sqlStatements: statements })}\n`);
});
const stop = (signal: NodeJS.Signals) => {
  server.stop(signal).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`shutdown failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
