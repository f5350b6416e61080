/**
 * `pnpm token <user-id> [lifetime]`: prints an HS256 JWT signed with the configured
 * BETTER_AUTH_SECRET (the development secret when unset), for trying the API with curl.
 * Lifetime: seconds, or a number with s, m, h or d (default 1h).
 */
import jwt from 'jsonwebtoken';

import { loadConfigFromEnvironment } from './config.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

function lifetimeSeconds(text: string): number | undefined {
  const match = /^(\d+)([smhd])?$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_SECONDS[match[2] ?? 's'] ?? 1);
}

const [userId, lifetime = '1h'] = process.argv.slice(2);
const seconds = lifetimeSeconds(lifetime);
if (!userId || seconds === undefined) {
  process.stderr.write('usage: pnpm token <user-id> [lifetime, e.g. 3600, 15m, 1h, 7d]\n');
  process.exit(2);
}
const config = loadConfigFromEnvironment();
const now = Math.floor(Date.now() / 1000);
const token = jwt.sign(
  {
    sub: userId,
    iat: now,
    exp: now + seconds,
    ...(config.auth.issuer ? { iss: config.auth.issuer } : {}),
    ...(config.auth.audience ? { aud: config.auth.audience } : {}),
  },
  config.auth.secret,
  { algorithm: 'HS256' },
);
process.stdout.write(`${token}\n`);
