/**
 * Configuration (docs/API.md section 16): read from the environment once, in main.ts, validated
 * here, then passed down. A bad value stops the start with one line naming the variable.
 */
import { DEFAULT_PGLITE_DIR } from '@todo/db';
import { z } from 'zod';

export const DEV_SECRET = 'todo-dev-secret-not-for-production-0123456789abcdef';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An unset or empty variable is absent. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `must be an integer from ${min} to ${max}` })
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const boolean = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .transform((v) => v === 'true');

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const postgresUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (
        (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== ''
      );
    } catch {
      return false;
    }
  },
  { error: 'must be a postgres:// or postgresql:// URL with a host' },
);

const origins = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.string().refine((origin) => origin === '*' || URL.canParse(origin), {
        error: 'must be a comma-separated list of origins (e.g. https://app.example.com)',
      }),
    ),
  );

const EnvSchema = z.object({
  NODE_ENV: optional(z.enum(['development', 'production', 'test'])),
  PORT: optional(integer(0, 65_535)),
  HOST: optional(z.string()),
  DATABASE_URL: optional(postgresUrl),
  DATABASE_POOL_MAX: optional(integer(1, 1000)),
  DATABASE_PREPARE: optional(boolean),
  DATABASE_LISTEN_URL: optional(postgresUrl),
  CHANGES_RETENTION_DAYS: optional(integer(1, 3650)),
  STREAMS_PER_USER: optional(integer(1, 10_000)),
  PGLITE_DIR: optional(z.string()),
  BETTER_AUTH_SECRET: optional(z.string()),
  BETTER_AUTH_URL: optional(httpUrl),
  BETTER_AUTH_JWKS_URL: optional(httpUrl),
  JWT_ISSUER: optional(z.string()),
  JWT_AUDIENCE: optional(z.string()),
  CORS_ORIGINS: optional(origins),
  RATE_LIMIT_PER_MINUTE: optional(integer(1, 1_000_000)),
  REDIS_URL: optional(
    z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }),
  ),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })),
  TRUST_PROXY: optional(integer(0, 10)),
  SHUTDOWN_TIMEOUT_MS: optional(integer(0, 600_000)),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string | undefined;
  readonly database: {
    readonly url: string | undefined;
    readonly pgliteDir: string;
    readonly poolMax: number;
    readonly prepare: boolean;
    /**
     * A direct connection for LISTEN and for migrations (PgBouncer's and Neon's transaction
     * pooling support neither LISTEN nor the migrations' session lock). Default: the URL.
     */
    readonly listenUrl: string | undefined;
  };
  readonly changes: {
    /** How long the feed remembers a deleted task. */
    readonly retentionMs: number;
    /** Open live streams per user, in this process. */
    readonly streamsPerUser: number;
  };
  readonly auth: {
    readonly secret: string;
    /** True when no BETTER_AUTH_SECRET was given and the fixed development secret is in use. */
    readonly usingDevSecret: boolean;
    readonly jwksUrl: string | undefined;
    readonly issuer: string | undefined;
    readonly audience: string | undefined;
  };
  readonly corsOrigins: readonly string[];
  readonly rateLimitPerMinute: number;
  /** Rate-limit counters in Redis, shared by every instance; unset: per process. */
  readonly redisUrl: string | undefined;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Proxy hops in front of us whose X-Forwarded-For is trusted (0: none; the per-IP limit stays honest). */
  readonly trustProxy: number;
  readonly shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const MIN_SECRET_BYTES = 32;

/** The process's own environment: what entry points (main, migrate, token) call. */
export function loadConfigFromEnvironment(): Config {
  return loadConfig(process.env);
}

/** A pure function of the environment: a frozen Config, or a ConfigError naming the variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(`Invalid configuration: ${variable} ${issue?.message ?? 'is invalid'}`);
  }
  const e = parsed.data;
  const nodeEnv = e.NODE_ENV ?? 'development';

  if (e.BETTER_AUTH_SECRET === undefined && nodeEnv === 'production') {
    throw new ConfigError(
      'Invalid configuration: BETTER_AUTH_SECRET is required when NODE_ENV=production',
    );
  }
  if (
    e.BETTER_AUTH_SECRET !== undefined &&
    nodeEnv === 'production' &&
    Buffer.byteLength(e.BETTER_AUTH_SECRET, 'utf8') < MIN_SECRET_BYTES
  ) {
    throw new ConfigError(
      `Invalid configuration: BETTER_AUTH_SECRET must be at least ${MIN_SECRET_BYTES} bytes in production`,
    );
  }

  const betterAuthOrigin =
    e.BETTER_AUTH_URL === undefined ? undefined : new URL(e.BETTER_AUTH_URL).origin;
  const jwksUrl =
    e.BETTER_AUTH_JWKS_URL ??
    (e.BETTER_AUTH_URL === undefined
      ? undefined
      : `${e.BETTER_AUTH_URL.replace(/\/+$/, '')}/api/auth/jwks`);

  return Object.freeze({
    env: nodeEnv,
    port: e.PORT ?? 8000,
    host: e.HOST,
    database: Object.freeze({
      url: e.DATABASE_URL,
      pgliteDir: e.PGLITE_DIR ?? DEFAULT_PGLITE_DIR,
      poolMax: e.DATABASE_POOL_MAX ?? 10,
      prepare: e.DATABASE_PREPARE ?? true,
      listenUrl: e.DATABASE_LISTEN_URL ?? e.DATABASE_URL,
    }),
    changes: Object.freeze({
      retentionMs: (e.CHANGES_RETENTION_DAYS ?? 30) * 24 * 60 * 60 * 1000,
      streamsPerUser: e.STREAMS_PER_USER ?? 10,
    }),
    auth: Object.freeze({
      secret: e.BETTER_AUTH_SECRET ?? DEV_SECRET,
      usingDevSecret: e.BETTER_AUTH_SECRET === undefined,
      jwksUrl,
      // Better Auth issues `iss` and `aud` as its own origin.
      issuer: e.JWT_ISSUER ?? betterAuthOrigin,
      audience: e.JWT_AUDIENCE ?? betterAuthOrigin,
    }),
    corsOrigins: Object.freeze(e.CORS_ORIGINS ?? ['http://localhost:3000']),
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE ?? 600,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL ?? 'info',
    trustProxy: e.TRUST_PROXY ?? 0,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS ?? 10_000,
  });
}
