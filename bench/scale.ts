/**
 * Scale: the big user's list pages (first, deep, by tag, by due date) as the table grows from
 * 100,000 to 1,000,000 rows, each the p50 of sequential requests through the REST API.
 */
import jwt from 'jsonwebtoken';
import postgres from 'postgres';

import { BIG_USER, loadScaleTable, SCALE_TAG } from './dataset.js';
import { SECRET } from './workloads.js';

export const SCALE_NOTE =
  'p50 of 400 requests per path through the REST API, one at a time, the four paths in turn (after 50 warm-up rounds), the database vacuumed and analysed after each load.';

/**
 * Median latency of each path, one request at a time (no queueing), the paths taken in turn
 * (a, b, c, d, a, b, ...) so that a slow spell (a checkpoint after the load, autovacuum) lands
 * on all of them alike. Timed with performance.now(): the scale run compares database work at
 * 0.1 ms resolution, which autocannon's whole ms cannot.
 */
async function p50sOf(
  url: string,
  paths: readonly string[],
  token: string,
  rounds: number,
): Promise<number[]> {
  const times = paths.map((): number[] => []);
  for (let i = 0; i < rounds + 50; i++) {
    for (const [index, path] of paths.entries()) {
      const started = performance.now();
      const response = await fetch(`${url}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`scale run: ${path} answered ${response.status}`);
      if (i >= 50) times[index]?.push(performance.now() - started);
    }
  }
  return times.map((samples) => {
    samples.sort((a, b) => a - b);
    return Math.round((samples[Math.floor(samples.length / 2)] ?? 0) * 100) / 100;
  });
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
  for (const total of [100_000, 1_000_000]) {
    await loadScaleTable(databaseUrl, total, bigUserTasks);
    const own = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
    const [deep] = await own<
      { id: number }[]
    >`select id from tasks where user_id = ${BIG_USER} order by created_at desc, id desc offset 9000 limit 1`;
    await own.end();
    const [first = 0, deepPage = 0, byTag = 0, byDue = 0] = await p50sOf(
      serverUrl,
      ['', `&after=${String(deep?.id)}`, `&tag=${SCALE_TAG}`, '&sort=due'].map(
        (query) => `/api/${BIG_USER}/tasks?limit=50${query}`,
      ),
      bigToken,
      400,
    );
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
