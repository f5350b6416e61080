/**
 * The README's benchmark figures, written by a full run between its markers, so the README
 * never carries hand-copied numbers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ROOT_DIR } from './processes.js';

const START = '<!-- bench:figures:start (written by pnpm bench; do not edit) -->';
const END = '<!-- bench:figures:end -->';

export async function writeReadmeFigures(lines: readonly string[]): Promise<void> {
  const path = join(ROOT_DIR, 'README.md');
  const readme = await readFile(path, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} block`);
  const block = [START, '', ...lines, '', END].join('\n');
  await writeFile(path, `${readme.slice(0, start)}${block}${readme.slice(end + END.length)}`);
}
