/**
 * Scale: the big user's list pages (first, deep, by tag, by due date) as the table grows from
 * 100,000 to 1,000,000 rows, each the p50 of sequential requests through the REST API.
 */
import jwt from 'jsonwebtoken';
import postgres from 'postgres';

import { BIG_USER, loadScaleTable, SCALE_TAG } from './dataset.js';
import { SECRET } from './workloads.js';

export const SCALE_NOTE =
  'p50 of 400 sequential requests through the REST API (one at a time, after 50 warm-up requests), the database vacuumed and analysed after each load.';

/**
 * Median latency of one request at a time (no queueing), timed with performance.now(): the
 * scale run compares database work at 0.1 ms resolution, which autocannon's whole ms cannot.
 */
async function p50Of(url: string, path: string, token: string, rounds: number): Promise<number> {
  const times: number[] = [];
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

export async function measureScale(
  serverUrl: string,
  databaseUrl: string,
  bigUserTasks: number,
  log: (line: string) => void,
): Promise<{ table: string; checks: string[] }> {
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
  const bigToken = jwt.sign({ sub: BIG_USER, exp: Math.floor(Date.now() / 1000) + 3600 }, SECRET, {
    algorithm: 'HS256',
  });
  const p50 = (path: string) =>
    p50Of(serverUrl, `/api/${BIG_USER}/tasks?limit=50${path}`, bigToken, 400);
  for (const total of [100_000, 1_000_000]) {
    await loadScaleTable(databaseUrl, total, bigUserTasks);
    const own = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
    const [deep] = await own<
      { id: number }[]
    >`select id from tasks where user_id = ${BIG_USER} order by created_at desc, id desc offset 9000 limit 1`;
    await own.end();
    const first = await p50('');
    const deepPage = await p50(`&after=${String(deep?.id)}`);
    const byTag = await p50(`&tag=${SCALE_TAG}`);
    const byDue = await p50('&sort=due');
    lines.push(`| ${total.toLocaleString('en')} | ${first} | ${deepPage} | ${byTag} | ${byDue} |`);
    scaleP50['first page']?.push(first);
    scaleP50['deep page']?.push(deepPage);
    scaleP50.tag?.push(byTag);
    scaleP50.due?.push(byDue);
    log(
      `bench: scale ${total} rows: first page p50 ${first} ms, deep page ${deepPage} ms, tag= ${byTag} ms, sort=due ${byDue} ms`,
    );
  }
  const checks: string[] = [];
  for (const label of ['first page', 'deep page']) {
    const [small = 0, large = Infinity] = scaleP50[label] ?? [];
    checks.push(
      `${large <= small * 1.25 ? 'PASS' : 'MISS'} scale ${label}: p50 ${large} ms at 1,000,000 rows vs ${small} ms at 100,000 (target within 25%)`,
    );
  }
  const defaultList = scaleP50['first page']?.[1] ?? 0;
  for (const [label, query] of [
    ['tag', `tag=${SCALE_TAG}`],
    ['due', 'sort=due'],
  ] as const) {
    const value = scaleP50[label]?.[1] ?? Infinity;
    checks.push(
      `${value <= defaultList * 1.25 ? 'PASS' : 'MISS'} scale ${query}: p50 ${value} ms vs the default list's ${defaultList} ms at 1,000,000 rows (target within 25%)`,
    );
  }
  return { table: lines.join('\n'), checks };
}
