/**
 * The client as a user gets it: built, packed, installed with npm into a directory outside the
 * workspace next to its peers only, type-checked by a strict consumer, and run from ESM and CJS
 * against a real server.
 */
import { execFile } from 'node:child_process';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { createHs256Verifier } from '@todo/api';
import { startTestServer, type TestServer } from '@todo/server/testing';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const SECRET = 'client-package-test-secret-32-bytes-long';

const CONSUMER = `
import { createTodoClient, toContractError, type CreateTaskInput, type Task, type TagCount, type TaskPriority, type TodoClient } from '@todo/client';

export async function run(url: string, token: string, userId: string): Promise<string[]> {
  let tokenCalls = 0;
  const client = createTodoClient({ url, getToken: () => { tokenCalls++; return token; } });
  const priority: TaskPriority = 'high';
  const input: CreateTaskInput = {
    user_id: userId, title: ' from the consumer ', priority, due_date: '2026-12-01',
    tags: [' Home', 'errand'], recurrence: 'FREQ=WEEKLY',
  };
  const created: Task = await client.tasks.create.mutate(input);
  const title: string = created.title;
  const due: string | null = created.due_date;
  const list: Task[] = await client.tasks.list.query({
    user_id: userId, sort: 'due', order: 'asc', tag: 'home', priority: 'high', due_from: '2026-11-01', limit: 10,
  });
  const tags: TagCount[] = await client.tags.list.query({ user_id: userId });
  const moved = await client.tasks.complete.mutate({ user_id: userId, id: created.id });
  const one = await client.tasks.get.query({ user_id: userId, id: created.id });
  const updated = await client.tasks.update.mutate({ user_id: userId, id: created.id, title: 'replaced', description: 'd' });
  const patched = await client.tasks.patch.mutate({ user_id: userId, id: created.id, completed: true });
  const toggled = await client.tasks.complete.mutate({ user_id: userId, id: created.id });
  const removed: void = await client.tasks.delete.mutate({ user_id: userId, id: created.id });
  let missing = 'found';
  try {
    await client.tasks.get.query({ user_id: userId, id: created.id });
  } catch (error) {
    missing = toContractError(error).code;
  }
  const description: string | null = updated.description;
  return [title, String(list.length), one.title, String(description), String(patched.completed),
    String(toggled.completed), String(removed), missing, String(tokenCalls > 0),
    String(due), created.tags.join(','), tags.map((t) => t.tag + ':' + String(t.count)).join(','),
    String(moved.due_date), String(moved.completed)];
}

/** Subscribes, writes, and resolves with the change the stream delivered (tracked by seq). */
export async function live(url: string, token: string, userId: string): Promise<string[]> {
  const client = createTodoClient({ url, getToken: () => token });
  const received = new Promise<string[]>((resolve, reject) => {
    const subscription = client.tasks.onChange.subscribe(
      { user_id: userId },
      {
        onStarted() {
          void client.tasks.create.mutate({ user_id: userId, title: 'streamed' });
        },
        onData(event) {
          const change = event.data;
          if (change.op === 'upsert' && change.task.title === 'streamed') {
            subscription.unsubscribe();
            resolve([event.id, change.op, change.task.title]);
          }
        },
        onError: reject,
      },
    );
  });
  return received;
}

export function typeErrors(client: TodoClient): void {
  // @ts-expect-error a title is a string, not a number
  void client.tasks.create.mutate({ user_id: 'u', title: 42 });
  // @ts-expect-error unknown fields are not part of the input
  void client.tasks.create.mutate({ user_id: 'u', title: 't', colour: 'red' });
  // @ts-expect-error get needs an id
  void client.tasks.get.query({ user_id: 'u' });
  // @ts-expect-error completed is a boolean, never a string
  void client.tasks.complete.mutate({ user_id: 'u', id: 1, completed: 'true' });
  // @ts-expect-error there is no such procedure
  void client.tasks.archive.mutate({ user_id: 'u', id: 1 });
  // @ts-expect-error priority is one of none, low, medium, high
  void client.tasks.patch.mutate({ user_id: 'u', id: 1, priority: 'urgent' });
  // @ts-expect-error tags are an array of strings
  void client.tasks.create.mutate({ user_id: 'u', title: 't', tags: 'home' });
  // @ts-expect-error sort is one of the contract's sorts
  void client.tasks.list.query({ user_id: 'u', sort: 'colour' });
}
`;

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: 'es2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    // What a Next.js app has; @trpc/server's declarations use Disposable (esnext.disposable).
    lib: ['esnext', 'dom'],
    types: [],
    outDir: 'out',
  },
  files: ['consumer.mts', 'consumer.cts'],
};

const RUN_ESM = `import { live, run } from './out/consumer.mjs';
const [url, token, user] = process.argv.slice(2);
console.log(JSON.stringify([...(await run(url, token, user)), ...(await live(url, token, user))]));
`;
const RUN_CJS = `const { live, run } = require('./out/consumer.cjs');
const [url, token, user] = process.argv.slice(2);
(async () => {
  console.log(JSON.stringify([...(await run(url, token, user)), ...(await live(url, token, user))]));
})();
`;

/** Every string an `exports` map (or a nested condition of it) points at. */
function exportTargets(entry: unknown): string[] {
  if (typeof entry === 'string') return [entry];
  if (typeof entry !== 'object' || entry === null) return [];
  return Object.values(entry).flatMap(exportTargets);
}

let consumerDir: string;
let packDir: string;
let tarballFiles: string[];
let server: TestServer;

beforeAll(async () => {
  await run('pnpm', ['build'], { cwd: packageDir });
  packDir = await mkdtemp(join(tmpdir(), 'todo-client-pack-'));
  await run('pnpm', ['pack', '--pack-destination', packDir], { cwd: packageDir });
  const tarball = (await readdir(packDir)).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error('pnpm pack produced no tarball');
  const listing = await run('tar', ['-tzf', join(packDir, tarball)]);
  tarballFiles = listing.stdout.split('\n').filter(Boolean).sort();

  const trpcVersion = createRequire(import.meta.url)('@trpc/client/package.json') as {
    version: string;
  };
  consumerDir = await mkdtemp(join(tmpdir(), 'todo-client-consumer-'));
  await writeFile(
    join(consumerDir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true }),
  );
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      join(packDir, tarball),
      `@trpc/client@${trpcVersion.version}`,
      `@trpc/server@${trpcVersion.version}`,
    ],
    { cwd: consumerDir, timeout: 180_000 },
  );
  await writeFile(join(consumerDir, 'consumer.mts'), CONSUMER);
  await writeFile(join(consumerDir, 'consumer.cts'), CONSUMER);
  await writeFile(join(consumerDir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  await writeFile(join(consumerDir, 'run.mjs'), RUN_ESM);
  await writeFile(join(consumerDir, 'run.cjs'), RUN_CJS);

  server = await startTestServer({ verifier: createHs256Verifier({ secret: SECRET }) });
}, 300_000);

afterAll(async () => {
  await server.close();
  await rm(consumerDir, { recursive: true, force: true });
  await rm(packDir, { recursive: true, force: true });
});

describe('when the client package is built and packed', () => {
  it('then the tarball holds the four built files, the README and package.json, nothing else', () => {
    expect(tarballFiles).toEqual([
      'package/README.md',
      'package/dist/index.cjs',
      'package/dist/index.d.cts',
      'package/dist/index.d.ts',
      'package/dist/index.js',
      'package/package.json',
    ]);
  });

  it('then every file its package.json points at is in the installed package', async () => {
    const installed = join(consumerDir, 'node_modules/@todo/client');
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as {
      exports: unknown;
      main: string;
      module: string;
      types: string;
    };
    const targets = [
      ...exportTargets(manifest.exports),
      manifest.main,
      manifest.module,
      manifest.types,
    ];

    expect(targets.length).toBeGreaterThan(4);
    const missing: string[] = [];
    for (const target of new Set(targets)) {
      await access(join(installed, target)).catch(() => missing.push(target));
    }
    expect(missing).toEqual([]);
  });

  it('then its declarations import nothing but the peers, its JavaScript only them and its own dependency, and no server code', async () => {
    const dist = join(consumerDir, 'node_modules/@todo/client/dist');
    const files = await readdir(dist);
    expect(files.sort()).toEqual(['index.cjs', 'index.d.cts', 'index.d.ts', 'index.js']);
    for (const file of files) {
      // Code only: doc comments may name what the code does not use.
      const text = (await readFile(join(dist, file), 'utf8')).replace(
        /\/\*[\s\S]*?\*\/|\/\/.*$/gm,
        '',
      );
      // Static, side-effect, re-export, require() and declaration `import("…")` specifiers.
      const imports = [
        ...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g),
      ].map((m) => m[1]);
      // The client is built on @trpc/client, so an empty list means the pattern missed them.
      expect(imports, file).toContain('@trpc/client');
      // JavaScript may also load `eventsource` (a dependency); declarations never do.
      const allowed = file.includes('.d.')
        ? /^@trpc\/(client|server)(\/|$)/
        : /^(@trpc\/(client|server)(\/|$)|eventsource$)/;
      expect(
        imports.filter((specifier) => !allowed.test(specifier ?? '')),
        file,
      ).toEqual([]);
      expect(text, file).not.toMatch(
        /express|drizzle|postgres|pglite|pino|jsonwebtoken|\bjose\b|\bzod\b/,
      );
    }
  });
});

describe('when a strict TypeScript consumer uses the installed package', () => {
  it('then every call type-checks and every wrong input is a type error', async () => {
    const checked = await run(process.execPath, [tsc, '--noEmit', '--strict', '-p', '.'], {
      cwd: consumerDir,
    }).catch((error: unknown) => ({
      // execFile rejects on a non-zero exit, with tsc's report on stdout.
      stdout:
        typeof error === 'object' && error && 'stdout' in error
          ? String(error.stdout)
          : String(error),
      stderr: 'tsc failed',
    }));

    expect(checked.stdout).toBe('');
    expect(checked.stderr).toBe('');
  });

  it('then, compiled and run from ESM and from CJS, it gets real data from a real server', async () => {
    await run(process.execPath, [tsc, '-p', '.'], { cwd: consumerDir });
    const token = jwt.sign({ sub: 'consumer', exp: Math.floor(Date.now() / 1000) + 300 }, SECRET, {
      algorithm: 'HS256',
    });
    const expected = [
      'from the consumer',
      '1',
      'from the consumer',
      'd',
      // A recurring task: completing it moves it on instead.
      'false',
      'false',
      'undefined',
      'NOT_FOUND',
      'true',
      '2026-12-01',
      'home,errand',
      'errand:1,home:1',
      '2026-12-08',
      'false',
    ];

    for (const runner of ['run.mjs', 'run.cjs']) {
      const { stdout } = await run(
        process.execPath,
        [runner, `${server.url}/trpc`, token, 'consumer'],
        { cwd: consumerDir },
      );
      // Then the live stream's change: tracked by its change number.
      expect(JSON.parse(stdout), runner).toEqual([
        ...expected,
        expect.stringMatching(/^[1-9][0-9]*$/),
        'upsert',
        'streamed',
      ]);
    }
  });
});
