/** Other Node lines' binaries, from the one script that knows where they come from. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { ROOT_DIR } from './processes.js';

const run = promisify(execFile);

/** The node binary of a major line and its version (scripts/node-line.sh fetches it once). */
export async function nodeOfLine(line: number): Promise<{ node: string; version: string }> {
  const { stdout } = await run('bash', [join(ROOT_DIR, 'scripts/node-line.sh'), String(line)]);
  const node = join(stdout.trim(), 'node');
  const { stdout: version } = await run(node, ['--version']);
  return { node, version: version.trim() };
}
