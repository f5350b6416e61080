/**
 * `pnpm bench`: the API (production build, REST and tRPC) against a raw floor in the same run,
 * on a real PostgreSQL, with autocannon driving load from this process; the stack alone layer
 * by layer; the same server on other Node lines; live streams under writes; scale; PGlite.
 * Prints the tables and writes bench/RESULTS.md and the README's figures block.
 * BENCH_SMOKE=1: every section in a few seconds on tiny data (CI keeps it from rotting).
 * Fails on any non-2xx answer or error during a timed window.
 */
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { lockBenchRun, resetDataset, taskIdsOf, type DatasetSize } from './dataset.js';
import { measureEmbedded } from './embedded.js';
import { measure, medianOf, type LoadShape, type Measurement } from './measure.js';
import { nodeOfLine } from './node-lines.js';
import {
  BENCH_DIR,
  peakRssMb,
  ROOT_DIR,
  SERVER_NODE_FLAGS,
  startProcess,
  stopProcess,
  type Running,
} from './processes.js';
import { writeReadmeFigures } from './readme.js';
import {
  CEILING_NOTE,
  CEILINGS,
  ceilingTable,
  mainTable,
  mainVerdicts,
  NODE_LINES_NOTE,
  nodeLineTable,
  stackVerdicts,
  streamsNote,
  streamsTable,
  streamsVerdicts,
  variantVerdicts,
  type Ceiling,
  type CeilingRow,
  type NodeLineRow,
} from './report.js';
import { measureScale, SCALE_NOTE } from './scale.js';
import { measureStreams, type StreamsResult, type StreamsShape } from './streams.js';
import {
  MAIN_WORKLOADS,
  SECRET,
  TOKEN_USERS,
  WORKLOADS,
  type BenchData,
  type Surface,
  type Workload,
} from './workloads.js';

const SMOKE = process.env.BENCH_SMOKE === '1';
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'todo_bench';
const LOAD: LoadShape = SMOKE
  ? { connections: 10, warmupSeconds: 1, windowSeconds: 2 }
  : { connections: 50, warmupSeconds: 3, windowSeconds: 6 };
/** The warm-up before each later repetition: the process is warm, its pool only refills. */
const REWARM_SECONDS = 1;
const loadOf = (rep: number): LoadShape =>
  rep === 0 ? LOAD : { ...LOAD, warmupSeconds: Math.min(REWARM_SECONDS, LOAD.warmupSeconds) };
const SIZE: DatasetSize = SMOKE
  ? { users: 200, tasksPerUser: 50, bigUserTasks: 1_000 }
  : { users: 2_000, tasksPerUser: 50, bigUserTasks: 10_000 };
const STREAMS: StreamsShape = SMOKE
  ? { users: 20, streamsPerUser: 5, writesPerSecond: 50, windowSeconds: 3 }
  : { users: 200, streamsPerUser: 5, writesPerSecond: 200, windowSeconds: 30 };
/**
 * Workloads measured in the same rounds of repetitions: a variant beside its plain form, so that
 * each of its windows has a plain one next to it in time (their ratio is taken pair by pair).
 */
const ROUNDS: readonly (readonly Workload[])[] = [
  ['list'],
  ['get'],
  ['create', 'create-key'],
  ['toggle'],
  ['patch', 'patch-if-match'],
];
/** The server on these Node lines too, for information (the main rows run on this process's). */
const NODE_LINES = [24, 26];
const NODE_LINE_WORKLOADS: readonly Workload[] = SMOKE ? ['get'] : MAIN_WORKLOADS;
/**
 * BENCH_ONLY=get,list,ceilings,streams,node-lines,scale / BENCH_SURFACES=floor,rest: a partial
 * run (no RESULTS.md; the scale run only when named).
 */
const ONLY = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const SURFACES = process.env.BENCH_SURFACES?.split(',').filter(Boolean);
const PARTIAL = ONLY !== undefined || SURFACES !== undefined;
const selected = (name: string) => !ONLY || ONLY.includes(name);
/**
 * Each row is measured REPS times, its targets interleaved (floor, server, adapters alone, then
 * again), and the median of each figure is reported: on a shared 2-core machine one window's CPU
 * per request moves by ±20% (the load generator and PostgreSQL share the cores), and
 * interleaving keeps a slow spell from landing on one row only. Five short windows give a
 * steadier median than three long ones in the same time.
 */
const REPS = Number(process.env.BENCH_REPS ?? (SMOKE ? 1 : 5));
/**
 * BENCH_CPU_PROF=dir: the server writes a V8 CPU profile there when it stops, and each adapter
 * alone in dir/<variant>.
 */
const CPU_PROF = process.env.BENCH_CPU_PROF;
const INSTRUMENTED_SERVER = join(BENCH_DIR, 'dist/instrumented-server.js');

const log = (line: string) => process.stdout.write(`${line}\n`);

function startServer(env: Record<string, string>, port: number, node?: string) {
  return startProcess({
    name: `server${node ? ` (${node})` : ''}`,
    args: [
      ...SERVER_NODE_FLAGS,
      ...(CPU_PROF && !node ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : []),
      INSTRUMENTED_SERVER,
    ],
    env,
    port,
    node,
  });
}

function startCeiling(env: Record<string, string>, variant: Ceiling): Promise<Running> {
  return startProcess({
    name: `ceiling ${variant}`,
    args: [
      ...SERVER_NODE_FLAGS,
      ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}/${variant}`] : []),
      '--import',
      'tsx',
      'ceilings.ts',
    ],
    env: { ...env, CEILING: variant },
    port: 8210 + CEILINGS.indexOf(variant),
  });
}

const line = (workload: string, label: string, row: Measurement) =>
  log(
    `bench: ${workload.padEnd(14)} ${label.padEnd(15)} ${String(row.rps).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  errors ${row.errors}  SQL/req ${row.statementsPerRequest.toFixed(2)}  CPU ${row.cpuPerRequestUs} µs/req`,
  );

/** The layers below the adapters (get-one only, for information), one process at a time. */
async function measureLayers(env: Record<string, string>, data: BenchData) {
  const out: CeilingRow[] = [];
  for (const variant of ['caller', 'express'] as const) {
    const running = await startCeiling(env, variant);
    try {
      const reps: Measurement[] = [];
      for (let rep = 0; rep < REPS; rep++)
        reps.push(await measure(running, 'get', 'rest', data, loadOf(rep)));
      const row = medianOf(reps);
      out.push({ variant, row });
      line('get', `ceiling ${variant}`, row);
    } finally {
      await stopProcess(running);
    }
  }
  return out;
}

/** The other Node lines' servers; a line whose binary cannot be had is reported, not fatal. */
async function startNodeLines(env: Record<string, string>) {
  const started: { line: number; version: string; running: Running }[] = [];
  const missing: string[] = [];
  for (const [i, nodeLine] of NODE_LINES.entries()) {
    try {
      const { node, version } = await nodeOfLine(nodeLine);
      started.push({ line: nodeLine, version, running: await startServer(env, 8204 + i, node) });
    } catch (error) {
      missing.push(`Node ${nodeLine}: ${error instanceof Error ? error.message : String(error)}`);
      log(`bench: Node ${nodeLine} not measured: ${missing.at(-1) ?? ''}`);
    }
  }
  return { started, missing };
}

async function main(): Promise<void> {
  const started = Date.now();
  log(
    `bench: ${SMOKE ? 'SMOKE ' : ''}node ${process.version}, ${cpus().length} cores, ${LOAD.connections} connections, ${LOAD.warmupSeconds}s warm-up + ${LOAD.windowSeconds}s window`,
  );
  const url = await resetDataset(ADMIN_URL, DB_NAME, SIZE);
  const data: BenchData = { url, ids: await taskIdsOf(url, TOKEN_USERS) };
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
  const server = await startServer(serverEnv, 8201);
  const floor = await startProcess({
    name: 'floor',
    args: ['--import', 'tsx', 'floor.ts'],
    env: serverEnv,
    port: 8202,
  });

  const rows: Measurement[] = [];
  const workloads = WORKLOADS.filter(selected);
  const surfaces = (['floor', 'rest', 'trpc'] as const).filter(
    (s) => !SURFACES || SURFACES.includes(s),
  );
  const withCeilings = selected('ceilings');
  // The adapters alone and the other Node lines run beside the server, measured in turn with it.
  const adapters: { variant: Ceiling; running: Running }[] = [];
  const ceilings: CeilingRow[] = [];
  const nodeLines = selected('node-lines')
    ? await startNodeLines(serverEnv)
    : { started: [], missing: [] };
  const nodeLineRows: NodeLineRow[] = [];
  let streams: StreamsResult | undefined;
  try {
    if (withCeilings) {
      for (const variant of ['openapi-adapter', 'trpc-adapter'] as const) {
        adapters.push({ variant, running: await startCeiling(serverEnv, variant) });
      }
    }
    for (const round of ROUNDS.map((r) => r.filter((w) => workloads.includes(w)))) {
      const reps = new Map<string, Measurement[]>();
      const record = (workload: Workload, label: string, row: Measurement) => {
        const key = `${workload}|${label}`;
        reps.set(key, [...(reps.get(key) ?? []), row]);
        line(workload, label, row);
      };
      const medianFor = (workload: Workload, label: string) =>
        medianOf(reps.get(`${workload}|${label}`) ?? []);
      for (let rep = 0; rep < REPS; rep++) {
        for (const workload of round) {
          for (const surface of surfaces) {
            const target = surface === 'floor' ? floor : server;
            const row = await measure(target, workload, surface, data, loadOf(rep));
            record(workload, surface, row);
          }
          for (const { variant, running } of adapters) {
            const surface = variant === 'trpc-adapter' ? 'trpc' : 'rest';
            const row = await measure(running, workload, surface, data, loadOf(rep));
            record(workload, variant, row);
          }
          if (rep > 0 || !NODE_LINE_WORKLOADS.includes(workload)) continue;
          for (const { line: nodeLine, version, running } of nodeLines.started) {
            for (const surface of surfaces.filter(
              (s): s is Exclude<Surface, 'floor'> => s !== 'floor',
            )) {
              const row = await measure(running, workload, surface, data, LOAD);
              nodeLineRows.push({ line: nodeLine, version, row });
              line(workload, `${surface} ${version}`, row);
            }
          }
        }
      }
      for (const workload of round) {
        for (const surface of surfaces) rows.push(medianFor(workload, surface));
        for (const { variant } of adapters) {
          ceilings.push({ variant, row: medianFor(workload, variant) });
        }
      }
    }
    const rss = { server: await peakRssMb(server.child), floor: await peakRssMb(floor.child) };
    for (const { running } of adapters) await stopProcess(running);
    for (const { running } of nodeLines.started) await stopProcess(running);
    if (withCeilings && workloads.includes('get')) {
      ceilings.push(...(await measureLayers(serverEnv, data)));
    }

    const scale =
      !SMOKE && (ONLY ? ONLY.includes('scale') : !PARTIAL)
        ? await measureScale(server.url, url, SIZE.bigUserTasks, log)
        : undefined;

    await stopProcess(server);
    await stopProcess(floor);

    if (selected('streams')) {
      // A fresh process: its peak RSS is the streams' own.
      const streamServer = await startServer(serverEnv, 8206);
      try {
        streams = await measureStreams(streamServer, STREAMS);
      } finally {
        await stopProcess(streamServer);
      }
      log(
        `bench: streams ${streams.streams} open, ${streams.writes} creates: p50 ${streams.fromSend.p50} ms p99 ${streams.fromSend.p99} ms from send, ${streams.lost} of ${streams.expected} lost, server peak RSS ${streams.serverPeakRssMb} MB, bench loop delay p99 ${streams.bench.loopDelayP99Ms} ms, bench CPU ${streams.bench.cpuPercent}%`,
      );
    }

    const embedded = !SMOKE && !PARTIAL ? await measureEmbedded(LOAD.connections) : '';

    const report = mainTable(rows, rss);
    const stack = ceilings.length > 0 ? ceilingTable(rows, ceilings) : '';
    const lines = nodeLineRows.length > 0 ? nodeLineTable(rows, nodeLineRows, process.version) : '';
    const streamChecks = streams ? streamsVerdicts(streams) : [];
    const checks = [
      ...stackVerdicts(rows, ceilings),
      ...variantVerdicts(rows),
      ...mainVerdicts(rows, rss.server),
      ...streamChecks,
      ...(scale?.checks ?? []),
    ];
    if (stack) log(`\n${stack}`);
    if (lines) log(`\n${lines}`);
    if (streams) log(`\n${streamsTable(streams)}`);
    log(`\n${report}\n\n${checks.join('\n')}\n`);
    const lastRun = `Last run: ${new Date().toISOString()} on ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), Node ${process.version}, PostgreSQL on 127.0.0.1.`;
    const markdown = [
      '# Benchmark results',
      '',
      lastRun,
      `Command: \`pnpm bench\` (${LOAD.connections} connections, ${LOAD.warmupSeconds} s warm-up (${REWARM_SECONDS} s before later repetitions), ${LOAD.windowSeconds} s timed window per row, median of ${REPS} interleaved repetitions, tokens for ${TOKEN_USERS.length} users, ${SIZE.users} users × ${SIZE.tasksPerUser} tasks + one user with ${SIZE.bigUserTasks}).`,
      'The floor is `bench/floor.ts`: raw node:http + postgres.js, the same SQL (`bench/floor-sql.ts`, checked against the db layer by `bench/test/floor-sql.test.ts`) and the same HS256 check. SQL statements per request: the statements each process sent during the timed window (the server runs as `bench/instrumented-server.ts`: the production build of `startServer` with an `onQuery` counter, printed on SIGUSR2; the floor and the ceilings count their own), divided by the requests answered. `create-key` sends a fresh `Idempotency-Key` (tRPC: `idempotency_key`) per request; `patch` renames a task; `patch-if-match` does the same with `If-Match: "<version>"` (tRPC: `if_version`), the version the task has, so every write succeeds.',
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
      ...(streams
        ? [
            '',
            '## Live streams under writes',
            '',
            streamsNote(streams),
            '',
            streamsTable(streams),
            '',
            streamChecks.map((c) => `- ${c}`).join('\n'),
          ]
        : []),
      ...(lines || nodeLines.missing.length > 0
        ? [
            '',
            '## Other Node lines, for information',
            '',
            NODE_LINES_NOTE,
            '',
            lines,
            ...nodeLines.missing.map((m) => `\nNot measured: ${m}`),
          ]
        : []),
      ...(scale
        ? [
            '',
            '## Scale: the big user (10,000 tasks) as the table grows',
            '',
            SCALE_NOTE,
            '',
            scale.table,
          ]
        : []),
      ...(embedded ? ['', '## Embedded database (PGlite), for information', '', embedded] : []),
      '',
    ].join('\n');
    if (!SMOKE && !PARTIAL) {
      await writeFile(join(ROOT_DIR, 'bench/RESULTS.md'), markdown);
      await writeReadmeFigures([
        `${lastRun} Tables and method: [bench/RESULTS.md](bench/RESULTS.md).`,
        '',
        ...checks.map((c) => `- ${c}`),
      ]);
    }
    log(
      `bench: done in ${Math.round((Date.now() - started) / 1000)} s${SMOKE || PARTIAL ? ' (smoke or partial run: RESULTS.md and README not written)' : ', bench/RESULTS.md and the README figures written'}`,
    );
    const failed = [
      ...rows.map((r) => ({ label: `${r.workload}/${r.surface}`, errors: r.errors })),
      ...ceilings.map((c) => ({ label: `${c.row.workload}/${c.variant}`, errors: c.row.errors })),
      ...nodeLineRows.map((n) => ({
        label: `${n.row.workload}/${n.row.surface} on ${n.version}`,
        errors: n.row.errors,
      })),
      ...(streams
        ? [
            { label: 'streams: creates', errors: streams.writeErrors },
            { label: 'streams: stream errors', errors: streams.streamErrors },
          ]
        : []),
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
    for (const { running } of nodeLines.started) await stopProcess(running);
  }
}

async function lockedMain(): Promise<void> {
  const release = await lockBenchRun(ADMIN_URL);
  try {
    await main();
  } finally {
    await release();
  }
}

lockedMain().catch((error: unknown) => {
  process.stderr.write(`bench FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
