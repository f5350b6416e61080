/**
 * The production builds of both apps on free ports, each with an embedded database in a fresh
 * temporary directory: the API (`apps/server/dist/main.js`) verifying the web app's EdDSA tokens
 * through its JWKS, and the web app (`next start`). Both must be built first (pnpm test:e2e does).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort } from '@todo/server/testing/ports';

const webDir = fileURLToPath(new URL('../..', import.meta.url));
const repoDir = join(webDir, '..', '..');
const serverMain = join(repoDir, 'apps', 'server', 'dist', 'main.js');
const nextBin = createRequire(join(webDir, 'package.json')).resolve('next/dist/bin/next');
const SECRET = 'e2e-secret-shared-by-the-web-app-and-the-api-0123456789';
const STARTUP_MS = 90_000;

export interface Stack {
  /** The web app's origin, as the browser must use it (Better Auth's base URL). */
  webUrl: string;
  apiUrl: string;
  /** What both processes printed, for a failing test's message. */
  output(): string;
  /** Stops the API (its streams end, as on a deploy) and starts it again on the same data. */
  restartApi(): Promise<void>;
  stop(): Promise<void>;
}

function start(name: string, args: string[], cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(chunk.toString());
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { name, child, output: () => lines.join('') };
}

async function waitFor(
  url: string,
  processes: { name: string; child: ChildProcess; output: () => string }[],
) {
  const deadline = Date.now() + STARTUP_MS;
  while (Date.now() < deadline) {
    for (const { name, child, output } of processes) {
      if (child.exitCode !== null) throw new Error(`${name} exited early:\n${output()}`);
    }
    try {
      const response = await fetch(url, { redirect: 'manual' });
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${STARTUP_MS} ms`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startStack(): Promise<Stack> {
  for (const built of [serverMain, join(webDir, '.next', 'BUILD_ID')]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run pnpm test:e2e (it builds)`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'todo-e2e-'));
  const [webPort, apiPort] = [await freePort(), await freePort()];
  const webUrl = `http://localhost:${webPort}`;
  const apiUrl = `http://localhost:${apiPort}`;

  const apiEnv = {
    NODE_ENV: 'production',
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    PGLITE_DIR: join(dir, 'api-pglite'),
    BETTER_AUTH_SECRET: SECRET,
    BETTER_AUTH_URL: webUrl,
    CORS_ORIGINS: webUrl,
    LOG_LEVEL: 'warn',
  };
  const apiReady = `http://127.0.0.1:${apiPort}/ready`;
  let api = start('api', [serverMain], repoDir, apiEnv);
  const web = start(
    'web',
    [nextBin, 'start', '--port', String(webPort), '--hostname', '127.0.0.1'],
    webDir,
    {
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      BETTER_AUTH_SECRET: SECRET,
      BETTER_AUTH_URL: webUrl,
      AUTH_DATA_DIR: join(dir, 'auth-pglite'),
      TODO_API_URL: apiUrl,
    },
  );
  const processes = () => [api, web];
  try {
    // Node may resolve `localhost` to ::1 first; both listen on 127.0.0.1.
    await waitFor(apiReady, processes());
    await waitFor(`http://127.0.0.1:${webPort}/sign-in`, processes());
  } catch (error) {
    await Promise.all(processes().map(({ child }) => stopProcess(child)));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    webUrl,
    apiUrl,
    output: () =>
      processes()
        .map(({ name, output }) => `--- ${name}\n${output()}`)
        .join('\n'),
    async restartApi() {
      await stopProcess(api.child);
      api = start('api', [serverMain], repoDir, apiEnv);
      await waitFor(apiReady, processes());
    },
    async stop() {
      await Promise.all(processes().map(({ child }) => stopProcess(child)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
