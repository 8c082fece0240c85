import { TEST_OLD_WEBHOOK_SECRET, TEST_WEBHOOK_SECRET } from '@ripio-webhooks/test-support';
import { describe, expect, it } from 'vitest';
import { loadEnv } from './env.js';

const PROOF_KEY = 'intake-proof-key-new-0123456789abcdef';
const OLD_PROOF_KEY = 'intake-proof-key-old-0123456789abcdef';

describe('loadEnv', () => {
  it('refuses to start without a secret, naming the variable', () => {
    const result = loadEnv({});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('RIPIO_WEBHOOK_SECRETS');
  });

  it('refuses a secret list made only of commas and blanks', () => {
    const result = loadEnv({ RIPIO_WEBHOOK_SECRETS: ' , ,' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('RIPIO_WEBHOOK_SECRETS');
  });

  it('refuses to start without INTAKE_PROOF_KEYS, or with a key shorter than 32 characters', () => {
    for (const keys of [undefined, 'short-key', `${PROOF_KEY},short-key`]) {
      const result = loadEnv({
        RIPIO_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
        ...(keys === undefined ? {} : { INTAKE_PROOF_KEYS: keys }),
      });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toContain('INTAKE_PROOF_KEYS');
    }
  });

  it.each([
    [
      '.env.example’s placeholder',
      'replace-with-the-secret-from-ripio',
      'RIPIO_WEBHOOK_SECRETS is a placeholder',
    ],
    ['a short secret', 'new-secret', 'RIPIO_WEBHOOK_SECRETS must be at least 32 characters'],
    [
      'a short old secret beside a strong one',
      `${TEST_WEBHOOK_SECRET}, old-secret`,
      'RIPIO_WEBHOOK_SECRETS (entry 2 of 2) must be at least 32 characters',
    ],
    [
      'a placeholder beside a strong one',
      `change-me-change-me-change-me-change-me,${TEST_WEBHOOK_SECRET}`,
      'RIPIO_WEBHOOK_SECRETS (entry 1 of 2) is a placeholder',
    ],
  ])('refuses %s, naming the variable and the entry', (_label, secrets, message) => {
    const result = loadEnv({ RIPIO_WEBHOOK_SECRETS: secrets });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });

  it('splits comma-separated secrets and applies the documented defaults', () => {
    const result = loadEnv({
      RIPIO_WEBHOOK_SECRETS: `${TEST_WEBHOOK_SECRET}, ${TEST_OLD_WEBHOOK_SECRET} ,`,
      INTAKE_PROOF_KEYS: `${PROOF_KEY}, ${OLD_PROOF_KEY}`,
    });
    expect(result).toEqual({
      ok: true,
      env: {
        REDIS_URL: 'redis://127.0.0.1:6379',
        QUEUE_PREFIX: 'ripio',
        LOG_LEVEL: 'info',
        DEDUPE_TTL_SECONDS: 2_592_000,
        PORT: 8080,
        HOST: '0.0.0.0',
        METRICS_PORT: 9092,
        METRICS_HOST: '0.0.0.0',
        RIPIO_WEBHOOK_SECRETS: [TEST_WEBHOOK_SECRET, TEST_OLD_WEBHOOK_SECRET],
        INTAKE_PROOF_KEYS: [PROOF_KEY, OLD_PROOF_KEY],
        BODY_LIMIT: 262_144,
        ENQUEUE_TIMEOUT_MS: 2_000,
        RETRY_AFTER_SECONDS: 5,
        MAX_EVENT_AGE_SECONDS: 604_800,
        BACKLOG_LIMIT: 0,
        SHUTDOWN_TIMEOUT_MS: 10_000,
        REQUEST_TIMEOUT_MS: 30_000,
      },
    });
  });

  it('refuses an event age not below the dedupe TTL, naming both variables', () => {
    const secrets = { RIPIO_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET, INTAKE_PROOF_KEYS: PROOF_KEY };
    for (const source of [
      { ...secrets, MAX_EVENT_AGE_SECONDS: '2592000' },
      { ...secrets, DEDUPE_TTL_SECONDS: '86400' },
      { ...secrets, MAX_EVENT_AGE_SECONDS: '3600', DEDUPE_TTL_SECONDS: '3600' },
    ]) {
      const result = loadEnv(source);
      expect(result.ok, JSON.stringify(source)).toBe(false);
      const message = result.ok ? '' : result.message;
      expect(message).toMatch(/MAX_EVENT_AGE_SECONDS: MAX_EVENT_AGE_SECONDS .* DEDUPE_TTL_SECONDS/);
    }
    const below = loadEnv({ ...secrets, MAX_EVENT_AGE_SECONDS: '3599', DEDUPE_TTL_SECONDS: '3600' });
    expect(below.ok).toBe(true);
    const off = loadEnv({ ...secrets, MAX_EVENT_AGE_SECONDS: '0' });
    expect(off.ok && off.env.MAX_EVENT_AGE_SECONDS).toBe(0);
  });

  it('names each bad variable', () => {
    const result = loadEnv({
      RIPIO_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
      PORT: 'eighty',
      ENQUEUE_TIMEOUT_MS: '0',
      QUEUE_PREFIX: 'a:b',
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain('PORT');
      expect(result.message).toContain('ENQUEUE_TIMEOUT_MS');
      expect(result.message).toContain('QUEUE_PREFIX');
    }
  });
});
