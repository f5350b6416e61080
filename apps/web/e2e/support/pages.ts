/** What a person does on the app's pages, by the labels they read. */
import type { BrowserContext, Locator, Page } from 'playwright-core';

/** Anything but the live-update bound: pages, sign-in, the first list read. */
export const SLOW_MS = 30_000;

export interface Person {
  name: string;
  email: string;
  password: string;
}

export function person(name: string): Person {
  const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return {
    name,
    email: `${name.toLowerCase()}-${unique}@example.com`,
    password: 'correct horse battery',
  };
}

/** Waits until the list has been read and the live subscription is connected. */
export async function waitUntilLive(page: Page): Promise<void> {
  await page
    .getByRole('status', { name: 'Live updates' })
    .getByText('Live', { exact: true })
    .waitFor({ timeout: SLOW_MS });
  await page.getByText('Loading…').waitFor({ state: 'detached', timeout: SLOW_MS });
}

export async function signUp(context: BrowserContext, baseUrl: string, who: Person): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/sign-up`, { timeout: SLOW_MS });
  await page.getByLabel('Name').fill(who.name);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Tasks', level: 1 }).waitFor({ timeout: SLOW_MS });
  await waitUntilLive(page);
  return page;
}

export async function signIn(context: BrowserContext, baseUrl: string, who: Person): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/sign-in`, { timeout: SLOW_MS });
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Tasks', level: 1 }).waitFor({ timeout: SLOW_MS });
  await waitUntilLive(page);
  return page;
}

/** A second tab of the same browser context (same session). */
export async function openTab(context: BrowserContext, baseUrl: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(baseUrl, { timeout: SLOW_MS });
  await waitUntilLive(page);
  return page;
}

export const newTaskForm = (page: Page): Locator => page.getByRole('form', { name: 'New task' });

/** The list entry whose title is exactly `title`. */
export const taskItem = (page: Page, title: string): Locator =>
  page.locator('ul.tasks > li').filter({
    has: page.locator('.task-title', {
      // The label reads "Complete <title>", "Reopen <title>" or "Done for this time: <title>".
      hasText: new RegExp(`(Complete |Reopen |this time: )${escape(title)}$`),
    }),
  });

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface NewTask {
  title: string;
  due?: string;
  tags?: string;
  priority?: 'low' | 'medium' | 'high';
  weekly?: string[];
}

export async function addTask(page: Page, task: NewTask): Promise<void> {
  const form = newTaskForm(page);
  await form.getByLabel('Title', { exact: true }).fill(task.title);
  if (task.priority) await form.getByLabel('Priority').selectOption(task.priority);
  if (task.due) await form.getByLabel('Due date', { exact: true }).fill(task.due);
  if (task.tags) await form.getByLabel('Tags', { exact: true }).fill(task.tags);
  if (task.weekly) {
    await form.getByLabel('Repeats').selectOption('WEEKLY');
    for (const day of task.weekly) await form.getByRole('checkbox', { name: day }).check();
  }
  await form.getByRole('button', { name: 'Add task' }).click();
  await taskItem(page, task.title).waitFor({ timeout: SLOW_MS });
}
