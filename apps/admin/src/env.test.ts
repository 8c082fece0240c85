import { describe, expect, it } from 'vitest';
import { loadEnv } from './env.js';

describe('loadEnv', () => {
  it('requires ADMIN_TOKEN and names it', () => {
    const result = loadEnv({});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/ADMIN_TOKEN: ADMIN_TOKEN is required/);
  });

  it('refuses a short token', () => {
    const result = loadEnv({ ADMIN_TOKEN: 'short' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/ADMIN_TOKEN must be at least 16 characters/);
  });

  it('defaults to loopback on 8081 with the shared Redis settings', () => {
    expect(loadEnv({ ADMIN_TOKEN: 'x'.repeat(16) })).toEqual({
      ok: true,
      env: {
        ADMIN_TOKEN: 'x'.repeat(16),
        ADMIN_PORT: 8081,
        ADMIN_HOST: '127.0.0.1',
        REDIS_URL: 'redis://127.0.0.1:6379',
        QUEUE_PREFIX: 'ripio',
        LOG_LEVEL: 'info',
        DEDUPE_TTL_SECONDS: 2_592_000,
        HISTORY_LIMIT: 100,
        SHUTDOWN_TIMEOUT_MS: 10_000,
      },
    });
  });

  it('names a bad port and a bad prefix', () => {
    const result = loadEnv({ ADMIN_TOKEN: 'x'.repeat(16), ADMIN_PORT: 'eighty', QUEUE_PREFIX: 'a:b' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toMatch(/ADMIN_PORT/);
      expect(result.message).toMatch(/QUEUE_PREFIX/);
    }
  });
});
