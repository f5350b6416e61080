/** The processes a run measures: start one and wait for /health, read its CPU time and memory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Processes start here: the bench package's own dependencies (tsx) resolve from it. */
export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
export const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * The node flags of apps/server's `start` script, read from it (so they cannot drift): every
 * measured process runs with the same flags.
 */
function startFlags(): string[] {
  const manifest = JSON.parse(
    readFileSync(new URL('../apps/server/package.json', import.meta.url), 'utf8'),
  ) as { scripts?: { start?: string } };
  const words = (manifest.scripts?.start ?? '').split(/\s+/);
  if (words[0] !== 'node') throw new Error('apps/server start script does not run node');
  return words.filter((word) => word.startsWith('--'));
}
export const SERVER_NODE_FLAGS = startFlags();

export interface Running {
  child: ChildProcess;
  url: string;
  /** Statement totals the process printed on SIGUSR2, in order. */
  counts: number[];
}

export interface StartOptions {
  name: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  /** The node binary (default: the one running the bench). */
  node?: string | undefined;
}

const answers = (url: string) =>
  fetch(`${url}/health`).then(
    (r) => r.ok,
    () => false,
  );

export async function startProcess(options: StartOptions): Promise<Running> {
  const url = `http://127.0.0.1:${options.port}`;
  // Otherwise another run's process on the port would be measured as this one.
  if (await answers(url)) {
    throw new Error(
      `${options.name}: port ${options.port} already answers (another bench running?)`,
    );
  }
  const child = spawn(options.node ?? process.execPath, options.args, {
    cwd: BENCH_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      ...options.env,
      PORT: String(options.port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const counts: number[] = [];
  // By line: a count split across two chunks is still one count.
  createInterface({ input: child.stdout }).on('line', (line) => {
    output += `${line}\n`;
    const match = /^\{"sqlStatements":(\d+)\}$/.exec(line);
    if (match) counts.push(Number(match[1]));
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) break;
    if (await answers(url)) return { child, url, counts };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Never leave it behind holding the port.
  child.kill('SIGKILL');
  throw new Error(`${options.name} did not start:\n${output}`);
}

/** The process's count of SQL statements sent so far (it prints it on SIGUSR2). */
export async function statementsSent(running: Running): Promise<number> {
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

/** SIGTERM, then SIGKILL if it has not exited 10 s later (a run never hangs on a process). */
export async function stopProcess(running: Running): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  const exited = new Promise((resolve) => running.child.once('exit', resolve));
  running.child.kill('SIGTERM');
  const kill = setTimeout(() => running.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(kill);
}

/** CPU seconds (user + system) a process has used so far (Linux clock ticks are 1/100 s). */
export async function cpuSeconds(child: ChildProcess): Promise<number> {
  const stat = await readFile(`/proc/${String(child.pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident set size of a process so far, in MB (VmHWM). */
export async function peakRssMb(child: ChildProcess): Promise<number> {
  const status = await readFile(`/proc/${String(child.pid)}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}
