/**
 * Better Auth for this app: email and password, plus the `jwt` plugin whose EdDSA tokens the
 * API verifies through this app's key set (`/api/auth/jwks`). Its storage is PGlite, an
 * embedded PostgreSQL in a directory: WebAssembly, so nothing is compiled on install and it
 * runs the same on Node 20, 24 and 26; Kysely (which Better Auth already uses) drives it.
 */
import { mkdirSync } from 'node:fs';

import { PGlite } from '@electric-sql/pglite';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { jwt } from 'better-auth/plugins/jwt';
import { PGliteDialect } from 'kysely';

import { loadConfigFromEnvironment, type WebConfig } from '../config';

function authOptions(config: WebConfig, database: PGlite) {
  return {
    baseURL: config.authUrl,
    secret: config.authSecret,
    database: { dialect: new PGliteDialect({ pglite: database }), type: 'postgres' as const },
    emailAndPassword: { enabled: true },
    plugins: [jwt()],
    telemetry: { enabled: false },
  };
}

async function createAuth(config: WebConfig) {
  mkdirSync(config.authDataDir, { recursive: true });
  const database = new PGlite(config.authDataDir);
  await database.waitReady;
  const options = authOptions(config, database);
  // Creates the tables Better Auth needs (and columns a newer version adds) on first start.
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  return betterAuth(options);
}

export type Auth = Awaited<ReturnType<typeof createAuth>>;

/**
 * One Better Auth per server process, made on first use: Next.js has no entry point to build
 * it in, the build must not open the database, and a PGlite directory may be opened only once
 * per process (the dev server re-evaluates modules, so the instance lives on globalThis).
 */
const holder = globalThis as typeof globalThis & { todoWebAuth?: Promise<Auth> };

export function getAuth(): Promise<Auth> {
  holder.todoWebAuth ??= createAuth(loadConfigFromEnvironment()).catch((error: unknown) => {
    holder.todoWebAuth = undefined;
    throw error;
  });
  return holder.todoWebAuth;
}
