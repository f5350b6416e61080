/**
 * postgres.js forwards every URL query key that is not one of its options to the server as a
 * startup parameter, so libpq-only keys found in Neon or Supabase URLs (channel_binding=require,
 * sslrootcert=system, ...) make PostgreSQL refuse the connection. Strip them; keep sslmode, which
 * postgres.js maps to its `ssl` option itself.
 */
const LIBPQ_ONLY_PARAMS = [
  'channel_binding',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'sslcrl',
  'sslpassword',
  'sslcompression',
  'sslsni',
  'gssencmode',
  'krbsrvname',
  'requiressl',
];

export function toPostgresJsUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(
      `DATABASE_URL must be a postgres:// or postgresql:// URL, got "${url.protocol}"`,
    );
  }
  for (const key of LIBPQ_ONLY_PARAMS) url.searchParams.delete(key);
  return url.toString();
}
