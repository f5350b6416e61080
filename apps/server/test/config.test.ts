import { describe, expect, it } from 'vitest';

import { ConfigError, DEV_SECRET, loadConfig } from '../src/config.js';

describe('when no environment is given', () => {
  it('then the contract’s defaults apply, with the development secret flagged', () => {
    const config = loadConfig({});

    expect(config).toMatchObject({
      env: 'development',
      port: 8000,
      corsOrigins: ['http://localhost:3000'],
      rateLimitPerMinute: 600,
      logLevel: 'info',
      database: { url: undefined, pgliteDir: './.data/pglite' },
      auth: { secret: DEV_SECRET, usingDevSecret: true, jwksUrl: undefined, issuer: undefined },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });
});

describe('when the environment is invalid', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://x@localhost/db' }, 'DATABASE_URL'],
    [{ NODE_ENV: 'production' }, 'BETTER_AUTH_SECRET'],
    [{ NODE_ENV: 'production', BETTER_AUTH_SECRET: 'short' }, 'BETTER_AUTH_SECRET'],
    [{ RATE_LIMIT_PER_MINUTE: '0' }, 'RATE_LIMIT_PER_MINUTE'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ CORS_ORIGINS: 'not an origin' }, 'CORS_ORIGINS'],
    [{ BETTER_AUTH_URL: 'ftp://auth' }, 'BETTER_AUTH_URL'],
  ])('then %j fails with one line naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });

  it('then the message never repeats a secret’s value', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', BETTER_AUTH_SECRET: 'tiny-secret' })).toThrow(
      /^(?!.*tiny-secret)/,
    );
  });
});

describe('when values are given', () => {
  it('then they are parsed, and BETTER_AUTH_URL implies the JWKS URL, issuer and audience', () => {
    const config = loadConfig({
      PORT: '9000',
      DATABASE_URL:
        'postgresql://u:p@db.example.neon.tech/app?sslmode=require&channel_binding=require',
      BETTER_AUTH_SECRET: 'x'.repeat(40),
      BETTER_AUTH_URL: 'http://localhost:3000/',
      CORS_ORIGINS: 'http://localhost:3000, https://app.example.com',
      RATE_LIMIT_PER_MINUTE: '60',
      DATABASE_PREPARE: 'false',
    });

    expect(config.port).toBe(9000);
    expect(config.database.prepare).toBe(false);
    expect(config.auth).toMatchObject({
      usingDevSecret: false,
      jwksUrl: 'http://localhost:3000/api/auth/jwks',
      issuer: 'http://localhost:3000',
      audience: 'http://localhost:3000',
    });
    expect(config.corsOrigins).toEqual(['http://localhost:3000', 'https://app.example.com']);
  });

  it('then JWT_ISSUER and JWT_AUDIENCE override the Better Auth defaults', () => {
    const config = loadConfig({
      BETTER_AUTH_URL: 'https://auth.example',
      JWT_ISSUER: 'iss',
      JWT_AUDIENCE: 'aud',
    });

    expect(config.auth).toMatchObject({
      issuer: 'iss',
      audience: 'aud',
      jwksUrl: 'https://auth.example/api/auth/jwks',
    });
  });
});
