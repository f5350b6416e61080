/**
 * Live streams under writes: many open REST event streams (`GET /api/{user}/events`, read with
 * the `eventsource` client) while creates arrive at a fixed rate spread over their users. Each
 * create's change must reach every stream of its user: delivery latency is measured from the
 * create's send and from its acknowledgement to each stream's event, and a change a stream
 * never received is lost. The bench's own event-loop delay and CPU are reported beside it, to
 * show the client kept up (events are matched by a regex on their data, not parsed).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

import { EventSource } from 'eventsource';

import { peakRssMb, type Running } from './processes.js';
import { tokenFor, TOKEN_USERS } from './workloads.js';

export interface StreamsShape {
  users: number;
  streamsPerUser: number;
  writesPerSecond: number;
  windowSeconds: number;
}

export interface StreamsResult {
  shape: StreamsShape;
  streams: number;
  writes: number;
  /** Creates that did not answer 201. */
  writeErrors: number;
  /** Streams that failed to open, or errored (and reconnected) during the window. */
  streamErrors: number;
  /** Events expected (each acknowledged write, once per stream of its user), and never received. */
  expected: number;
  lost: number;
  /** Milliseconds from the create's send to each stream's event. */
  fromSend: { p50: number; p99: number };
  /** From the create's answer (0 when the event came first). */
  fromAck: { p50: number; p99: number };
  serverPeakRssMb: number;
  bench: { loopDelayP99Ms: number; loopDelayMaxMs: number; cpuPercent: number };
}

interface Write {
  user: string;
  sentAt: number;
  ackedAt: number;
}

interface Stream {
  user: string;
  source: EventSource;
  /** Task id → when its change arrived. */
  received: Map<number, number>;
}

/** The change's task id: the first `"id":` of `{"seq":…,"op":…,"id":…,"task":{…}}`. */
const CHANGE_ID = /"id":(\d+)/;
/** The loop-delay histogram samples every this many ms and records the interval, this included. */
const LOOP_RESOLUTION_MS = 10;
const lateMs = (ns: number) => Math.max(0, Math.round((ns / 1e6 - LOOP_RESOLUTION_MS) * 10) / 10);

function percentile(sorted: readonly number[], p: number): number {
  const value = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
  return Math.round(value * 10) / 10;
}

function openStream(url: string, user: string, onError: () => void): Promise<Stream> {
  const token = tokenFor(user);
  const source = new EventSource(`${url}/api/${user}/events`, {
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } }),
  });
  const stream: Stream = { user, source, received: new Map() };
  source.addEventListener('change', (event) => {
    const data: unknown = event.data;
    const id = typeof data === 'string' ? CHANGE_ID.exec(data)?.[1] : undefined;
    if (id !== undefined) stream.received.set(Number(id), performance.now());
  });
  return new Promise((resolve, reject) => {
    source.onopen = () => {
      source.onerror = onError;
      resolve(stream);
    };
    source.onerror = (event) => {
      source.close();
      reject(new Error(`stream of ${user} did not open: ${event.message ?? 'error'}`));
    };
  });
}

async function create(url: string, user: string, token: string): Promise<number | undefined> {
  const response = await fetch(`${url}/api/${user}/tasks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{"title":"Streamed task"}',
  });
  const body: unknown = await response.json().catch(() => undefined);
  const id = typeof body === 'object' && body !== null && 'id' in body ? body.id : undefined;
  return response.status === 201 && typeof id === 'number' ? id : undefined;
}

/** Opens the streams, writes for the window, waits for deliveries, and closes every stream. */
export async function measureStreams(server: Running, shape: StreamsShape): Promise<StreamsResult> {
  const users = TOKEN_USERS.slice(0, shape.users);
  const tokens = new Map(users.map((user) => [user, tokenFor(user)]));
  let streamErrors = 0;
  const opened = await Promise.allSettled(
    users.flatMap((user) =>
      Array.from({ length: shape.streamsPerUser }, () =>
        openStream(server.url, user, () => {
          streamErrors++;
        }),
      ),
    ),
  );
  const streams = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  streamErrors += opened.length - streams.length;

  const writes = new Map<number, Write>();
  let writeErrors = 0;
  const pending = new Set<Promise<void>>();
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let sent = 0;
  const total = Math.round(shape.writesPerSecond * shape.windowSeconds);
  // Paced by the clock, not by the timer: a late tick sends what is due, so the rate holds.
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(
        total,
        Math.floor(((performance.now() - started) / 1000) * shape.writesPerSecond),
      );
      for (; sent < due; sent++) {
        const user = users[sent % users.length] ?? 'u0';
        const sentAt = performance.now();
        const write = create(server.url, user, tokens.get(user) ?? '').then(
          (id) => {
            if (id === undefined) writeErrors++;
            else writes.set(id, { user, sentAt, ackedAt: performance.now() });
          },
          () => {
            writeErrors++;
          },
        );
        pending.add(write);
        void write.finally(() => pending.delete(write));
      }
      if (sent >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 5);
  });
  await Promise.all(pending);

  const streamsOf = new Map<string, Stream[]>();
  for (const stream of streams)
    streamsOf.set(stream.user, [...(streamsOf.get(stream.user) ?? []), stream]);
  const expected = [...writes].reduce(
    (sum, [, write]) => sum + (streamsOf.get(write.user)?.length ?? 0),
    0,
  );
  const receivedCount = () =>
    [...writes].reduce(
      (sum, [id, write]) =>
        sum + (streamsOf.get(write.user) ?? []).filter((s) => s.received.has(id)).length,
      0,
    );
  // The contract's bound is 1 s after commit; 3 s after the last answer leaves a margin.
  for (let waited = 0; waited < 3_000 && receivedCount() < expected; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const cpu = process.cpuUsage(cpuBefore);
  const elapsedMs = performance.now() - started;
  loop.disable();
  const serverPeakRssMb = await peakRssMb(server.child);
  for (const stream of streams) stream.source.close();

  const fromSend: number[] = [];
  const fromAck: number[] = [];
  let lost = 0;
  for (const [id, write] of writes) {
    for (const stream of streamsOf.get(write.user) ?? []) {
      const at = stream.received.get(id);
      if (at === undefined) {
        lost++;
        continue;
      }
      fromSend.push(at - write.sentAt);
      fromAck.push(Math.max(0, at - write.ackedAt));
    }
  }
  fromSend.sort((a, b) => a - b);
  fromAck.sort((a, b) => a - b);
  return {
    shape,
    streams: streams.length,
    writes: writes.size,
    writeErrors,
    streamErrors,
    expected,
    lost,
    fromSend: { p50: percentile(fromSend, 0.5), p99: percentile(fromSend, 0.99) },
    fromAck: { p50: percentile(fromAck, 0.5), p99: percentile(fromAck, 0.99) },
    serverPeakRssMb,
    bench: {
      loopDelayP99Ms: lateMs(loop.percentile(99)),
      loopDelayMaxMs: lateMs(loop.max),
      cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 100),
    },
  };
}
