/** The run's tables and PASS/MISS lines, as printed and as written to RESULTS.md. */
import { cpuRatio, type Measurement } from './measure.js';
import type { StreamsResult } from './streams.js';
import type { Surface, Workload } from './workloads.js';

export const CEILINGS = ['caller', 'express', 'openapi-adapter', 'trpc-adapter'] as const;
export type Ceiling = (typeof CEILINGS)[number];
/** The stack-alone rows each surface is held to: its own adapter, with nothing of ours on it. */
const STACK_OF = { rest: 'openapi-adapter', trpc: 'trpc-adapter' } as const;

export interface CeilingRow {
  variant: Ceiling;
  row: Measurement;
}

/** The server on another Node line (for information). */
export interface NodeLineRow {
  line: number;
  version: string;
  row: Measurement;
}

/** Targets: CPU per request at most 1.3x the stack alone, p99 at most 2x its p99. */
const CPU_TARGET = 1.3;
const P99_TARGET = 2;
const RSS_TARGET_MB = 200;
/** Each variant against its plain form, CPU per request, same surface, same run. */
const VARIANT_TARGETS = [
  { workload: 'create-key', plain: 'create', target: 1.3, what: 'plain create' },
  { workload: 'patch-if-match', plain: 'patch', target: 1.1, what: 'plain PATCH' },
] as const;
const STREAM_LATENCY_TARGET_MS = 250;
const STREAM_RSS_TARGET_MB = 300;

const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

const rowOf = (rows: readonly Measurement[], workload: Workload, surface: Surface) =>
  rows.find((r) => r.workload === workload && r.surface === surface);

export function mainTable(rows: readonly Measurement[], rss: { server: number; floor: number }) {
  const lines = [
    '| workload | surface | req/s | p50 ms | p99 ms | errors | ratio to floor | p99 / floor p99 | SQL statements / request | server CPU µs / request |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const floor = rowOf(rows, row.workload, 'floor');
    const isFloor = row.surface === 'floor';
    const ratio = isFloor ? '1.00' : floor ? (row.rps / floor.rps).toFixed(2) : '-';
    const p99 = isFloor ? '1.00' : floor && floor.p99 > 0 ? (row.p99 / floor.p99).toFixed(2) : '-';
    lines.push(
      `| ${row.workload} | ${row.surface} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.errors} | ${ratio} | ${p99} | ${row.statementsPerRequest.toFixed(2)} | ${row.cpuPerRequestUs} |`,
    );
  }
  lines.push('', `Peak RSS under load: server ${rss.server} MB, floor ${rss.floor} MB.`);
  return lines.join('\n');
}

/** One SQL statement per request everywhere, and the server's peak RSS. */
export function mainVerdicts(rows: readonly Measurement[], rssMb: number): string[] {
  const out = rows
    .filter((r) => r.surface !== 'floor')
    .map(
      (row) =>
        `${verdict(Math.abs(row.statementsPerRequest - 1) < 0.05)} ${row.workload}/${row.surface}: ${row.statementsPerRequest.toFixed(2)} SQL statements per request (target 1)`,
    );
  out.push(
    `${verdict(rssMb <= RSS_TARGET_MB)} server peak RSS ${rssMb} MB (target <= ${RSS_TARGET_MB})`,
  );
  return out;
}

/** Create with a key against plain create, PATCH with If-Match against plain PATCH. */
export function variantVerdicts(rows: readonly Measurement[]): string[] {
  const out: string[] = [];
  for (const { workload, plain, target, what } of VARIANT_TARGETS) {
    for (const surface of ['rest', 'trpc'] as const) {
      const row = rowOf(rows, workload, surface);
      const base = rowOf(rows, plain, surface);
      if (!row || !base || base.cpuPerRequestUs === 0) continue;
      const ratio = cpuRatio(row, base);
      out.push(
        `${verdict(ratio <= target)} ${workload}/${surface}: CPU ${row.cpuPerRequestUs} µs per request, ${ratio.toFixed(2)}x ${what} (${base.cpuPerRequestUs} µs; target <= ${target})`,
      );
    }
  }
  return out;
}

export const CEILING_NOTE =
  "`bench/ceilings.ts` serves the API's real procedures (zod schemas, owner middleware, drizzle store, the server's token verifier and its cache, the server's change bus: each write's NOTIFY goes out and comes back on the LISTEN connection) behind one layer of the stack at a time and nothing else: no logging, headers, CORS, rate limit, routing checks, body rules or error bodies of ours (it reads If-Match and Idempotency-Key into the context, which the procedures need). `caller` and `express` serve get-one only; the two adapters serve every workload with the options the server gives them. Throughput follows CPU per request: each process saturates one core. Targets: the server's CPU per request at most 1.3x its adapter alone, p99 at most 2x. The CPU ratio is the median of the ratios of repetitions measured side by side (a slow spell of the shared machine lands on both windows of a pair); a variant (`create-key`, `patch-if-match`) is measured in the same rounds as its plain form and compared the same way.";

const ceilingOf = (ceilings: readonly CeilingRow[], variant: Ceiling, workload: Workload) =>
  ceilings.find((c) => c.variant === variant && c.row.workload === workload)?.row;

export function ceilingTable(rows: readonly Measurement[], ceilings: readonly CeilingRow[]) {
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
      const cpu = stack ? cpuRatio(row, stack).toFixed(2) : '';
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
export function stackVerdicts(
  rows: readonly Measurement[],
  ceilings: readonly CeilingRow[],
): string[] {
  const out: string[] = [];
  for (const row of rows.filter((r) => r.surface !== 'floor')) {
    const surface = row.surface === 'trpc' ? 'trpc' : 'rest';
    const stack = ceilingOf(ceilings, STACK_OF[surface], row.workload);
    if (!stack) continue;
    const cpu = cpuRatio(row, stack);
    const p99 = row.p99 / Math.max(stack.p99, 1);
    out.push(
      `${verdict(cpu <= CPU_TARGET && p99 <= P99_TARGET)} ${row.workload}/${row.surface}: CPU ${cpu.toFixed(2)}x its adapter alone (target <= ${CPU_TARGET}), p99 ${p99.toFixed(2)}x (target <= ${P99_TARGET})`,
    );
  }
  return out;
}

export const NODE_LINES_NOTE =
  'The same server (the production build, the same flags, `bench/instrumented-server.ts`) on other Node lines, binaries from `scripts/node-line.sh`; one repetition each, interleaved with the first repetition of the main table, whose Node rows they are compared with. For information: no target.';

/** Node 20 (the main rows) beside the other lines, per workload and surface. */
export function nodeLineTable(
  rows: readonly Measurement[],
  lines: readonly NodeLineRow[],
  mainVersion: string,
): string {
  const versions = [...new Map(lines.map((l) => [l.line, l.version]))];
  const out = [
    `| workload | surface | ${mainVersion} req/s | ${mainVersion} CPU µs / request | ${versions.map(([, v]) => `${v} req/s | ${v} CPU µs / request | ${v} CPU vs ${mainVersion}`).join(' | ')} |`,
    `| --- | --- | ---: | ---: | ${versions.map(() => '---: | ---: | ---:').join(' | ')} |`,
  ];
  const keys = [...new Set(lines.map((l) => `${l.row.workload}|${l.row.surface}`))];
  for (const key of keys) {
    const [workload, surface] = key.split('|') as [Workload, Surface];
    const main = rowOf(rows, workload, surface);
    const cells = versions.map(([line]) => {
      const row = lines.find(
        (l) => l.line === line && l.row.workload === workload && l.row.surface === surface,
      )?.row;
      if (!row) return '- | - | -';
      const ratio =
        main && main.cpuPerRequestUs > 0
          ? (row.cpuPerRequestUs / main.cpuPerRequestUs).toFixed(2)
          : '-';
      return `${row.rps} | ${row.cpuPerRequestUs} | ${ratio}`;
    });
    out.push(
      `| ${workload} | ${surface} | ${main?.rps ?? '-'} | ${main?.cpuPerRequestUs ?? '-'} | ${cells.join(' | ')} |`,
    );
  }
  return out.join('\n');
}

export function streamsNote(result: StreamsResult): string {
  const { shape } = result;
  return `${result.streams} open REST event streams (\`GET /api/{user}/events\`, read with the \`eventsource\` client) across ${shape.users} users (${shape.streamsPerUser} each), while creates arrive at ${shape.writesPerSecond} per second spread over those users for ${shape.windowSeconds} s, on a fresh server process (the production build, the same flags). Latency runs from the create's send (or its answer) to each stream's \`change\` event; a change lost is one that a stream of its user never received (waiting up to 3 s after the last answer). The bench reads every stream in its own single process: its event-loop delay and CPU show whether it kept up.`;
}

export function streamsTable(result: StreamsResult): string {
  return [
    '| streams | users | creates | create errors | stream errors | events expected | events lost | p50 ms from send | p99 ms from send | p50 ms from answer | p99 ms from answer | server peak RSS MB | bench loop delay p99 / max ms | bench CPU % of a core |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${result.streams} | ${result.shape.users} | ${result.writes} | ${result.writeErrors} | ${result.streamErrors} | ${result.expected} | ${result.lost} | ${result.fromSend.p50} | ${result.fromSend.p99} | ${result.fromAck.p50} | ${result.fromAck.p99} | ${result.serverPeakRssMb} | ${result.bench.loopDelayP99Ms} / ${result.bench.loopDelayMaxMs} | ${result.bench.cpuPercent} |`,
  ].join('\n');
}

export function streamsVerdicts(result: StreamsResult): string[] {
  const latency = STREAM_LATENCY_TARGET_MS;
  return [
    `${verdict(result.fromSend.p50 <= latency)} streams: delivery p50 ${result.fromSend.p50} ms from the write's send (target <= ${latency})`,
    `${verdict(result.fromSend.p99 <= latency)} streams: delivery p99 ${result.fromSend.p99} ms from the write's send (target <= ${latency})`,
    `${verdict(result.serverPeakRssMb <= STREAM_RSS_TARGET_MB)} streams: server peak RSS ${result.serverPeakRssMb} MB with ${result.streams} streams open (target <= ${STREAM_RSS_TARGET_MB})`,
    `${verdict(result.lost === 0 && result.expected > 0)} streams: ${result.lost} of ${result.expected} change events lost (target 0)`,
  ];
}
