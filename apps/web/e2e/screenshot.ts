/**
 * The README's picture: signs a demo person up on a running app (APP_URL, default the
 * `pnpm dev:app` address), adds a few tasks through the screens and saves a screenshot.
 * Usage: pnpm --filter @todo/web screenshot [path]   (default: docs/app.png at the repo root)
 */
import { fileURLToPath } from 'node:url';

import { launchChromium } from './support/browser';
import { addTask, person, signUp, taskItem } from './support/pages';

const appUrl = process.env.APP_URL ?? 'http://localhost:3000';
const output = process.argv[2] ?? fileURLToPath(new URL('../../../docs/app.png', import.meta.url));

const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await signUp(context, appUrl, person('Demo'));
  await addTask(page, { title: 'Book the dentist', due: '2026-12-15', tags: 'health' });
  await addTask(page, {
    title: 'Buy oat milk',
    due: '2026-12-03',
    tags: 'home, errand',
    priority: 'medium',
  });
  await addTask(page, { title: 'Water plants', due: '2026-12-01', weekly: ['Monday', 'Friday'] });
  await addTask(page, { title: 'Send the invoice', priority: 'high', tags: 'work' });
  await taskItem(page, 'Water plants').getByRole('checkbox').click();
  await page.getByText('“Water plants” repeats: next due 2026-12-04.').waitFor();
  await taskItem(page, 'Send the invoice').getByRole('checkbox').click();
  await page.getByRole('search').getByLabel('Sort by').selectOption('due');
  await page.locator('ul.tasks > li').first().getByText('Buy oat milk').waitFor();
  await page.screenshot({ path: output, fullPage: true });
  console.info(`Saved ${output}`);
} finally {
  await browser.close();
}
