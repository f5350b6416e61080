/**
 * The real server as its own process (src/main.ts, the entry `pnpm start` runs compiled), for
 * behaviour that spans processes: start-up migrations, shutdown, several instances.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { httpClient } from './http.js';
import { freePort } from './ports.js';
import { TEST_SECRET } from './tokens.js';

const serverDir = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Every line the process wrote, stdout and stderr. */
  readonly logs: string[];
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** SIGKILL if still running; resolves once it has exited. */
  kill(): Promise<void>;
}

/**
 * Starts a server with `env` (on top of a test secret, a free port and a high rate limit) and
 * resolves once `/health` answers. The environment is otherwise empty, as on a fresh machine.
 */
export async function startServerProcess(
  env: Record<string, string>,
  startLimitMs = 60_000,
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--conditions=@todo/source', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: serverDir,
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: String(port),
        BETTER_AUTH_SECRET: TEST_SECRET,
        RATE_LIMIT_PER_MINUTE: '1000000',
        ...env,
      },
    },
  );
  const logs: string[] = [];
  const collect = (chunk: Buffer) => logs.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };

  const site = httpClient(url);
  const deadline = Date.now() + startLimitMs;
  while (Date.now() < deadline && child.exitCode === null) {
    // Refused until the child listens: a rejection here means "not yet".
    const up = await site.send('GET', '/health').then(
      (reply) => reply.status === 200,
      () => false,
    );
    if (up) return { url, child, logs, exited, kill };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await kill();
  throw new Error(`server did not start:\n${logs.join('\n')}`);
}
