import { TEST_ADMIN_TOKEN } from '@ripio-webhooks/test-support';
import { describe, expect, it } from 'vitest';
import { loadEnv } from './env.js';

describe('loadEnv', () => {
  it('requires ADMIN_TOKEN and names it', () => {
    const result = loadEnv({});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/ADMIN_TOKEN: ADMIN_TOKEN is required/);
  });

  it.each([
    ['a token shorter than 32 characters', 'x'.repeat(16), /ADMIN_TOKEN must be at least 32 characters/],
    [
      'a 31-character random token',
      TEST_ADMIN_TOKEN.slice(0, 31),
      /ADMIN_TOKEN must be at least 32 characters/,
    ],
    [
      '.env.example’s placeholder',
      'replace-with-a-long-random-token-openssl-rand-hex-32',
      /ADMIN_TOKEN is a placeholder/,
    ],
    ['change-me, repeated', 'change-me-change-me-change-me-change-me', /ADMIN_TOKEN is a placeholder/],
    ['one character repeated', 'x'.repeat(64), /ADMIN_TOKEN is a placeholder/],
  ])('refuses %s, naming ADMIN_TOKEN but not the value', (_label, token, message) => {
    const result = loadEnv({ ADMIN_TOKEN: token });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(message);
    expect(result.message).not.toContain(token);
  });

  it('defaults to loopback on 8081 with the shared Redis settings', () => {
    expect(loadEnv({ ADMIN_TOKEN: TEST_ADMIN_TOKEN })).toEqual({
      ok: true,
      env: {
        ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        ADMIN_PORT: 8081,
        ADMIN_HOST: '127.0.0.1',
        REDIS_URL: 'redis://127.0.0.1:6379',
        QUEUE_PREFIX: 'ripio',
        LOG_LEVEL: 'info',
        DEDUPE_TTL_SECONDS: 2_592_000,
        HISTORY_LIMIT: 100,
        ENTITY_RETENTION_DAYS: 90,
        SHUTDOWN_TIMEOUT_MS: 10_000,
        EVENT_LOG: 'off',
        TRUST_PROXY: false,
        TRUSTED_PROXY_ADDRESSES: [],
        AUDIT_RETENTION_DAYS: 400,
        LOGIN_MAX_FAILURES_PER_ADDRESS: 20,
        LOGIN_MAX_FAILURES_PER_OPERATOR: 5,
        LOGIN_THROTTLE_SECONDS: 900,
      },
    });
  });

  it('requires DATABASE_URL with EVENT_LOG=postgres', () => {
    const result = loadEnv({ ADMIN_TOKEN: TEST_ADMIN_TOKEN, EVENT_LOG: 'postgres' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/DATABASE_URL is required when EVENT_LOG=postgres/);
    const url = 'postgres://ripio@127.0.0.1:5432/ripio';
    expect(
      loadEnv({ ADMIN_TOKEN: TEST_ADMIN_TOKEN, EVENT_LOG: 'postgres', DATABASE_URL: url }),
    ).toMatchObject({
      ok: true,
      env: { EVENT_LOG: 'postgres', DATABASE_URL: url },
    });
  });

  it('reads TRUST_PROXY as Express does, and needs the proxy addresses with the identity header', () => {
    const base = { ADMIN_TOKEN: TEST_ADMIN_TOKEN };
    const trust = (value: string) => {
      const result = loadEnv({ ...base, TRUST_PROXY: value });
      return result.ok ? result.env.TRUST_PROXY : result.message;
    };
    expect(trust('true')).toBe(true);
    expect(trust('1')).toBe(1);
    expect(trust('loopback, 10.0.0.0/8')).toEqual(['loopback', '10.0.0.0/8']);
    expect(trust('not-an-address')).toMatch(/TRUST_PROXY/);
    const header = loadEnv({ ...base, TRUSTED_PROXY_IDENTITY_HEADER: 'X-Forwarded-User' });
    expect(header.ok ? 'accepted' : header.message).toMatch(/TRUSTED_PROXY_ADDRESSES is required/);
    const both = loadEnv({
      ...base,
      TRUSTED_PROXY_IDENTITY_HEADER: 'X-Forwarded-User',
      TRUSTED_PROXY_ADDRESSES: '10.1.2.3',
    });
    expect(both.ok).toBe(true);
  });

  it('names a bad port and a bad prefix', () => {
    const result = loadEnv({ ADMIN_TOKEN: TEST_ADMIN_TOKEN, ADMIN_PORT: 'eighty', QUEUE_PREFIX: 'a:b' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toMatch(/ADMIN_PORT/);
      expect(result.message).toMatch(/QUEUE_PREFIX/);
    }
  });

  it('keeps the event log off by default, and requires DATABASE_URL when it is postgres', () => {
    expect(loadEnv({ ADMIN_TOKEN: TEST_ADMIN_TOKEN })).toMatchObject({ ok: true, env: { EVENT_LOG: 'off' } });
    const missing = loadEnv({ ADMIN_TOKEN: TEST_ADMIN_TOKEN, EVENT_LOG: 'postgres' });
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(missing.message).toMatch(/DATABASE_URL: DATABASE_URL is required when EVENT_LOG=postgres/);
    }
    const notUrl = loadEnv({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      EVENT_LOG: 'postgres',
      DATABASE_URL: 'localhost:5432',
    });
    expect(notUrl.ok).toBe(false);
    const on = loadEnv({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      EVENT_LOG: 'postgres',
      DATABASE_URL: 'postgres://ripio:pw@db:5432/ripio',
    });
    expect(on).toMatchObject({
      ok: true,
      env: { EVENT_LOG: 'postgres', DATABASE_URL: 'postgres://ripio:pw@db:5432/ripio' },
    });
  });
});
