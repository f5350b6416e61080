import { expect } from 'vitest';

import { TEST_SECRET } from '../support/tokens.js';

/**
 * A server's log lines hold no token (nor its signature alone), no secret and no request body.
 * Only distinctive bodies are looked for (JSON objects or arrays of 12+ characters), so a short
 * or generic text cannot match a log line by chance.
 */
export function expectCleanLogs(
  logs: readonly string[],
  sent: { tokens: readonly string[]; bodies?: readonly string[]; secrets?: readonly string[] },
): void {
  const text = logs.join('\n');
  expect(logs.length).toBeGreaterThan(0);
  for (const token of sent.tokens) {
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2] ?? token);
  }
  for (const secret of [TEST_SECRET, ...(sent.secrets ?? [])]) expect(text).not.toContain(secret);
  for (const body of sent.bodies ?? []) {
    if (body.length >= 12 && /^[[{]/.test(body)) expect(text, `body ${body}`).not.toContain(body);
  }
  expect(text).not.toMatch(/authorization/i);
}
