/**
 * The web app's server-side configuration: read from the environment once, validated here,
 * passed down. Only the server reads it; the browser gets what it needs (the API's address)
 * from the page, so one build runs against any API.
 */
export interface WebConfig {
  /** This app's own origin: Better Auth's base URL, and the tokens' `iss` and `aud`. */
  readonly authUrl: string;
  /** Signs Better Auth's cookies and encrypts its signing keys at rest. */
  readonly authSecret: string;
  /** Where Better Auth's embedded database (PGlite) lives; relative to the working directory. */
  readonly authDataDir: string;
  /** The Todo API's origin, as the browser reaches it. */
  readonly apiUrl: string;
}

/** Development only: `pnpm dev:app` must start with nothing set. Production refuses it. */
const DEV_SECRET = 'todo-web-dev-secret-not-for-production-0123456789';
const MIN_SECRET_LENGTH = 32;

class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function origin(name: string, value: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new ConfigError(`Invalid configuration: ${name} must be an http(s) URL`);
  }
  return new URL(value).origin;
}

/** A pure function of the environment: a frozen WebConfig, or a ConfigError naming the variable. */
function loadConfig(env: Readonly<Record<string, string | undefined>>): WebConfig {
  const production = env.NODE_ENV === 'production';
  const secret = env.BETTER_AUTH_SECRET ?? (production ? undefined : DEV_SECRET);
  if (secret === undefined || secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `Invalid configuration: BETTER_AUTH_SECRET must be set to at least ${MIN_SECRET_LENGTH} characters${production ? ' in production' : ''}`,
    );
  }
  return Object.freeze({
    authUrl: origin('BETTER_AUTH_URL', env.BETTER_AUTH_URL ?? 'http://localhost:3000'),
    authSecret: secret,
    authDataDir: env.AUTH_DATA_DIR ?? '.data/auth',
    apiUrl: origin('TODO_API_URL', env.TODO_API_URL ?? 'http://localhost:8000'),
  });
}

/** The process's own environment, read when a request first needs it (never at build time). */
export function loadConfigFromEnvironment(): WebConfig {
  return loadConfig(process.env);
}
