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
        RIPIO_WEBHOOK_SECRETS: 's',
        ...(keys === undefined ? {} : { INTAKE_PROOF_KEYS: keys }),
      });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toContain('INTAKE_PROOF_KEYS');
    }
  });

  it('splits comma-separated secrets and applies the documented defaults', () => {
    const result = loadEnv({
      RIPIO_WEBHOOK_SECRETS: 'new-secret, old-secret ,',
      INTAKE_PROOF_KEYS: `${PROOF_KEY}, ${OLD_PROOF_KEY}`,
    });
    expect(result).toEqual({
      ok: true,
      env: {
        REDIS_URL: 'redis://127.0.0.1:6379',
        QUEUE_PREFIX: 'ripio',
        LOG_LEVEL: 'info',
        PORT: 8080,
        HOST: '0.0.0.0',
        RIPIO_WEBHOOK_SECRETS: ['new-secret', 'old-secret'],
        INTAKE_PROOF_KEYS: [PROOF_KEY, OLD_PROOF_KEY],
        BODY_LIMIT: 262_144,
        ENQUEUE_TIMEOUT_MS: 2_000,
        RETRY_AFTER_SECONDS: 5,
        MAX_EVENT_AGE_SECONDS: 0,
        BACKLOG_LIMIT: 0,
        SHUTDOWN_TIMEOUT_MS: 10_000,
        REQUEST_TIMEOUT_MS: 30_000,
      },
    });
  });

  it('names each bad variable', () => {
    const result = loadEnv({
      RIPIO_WEBHOOK_SECRETS: 's',
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
