/**
 * What of an error may be logged. drizzle's DrizzleQueryError message carries the SQL *and its
 * parameters* (a task's title, a user id), so only names, codes and the first line before
 * "params:" are kept; request data never reaches the log through an error.
 */
import { errorCode } from '@todo/db';

export interface LoggedError {
  type: string;
  code?: string | undefined;
  message: string;
  stack?: string | undefined;
  cause?: LoggedError | undefined;
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? '';
  const params = line.indexOf('params:');
  return (params >= 0 ? line.slice(0, params) : line).slice(0, 300);
}

export function logSafeError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: 'non-Error thrown' };
  return {
    type: error.name,
    code: errorCode(error),
    message: firstLine(error.message),
    // Frames only: the stack's first lines repeat the message.
    stack:
      depth === 0
        ? error.stack
            ?.split('\n')
            .filter((line) => line.trimStart().startsWith('at '))
            .slice(0, 6)
            .join('\n')
        : undefined,
    cause:
      error.cause !== undefined && depth < 3 ? logSafeError(error.cause, depth + 1) : undefined,
  };
}
