/**
 * `pnpm bench`: the API (production build, REST and tRPC) against a raw floor in the same run,
 * on a real PostgreSQL, with autocannon driving load from this process. Prints a table and
 * writes bench/RESULTS.md. BENCH_SMOKE=1: a few seconds, tiny data (CI keeps it from rotting).
 * Fails on any non-2xx answer or error during a timed window.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createDatabase } from '@todo/db';
import autocannon from 'autocannon';
import { sql as drizzleSql } from 'drizzle-orm';
import jwt from 'jsonwebtoken';
import postgres from 'postgres';

import {
  BIG_USER,
  loadScaleTable,
  resetDataset,
  SCALE_TAG,
  taskIdsOf,
  type DatasetSize,
} from './dataset.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Processes start here: the bench package's own dependencies (tsx) resolve from it. */
const benchDir = fileURLToPath(new URL('.', import.meta.url));
/** `pnpm start`'s entry, and the same server with a statement count (bench/instrumented-server.ts). */
const SERVER_MAIN = join(root, 'apps/server/dist/main.js');
const INSTRUMENTED_SERVER = join(benchDir, 'dist/instrumented-server.js');
const SMOKE = process.env.BENCH_SMOKE === '1';
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'todo_bench';
const SECRET = 'bench-secret-that-is-at-least-thirty-two-bytes';
const CONNECTIONS = SMOKE ? 10 : 50;
const WARMUP_S = SMOKE ? 1 : 3;
const WINDOW_S = SMOKE ? 2 : 10;
const SIZE: DatasetSize = SMOKE
  ? { users: 200, tasksPerUser: 50, bigUserTasks: 1_000 }
  : { users: 2_000, tasksPerUser: 50, bigUserTasks: 10_000 };
/** As apps/server's `start` script runs it; the ceilings run with the same flags. */
const SERVER_NODE_FLAGS = ['--enable-source-maps', '--max-old-space-size=128'];
const TOKEN_USERS = Array.from({ length: 200 }, (_, i) => `u${i}`);
/** BENCH_ONLY=get,list / BENCH_SURFACES=floor,rest: a partial run (no scale run, no RESULTS.md). */
const ONLY = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const SURFACES = process.env.BENCH_SURFACES?.split(',').filter(Boolean);
const PARTIAL = ONLY !== undefined || SURFACES !== undefined;
/**
 * Each row is measured REPS times, its targets interleaved (floor, server, adapters alone, then
 * again), and the median of each figure is reported: on a shared 2-core machine one 10 s window
 * moves by ±10%, and interleaving keeps a slow spell from landing on one row only.
 */
const REPS = Number(process.env.BENCH_REPS ?? (SMOKE ? 1 : 3));
/** BENCH_CPU_PROF=dir: the server writes a V8 CPU profile there when it stops. */
const CPU_PROF = process.env.BENCH_CPU_PROF;

type Surface = 'floor' | 'rest' | 'trpc';
type Workload = 'list' | 'get' | 'create' | 'toggle';

interface Measurement {
  workload: Workload;
  surface: Surface;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  statementsPerRequest: number;
  /** CPU time (user + system) the serving process spent per answered request, in µs. */
  cpuPerRequestUs: number;
}

const log = (line: string) => process.stdout.write(`${line}\n`);

// ---- processes ----------------------------------------------------------------------------------

interface Running {
  child: ChildProcess;
  url: string;
  /** Statement totals the process printed on SIGUSR2, in order. */
  counts: number[];
}

async function startProcess(
  name: string,
  args: string[],
  env: Record<string, string>,
  port: number,
): Promise<Running> {
  const child = spawn(process.execPath, args, {
    cwd: benchDir,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const counts: number[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const match of chunk.toString().matchAll(/\{"sqlStatements":(\d+)\}/g))
      counts.push(Number(match[1]));
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, url, counts };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Never leave it behind holding the port.
  child.kill('SIGKILL');
  throw new Error(`${name} did not start:\n${output}`);
}

/** The process's count of SQL statements sent so far (it prints it on SIGUSR2). */
async function statementsSent(running: Running): Promise<number> {
  const before = running.counts.length;
  running.child.kill('SIGUSR2');
  for (let i = 0; i < 100 && running.counts.length === before; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const count = running.counts.at(-1);
  if (running.counts.length === before || count === undefined)
    throw new Error('no statement count');
  return count;
}

async function stopProcess(running: Running): Promise<void> {
  if (running.child.exitCode !== null) return;
  const exited = new Promise((resolve) => running.child.once('exit', resolve));
  running.child.kill('SIGTERM');
  await exited;
}

/** CPU seconds (user + system) a process has used so far (Linux clock ticks are 1/100 s). */
async function cpuSeconds(child: ChildProcess): Promise<number> {
  const stat = await readFile(`/proc/${String(child.pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident set size of a process so far, in MB (VmHWM). */
async function peakRssMb(child: ChildProcess): Promise<number> {
  const status = await readFile(`/proc/${String(child.pid)}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

// ---- load ---------------------------------------------------------------------------------------

const tokens = new Map(
  TOKEN_USERS.map((user) => [
    user,
    jwt.sign({ sub: user, exp: Math.floor(Date.now() / 1000) + 3600 }, SECRET, {
      algorithm: 'HS256',
    }),
  ]),
);

function requestFor(workload: Workload, surface: Surface, ids: Map<string, number[]>) {
  let counter = 0;
  return (request: autocannon.Request): autocannon.Request => {
    const user = TOKEN_USERS[counter % TOKEN_USERS.length] ?? 'u0';
    const own = ids.get(user) ?? [1];
    const id = own[Math.floor(counter / TOKEN_USERS.length) % own.length] ?? 1;
    counter++;
    const headers: Record<string, string> = { authorization: `Bearer ${tokens.get(user) ?? ''}` };
    const input = (value: object) => encodeURIComponent(JSON.stringify(value));
    const trpc = surface === 'trpc';
    switch (workload) {
      case 'list':
        return {
          ...request,
          method: 'GET',
          headers,
          path: trpc
            ? `/trpc/tasks.list?input=${input({ user_id: user, limit: 50 })}`
            : `/api/${user}/tasks?limit=50`,
        };
      case 'get':
        return {
          ...request,
          method: 'GET',
          headers,
          path: trpc
            ? `/trpc/tasks.get?input=${input({ user_id: user, id })}`
            : `/api/${user}/tasks/${id}`,
        };
      case 'create':
        return {
          ...request,
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          path: trpc ? '/trpc/tasks.create' : `/api/${user}/tasks`,
          body: JSON.stringify(
            trpc ? { user_id: user, title: 'Benchmark task' } : { title: 'Benchmark task' },
          ),
        };
      case 'toggle':
        return trpc
          ? {
              ...request,
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/json' },
              path: '/trpc/tasks.complete',
              body: JSON.stringify({ user_id: user, id }),
            }
          : {
              // The adapter alone (a stack-alone row) needs a JSON body on a PATCH; `{}` toggles.
              ...request,
              method: 'PATCH',
              headers: { ...headers, 'content-type': 'application/json' },
              path: `/api/${user}/tasks/${id}/complete`,
              body: '{}',
            };
    }
  };
}

function runLoad(
  url: string,
  seconds: number,
  connections: number,
  setupRequest: (r: autocannon.Request) => autocannon.Request,
): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections, duration: seconds, requests: [{ setupRequest }] },
      (error, result) => {
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve(result);
      },
    );
  });
}

async function measure(
  target: Running,
  workload: Workload,
  surface: Surface,
  ids: Map<string, number[]>,
): Promise<Measurement> {
  await runLoad(target.url, WARMUP_S, CONNECTIONS, requestFor(workload, surface, ids));
  const before = await statementsSent(target);
  const cpuBefore = await cpuSeconds(target.child);
  const result = await runLoad(
    target.url,
    WINDOW_S,
    CONNECTIONS,
    requestFor(workload, surface, ids),
  );
  const cpuAfter = await cpuSeconds(target.child);
  const after = await statementsSent(target);
  const errors = result.non2xx + result.errors + result.timeouts;
  const total = result.requests.total;
  return {
    workload,
    surface,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors,
    requests: total,
    statementsPerRequest: total === 0 ? 0 : (after - before) / total,
    cpuPerRequestUs: total === 0 ? 0 : Math.round(((cpuAfter - cpuBefore) * 1e6) / total),
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
};

/** One row from its repetitions: the median of each figure, errors summed. */
function medianOf(reps: Measurement[]): Measurement {
  const first = reps[0];
  if (!first) throw new Error('no measurement');
  return {
    ...first,
    rps: median(reps.map((r) => r.rps)),
    p50: median(reps.map((r) => r.p50)),
    p99: median(reps.map((r) => r.p99)),
    errors: reps.reduce((sum, r) => sum + r.errors, 0),
    requests: reps.reduce((sum, r) => sum + r.requests, 0),
    statementsPerRequest: median(reps.map((r) => r.statementsPerRequest)),
    cpuPerRequestUs: median(reps.map((r) => r.cpuPerRequestUs)),
  };
}

/**
 * Median latency of one request at a time (no queueing), timed with performance.now(): the
 * scale run compares database work at 0.1 ms resolution, which autocannon's whole ms cannot.
 */
async function p50Of(url: string, path: string, token: string): Promise<number> {
  const times: number[] = [];
  const rounds = SMOKE ? 50 : 400;
  for (let i = 0; i < rounds + 50; i++) {
    const started = performance.now();
    const response = await fetch(`${url}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`scale run: ${path} answered ${response.status}`);
    if (i >= 50) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round((times[Math.floor(times.length / 2)] ?? 0) * 100) / 100;
}

// ---- report -------------------------------------------------------------------------------------

const rowOf = (rows: Measurement[], workload: Workload, surface: Surface) =>
  rows.find((r) => r.workload === workload && r.surface === surface);

function table(rows: Measurement[], rss: { server: number; floor: number }): string {
  const lines = [
    '| workload | surface | req/s | p50 ms | p99 ms | errors | ratio to floor | p99 / floor p99 | SQL statements / request | server CPU µs / request |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const floor = rowOf(rows, row.workload, 'floor');
    const ratio = floor ? (row.rps / floor.rps).toFixed(2) : '-';
    const p99 = floor && floor.p99 > 0 ? (row.p99 / floor.p99).toFixed(2) : '-';
    lines.push(
      `| ${row.workload} | ${row.surface} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.errors} | ${row.surface === 'floor' ? '1.00' : ratio} | ${row.surface === 'floor' ? '1.00' : p99} | ${row.statementsPerRequest.toFixed(2)} | ${row.cpuPerRequestUs} |`,
    );
  }
  lines.push('', `Peak RSS under load: server ${rss.server} MB, floor ${rss.floor} MB.`);
  return lines.join('\n');
}

function verdicts(rows: Measurement[], rssMb: number): string[] {
  const out: string[] = [];
  // The floor ratio is in the table for information: the targets are against the stack alone.
  for (const row of rows.filter((r) => r.surface !== 'floor')) {
    out.push(
      `${Math.abs(row.statementsPerRequest - 1) < 0.05 ? 'PASS' : 'MISS'} ${row.workload}/${row.surface}: ${row.statementsPerRequest.toFixed(2)} SQL statements per request (target 1)`,
    );
  }
  out.push(`${rssMb <= 200 ? 'PASS' : 'MISS'} server peak RSS ${rssMb} MB (target <= 200)`);
  return out;
}

// ---- main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  log(
    `bench: ${SMOKE ? 'SMOKE ' : ''}node ${process.version}, ${cpus().length} cores, ${CONNECTIONS} connections, ${WARMUP_S}s warm-up + ${WINDOW_S}s window`,
  );
  const url = await resetDataset(ADMIN_URL, DB_NAME, SIZE);
  const ids = await taskIdsOf(url, TOKEN_USERS);
  log(
    `bench: dataset loaded (${SIZE.users} users × ${SIZE.tasksPerUser} + ${SIZE.bigUserTasks}) in ${Date.now() - started} ms`,
  );

  const serverEnv = {
    NODE_ENV: 'production',
    DATABASE_URL: url,
    BETTER_AUTH_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
  };
  const server = await startProcess(
    'server',
    [
      ...SERVER_NODE_FLAGS,
      ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : []),
      INSTRUMENTED_SERVER,
    ],
    serverEnv,
    8201,
  );
  const floor = await startProcess('floor', ['--import', 'tsx', 'floor.ts'], serverEnv, 8202);

  const rows: Measurement[] = [];
  const workloads = (['list', 'get', 'create', 'toggle'] as const).filter(
    (w) => !ONLY || ONLY.includes(w),
  );
  const surfaces = (['floor', 'rest', 'trpc'] as const).filter(
    (s) => !SURFACES || SURFACES.includes(s),
  );
  const withCeilings = !ONLY || ONLY.includes('ceilings');
  // The adapters alone run beside the server, measured in turn with it.
  const adapters: { variant: Ceiling; running: Running }[] = [];
  const ceilings: CeilingRow[] = [];
  try {
    if (withCeilings) {
      for (const variant of ['openapi-adapter', 'trpc-adapter'] as const) {
        adapters.push({ variant, running: await startCeiling(serverEnv, variant) });
      }
    }
    for (const workload of workloads) {
      const reps = new Map<string, Measurement[]>();
      const record = (label: string, row: Measurement) => {
        reps.set(label, [...(reps.get(label) ?? []), row]);
        log(
          `bench: ${workload.padEnd(6)} ${label.padEnd(15)} ${String(row.rps).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  errors ${row.errors}  SQL/req ${row.statementsPerRequest.toFixed(2)}  CPU ${row.cpuPerRequestUs} µs/req`,
        );
      };
      for (let rep = 0; rep < REPS; rep++) {
        for (const surface of surfaces) {
          record(
            surface,
            await measure(surface === 'floor' ? floor : server, workload, surface, ids),
          );
        }
        for (const { variant, running } of adapters) {
          const surface = variant === 'trpc-adapter' ? 'trpc' : 'rest';
          record(variant, await measure(running, workload, surface, ids));
        }
      }
      for (const surface of surfaces) rows.push(medianOf(reps.get(surface) ?? []));
      for (const { variant } of adapters) {
        ceilings.push({ variant, row: medianOf(reps.get(variant) ?? []) });
      }
    }
    const rss = { server: await peakRssMb(server.child), floor: await peakRssMb(floor.child) };
    for (const { running } of adapters) await stopProcess(running);
    if (withCeilings && workloads.includes('get')) {
      ceilings.push(...(await measureLayers(serverEnv, ids)));
    }

    let scale = '';
    const scaleChecks: string[] = [];
    if (!SMOKE && !PARTIAL) {
      const scaleP50: Record<string, number[]> = {
        'first page': [],
        'deep page': [],
        tag: [],
        due: [],
      };
      const lines = [
        `| rows in table | first page p50 ms | deep page (after the 9,000th) p50 ms | tag=${SCALE_TAG} first page p50 ms | sort=due first page p50 ms |`,
        '| ---: | ---: | ---: | ---: | ---: |',
      ];
      const bigToken = jwt.sign(
        { sub: BIG_USER, exp: Math.floor(Date.now() / 1000) + 3600 },
        SECRET,
        { algorithm: 'HS256' },
      );
      for (const total of [100_000, 1_000_000]) {
        await loadScaleTable(url, total, SIZE.bigUserTasks);
        const own = postgres(url, { max: 1, onnotice: () => undefined });
        const [deep] = await own<
          { id: number }[]
        >`select id from tasks where user_id = ${BIG_USER} order by created_at desc, id desc offset 9000 limit 1`;
        await own.end();
        const first = await p50Of(server.url, `/api/${BIG_USER}/tasks?limit=50`, bigToken);
        const deepPage = await p50Of(
          server.url,
          `/api/${BIG_USER}/tasks?limit=50&after=${String(deep?.id)}`,
          bigToken,
        );
        const byTag = await p50Of(
          server.url,
          `/api/${BIG_USER}/tasks?limit=50&tag=${SCALE_TAG}`,
          bigToken,
        );
        const byDue = await p50Of(server.url, `/api/${BIG_USER}/tasks?limit=50&sort=due`, bigToken);
        lines.push(
          `| ${total.toLocaleString('en')} | ${first} | ${deepPage} | ${byTag} | ${byDue} |`,
        );
        scaleP50['first page']?.push(first);
        scaleP50['deep page']?.push(deepPage);
        scaleP50.tag?.push(byTag);
        scaleP50.due?.push(byDue);
        log(
          `bench: scale ${total} rows: first page p50 ${first} ms, deep page ${deepPage} ms, tag= ${byTag} ms, sort=due ${byDue} ms`,
        );
      }
      scale = lines.join('\n');
      for (const label of ['first page', 'deep page']) {
        const [small = 0, large = Infinity] = scaleP50[label] ?? [];
        scaleChecks.push(
          `${large <= small * 1.25 ? 'PASS' : 'MISS'} scale ${label}: p50 ${large} ms at 1,000,000 rows vs ${small} ms at 100,000 (target within 25%)`,
        );
      }
      const defaultList = scaleP50['first page']?.[1] ?? 0;
      for (const [label, query] of [
        ['tag', `tag=${SCALE_TAG}`],
        ['due', 'sort=due'],
      ] as const) {
        const p50 = scaleP50[label]?.[1] ?? Infinity;
        scaleChecks.push(
          `${p50 <= defaultList * 1.25 ? 'PASS' : 'MISS'} scale ${query}: p50 ${p50} ms vs the default list's ${defaultList} ms at 1,000,000 rows (target within 25%)`,
        );
      }
    }

    await stopProcess(server);
    await stopProcess(floor);

    let embedded = '';
    if (!SMOKE && !PARTIAL) embedded = await measureEmbedded();

    const report = table(rows, rss);
    const stack = ceilings.length > 0 ? ceilingTable(rows, ceilings) : '';
    if (stack) log(`\n${stack}`);
    const checks = [
      ...stackVerdicts(rows, ceilings),
      ...verdicts(rows, rss.server),
      ...scaleChecks,
    ];
    log(`\n${report}\n\n${checks.join('\n')}\n`);
    const scaleNote = scale
      ? 'p50 of 400 sequential requests through the REST API (one at a time, after 50 warm-up requests), the database vacuumed and analysed after each load.'
      : '';
    const markdown = [
      '# Benchmark results',
      '',
      `Last run: ${new Date().toISOString()} on ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), Node ${process.version}, PostgreSQL on 127.0.0.1.`,
      `Command: \`pnpm bench\` (${CONNECTIONS} connections, ${WARMUP_S} s warm-up, ${WINDOW_S} s timed window per row, tokens for ${TOKEN_USERS.length} users, ${SIZE.users} users × ${SIZE.tasksPerUser} tasks + one user with ${SIZE.bigUserTasks}).`,
      'The floor is `bench/floor.ts`: raw node:http + postgres.js, the same SQL and the same HS256 check. SQL statements per request: the statements each process sent during the timed window (the server runs as `bench/instrumented-server.ts`: the production build of `startServer` with an `onQuery` counter, printed on SIGUSR2; the floor and the ceilings count their own), divided by the requests answered.',
      '',
      report,
      '',
      checks.map((c) => `- ${c}`).join('\n'),
      ...(stack
        ? [
            '',
            '## Where the time goes: the stack alone, one layer at a time, against the server',
            '',
            CEILING_NOTE,
            '',
            stack,
          ]
        : []),
      ...(scale
        ? ['', '## Scale: the big user (10,000 tasks) as the table grows', '', scaleNote, '', scale]
        : []),
      ...(embedded ? ['', '## Embedded database (PGlite), for information', '', embedded] : []),
      '',
    ].join('\n');
    if (!SMOKE && !PARTIAL) await writeFile(join(root, 'bench/RESULTS.md'), markdown);
    log(
      `bench: done in ${Math.round((Date.now() - started) / 1000)} s${SMOKE || PARTIAL ? ' (smoke or partial run: RESULTS.md not written)' : ', bench/RESULTS.md written'}`,
    );
    const failed = [
      ...rows.map((r) => ({ label: `${r.workload}/${r.surface}`, errors: r.errors })),
      ...ceilings.map((c) => ({ label: `${c.row.workload}/${c.variant}`, errors: c.row.errors })),
    ].filter((r) => r.errors > 0);
    if (failed.length > 0) {
      throw new Error(
        `non-2xx answers or errors during a timed window: ${failed.map((r) => `${r.label}: ${r.errors}`).join(', ')}`,
      );
    }
  } finally {
    await stopProcess(server);
    await stopProcess(floor);
    for (const { running } of adapters) await stopProcess(running);
  }
}

const CEILINGS = ['caller', 'express', 'openapi-adapter', 'trpc-adapter'] as const;
type Ceiling = (typeof CEILINGS)[number];
/** The stack-alone rows each surface is held to: its own adapter, with nothing of ours on it. */
const STACK_OF = { rest: 'openapi-adapter', trpc: 'trpc-adapter' } as const;
/** Targets: CPU per request at most 1.3x the stack alone, p99 at most 2x its p99. */
const CPU_TARGET = 1.3;
const P99_TARGET = 2;
const CEILING_NOTE =
  "`bench/ceilings.ts` serves the API's real procedures (zod schemas, owner middleware, drizzle store, the server's token verifier and its cache) behind one layer of the stack at a time and nothing else: no logging, headers, CORS, rate limit, routing checks, body rules or error bodies of ours. `caller` and `express` serve get-one only; the two adapters serve every workload with the options the server gives them. Throughput follows CPU per request: each process saturates one core. Targets: the server's CPU per request at most 1.3x its adapter alone, p99 at most 2x.";

interface CeilingRow {
  variant: Ceiling;
  row: Measurement;
}

function startCeiling(env: Record<string, string>, variant: Ceiling): Promise<Running> {
  return startProcess(
    `ceiling ${variant}`,
    [...SERVER_NODE_FLAGS, '--import', 'tsx', 'ceilings.ts'],
    { ...env, CEILING: variant },
    8210 + CEILINGS.indexOf(variant),
  );
}

/** The layers below the adapters (get-one only, for information), one process at a time. */
async function measureLayers(
  env: Record<string, string>,
  ids: Map<string, number[]>,
): Promise<CeilingRow[]> {
  const out: CeilingRow[] = [];
  for (const variant of ['caller', 'express'] as const) {
    const running = await startCeiling(env, variant);
    try {
      const reps: Measurement[] = [];
      for (let rep = 0; rep < REPS; rep++) reps.push(await measure(running, 'get', 'rest', ids));
      const row = medianOf(reps);
      out.push({ variant, row });
      log(
        `bench: ceiling ${variant.padEnd(15)} get    ${String(row.rps).padStart(6)} req/s  p99 ${row.p99} ms  errors ${row.errors}  CPU ${row.cpuPerRequestUs} µs/req`,
      );
    } finally {
      await stopProcess(running);
    }
  }
  return out;
}

const ceilingOf = (ceilings: CeilingRow[], variant: Ceiling, workload: Workload) =>
  ceilings.find((c) => c.variant === variant && c.row.workload === workload)?.row;

function ceilingTable(rows: Measurement[], ceilings: CeilingRow[]) {
  const described: Record<Ceiling, string> = {
    caller: 'raw node:http + the procedure (tRPC server-side caller)',
    express: 'bare Express 5 + the procedure',
    'openapi-adapter': 'trpc-to-openapi node handler alone (serves /api)',
    'trpc-adapter': "tRPC's node:http adapter alone (serves /trpc)",
  };
  const lines = [
    '| workload | stack | req/s | p99 ms | server CPU µs / request | CPU / stack alone | p99 / stack alone |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const workloads = [...new Set(ceilings.map((c) => c.row.workload))];
  for (const workload of workloads) {
    const push = (label: string, row: Measurement | undefined, stack?: Measurement) => {
      if (!row) return;
      const cpu = stack ? (row.cpuPerRequestUs / stack.cpuPerRequestUs).toFixed(2) : '';
      const p99 = stack ? (row.p99 / Math.max(stack.p99, 1)).toFixed(2) : '';
      lines.push(
        `| ${workload} | ${label} | ${row.rps} | ${row.p99} | ${row.cpuPerRequestUs} | ${cpu} | ${p99} |`,
      );
    };
    push('floor (bench/floor.ts)', rowOf(rows, workload, 'floor'));
    for (const variant of CEILINGS)
      push(described[variant], ceilingOf(ceilings, variant, workload));
    push(
      'the server, REST',
      rowOf(rows, workload, 'rest'),
      ceilingOf(ceilings, STACK_OF.rest, workload),
    );
    push(
      'the server, tRPC',
      rowOf(rows, workload, 'trpc'),
      ceilingOf(ceilings, STACK_OF.trpc, workload),
    );
  }
  return lines.join('\n');
}

/** The targets of the request path: each surface against its own adapter alone, per workload. */
function stackVerdicts(rows: Measurement[], ceilings: CeilingRow[]): string[] {
  const out: string[] = [];
  for (const row of rows.filter((r) => r.surface !== 'floor')) {
    const surface = row.surface === 'trpc' ? 'trpc' : 'rest';
    const stack = ceilingOf(ceilings, STACK_OF[surface], row.workload);
    if (!stack) continue;
    const cpu = row.cpuPerRequestUs / stack.cpuPerRequestUs;
    const p99 = row.p99 / Math.max(stack.p99, 1);
    out.push(
      `${cpu <= CPU_TARGET && p99 <= P99_TARGET ? 'PASS' : 'MISS'} ${row.workload}/${row.surface}: CPU ${cpu.toFixed(2)}x its adapter alone (target <= ${CPU_TARGET}), p99 ${p99.toFixed(2)}x (target <= ${P99_TARGET})`,
    );
  }
  return out;
}

/** The same server on PGlite (list and get only), for information. */
async function measureEmbedded(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'todo-bench-pglite-'));
  try {
    const database = await createDatabase({ dataDir: dir });
    await database.migrate();
    await database.db.execute(drizzleSql`
      insert into tasks (user_id, title, created_at, updated_at)
      select 'u' || u, 'Task ' || t, timestamptz '2026-01-01' + (u * 50 + t) * interval '1 second', timestamptz '2026-01-01' + (u * 50 + t) * interval '1 second'
      from generate_series(0, 199) u, generate_series(0, 49) t order by u, t`);
    const rows = await database.db.execute(
      drizzleSql`select user_id, array_agg(id order by id) as ids from tasks group by user_id`,
    );
    const list: unknown[] = Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows;
    const ids = new Map(
      (list as { user_id: string; ids: number[] }[]).map((r) => [r.user_id, r.ids]),
    );
    await database.close();
    const server = await startProcess(
      'server (PGlite)',
      [...SERVER_NODE_FLAGS, SERVER_MAIN],
      {
        NODE_ENV: 'production',
        PGLITE_DIR: dir,
        BETTER_AUTH_SECRET: SECRET,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_MINUTE: '1000000',
      },
      8203,
    );
    const lines = [
      '| workload | req/s | p50 ms | p99 ms | errors |',
      '| --- | ---: | ---: | ---: | ---: |',
    ];
    try {
      for (const workload of ['list', 'get'] as const) {
        await runLoad(server.url, 2, CONNECTIONS, requestFor(workload, 'rest', ids));
        const result = await runLoad(server.url, 5, CONNECTIONS, requestFor(workload, 'rest', ids));
        lines.push(
          `| ${workload} (REST) | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx + result.errors} |`,
        );
      }
    } finally {
      await stopProcess(server);
    }
    return `${lines.join('\n')}\n\nPGlite is one connection in the server's own process: fine for development and small deployments, not a load target.`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
