/**
 * Classifies driver failures. drizzle wraps driver errors in DrizzleQueryError, whose message
 * holds the SQL: the SQLSTATE or socket code lives on `.cause`, so every check walks the chain.
 */

/** The database cannot be reached right now; the caller should answer 503 and retry later. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  constructor(cause: unknown) {
    super('The database is unavailable', { cause });
  }
}

// Socket errors, postgres.js's own connection codes, and SQLSTATEs that mean "not now":
// class 08 (connection exception), 57P01-57P03 (shutdown / starting up), 53300 (too many connections).
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

function codeOf(error: object): string | undefined {
  const code: unknown = 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function* causeChain(error: unknown): Generator<object> {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    yield current;
    current = 'cause' in current ? current.cause : undefined;
  }
}

/** The first SQLSTATE or socket code found on the error or its causes. */
export function errorCode(error: unknown): string | undefined {
  for (const link of causeChain(error)) {
    const code = codeOf(link);
    if (code !== undefined) return code;
  }
  return undefined;
}

export function isUnavailable(error: unknown): boolean {
  for (const link of causeChain(error)) {
    if (link instanceof DatabaseUnavailableError) return true;
    const code = codeOf(link);
    if (code !== undefined && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    // PGlite after close(): a plain Error, no code.
    if (link instanceof Error && link.message === 'PGlite is closed') return true;
  }
  return false;
}

/** Rethrows connection failures as DatabaseUnavailableError; anything else unchanged. */
export function classifyDatabaseError(error: unknown): unknown {
  return isUnavailable(error) && !(error instanceof DatabaseUnavailableError)
    ? new DatabaseUnavailableError(error)
    : error;
}
