/** One measurement: autocannon against a running process, with its CPU time and SQL statements. */
import autocannon from 'autocannon';

import { cpuSeconds, statementsSent, type Running } from './processes.js';
import { requestsFor, type BenchData, type Surface, type Workload } from './workloads.js';

export interface LoadShape {
  connections: number;
  warmupSeconds: number;
  windowSeconds: number;
}

export interface Measurement {
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
  /** Of a median row: each repetition's CPU per request, in the order they ran. */
  cpuPerRequestUsReps?: number[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
};

/**
 * `row`'s CPU per request against `base`'s: the median of the ratios of repetitions that ran
 * side by side (a slow spell of the machine lands on both of a pair), or of the medians when the
 * rows were not measured in the same rounds.
 */
export function cpuRatio(row: Measurement, base: Measurement): number {
  const a = row.cpuPerRequestUsReps;
  const b = base.cpuPerRequestUsReps;
  if (a !== undefined && a.length > 0 && b?.length === a.length && b.every((x) => x > 0)) {
    return median(a.map((x, i) => x / (b[i] ?? 1)));
  }
  return base.cpuPerRequestUs > 0 ? row.cpuPerRequestUs / base.cpuPerRequestUs : Infinity;
}

export function runLoad(
  url: string,
  seconds: number,
  connections: number,
  requests: Pick<autocannon.Request, 'setupRequest' | 'onResponse'>,
): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: seconds, requests: [requests] }, (error, result) => {
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(result);
    });
  });
}

export async function measure(
  target: Running,
  workload: Workload,
  surface: Surface,
  data: BenchData,
  shape: LoadShape,
): Promise<Measurement> {
  await runLoad(
    target.url,
    shape.warmupSeconds,
    shape.connections,
    await requestsFor(workload, surface, data),
  );
  const requests = await requestsFor(workload, surface, data);
  const before = await statementsSent(target);
  const cpuBefore = await cpuSeconds(target.child);
  const result = await runLoad(target.url, shape.windowSeconds, shape.connections, requests);
  const cpuAfter = await cpuSeconds(target.child);
  const after = await statementsSent(target);
  const total = result.requests.total;
  return {
    workload,
    surface,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
    requests: total,
    statementsPerRequest: total === 0 ? 0 : (after - before) / total,
    cpuPerRequestUs: total === 0 ? 0 : Math.round(((cpuAfter - cpuBefore) * 1e6) / total),
  };
}

/** One row from its repetitions: the median of each figure, errors summed. */
export function medianOf(reps: Measurement[]): Measurement {
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
    cpuPerRequestUsReps: reps.map((r) => r.cpuPerRequestUs),
  };
}
