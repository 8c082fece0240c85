import { randomBytes } from 'node:crypto';
import { TEST_FORWARD_SECRET } from '@ripio-webhooks/test-support';
import { describe, expect, it } from 'vitest';
import { loadEnv as loadAnyEnv } from './env.js';

const PROOF_KEY = 'worker-tests-intake-proof-key-0123456789';

/** The settings with the one required variable set, as every deployment has it. */
function loadEnv(source: Record<string, string>) {
  return loadAnyEnv({ INTAKE_PROOF_KEYS: PROOF_KEY, ...source });
}

describe('worker env', () => {
  it('has the documented defaults', () => {
    const loaded = loadEnv({});
    expect(loaded).toMatchObject({
      ok: true,
      env: {
        REDIS_URL: 'redis://127.0.0.1:6379',
        QUEUE_PREFIX: 'ripio',
        WORKER_CONCURRENCY: 16,
        RETRY_SCHEDULE: [
          5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000,
          43_200_000,
        ],
        BREAKER_ENABLED: true,
        BREAKER_WINDOW_MS: 60_000,
        BREAKER_MIN_CALLS: 20,
        BREAKER_FAILURE_RATIO: 0.5,
        BREAKER_OPEN_MS: 30_000,
        DEDUPE_TTL_SECONDS: 2_592_000,
        DEAD_LETTER_RETENTION_DAYS: 30,
        ENTITY_RETENTION_DAYS: 90,
        HISTORY_LIMIT: 100,
        HANDLER_TIMEOUT_MS: 30_000,
        HANDLE_CONFLICTS: false,
        HANDLE_LATE: false,
        FORWARD_TIMEOUT_MS: 5_000,
        FORWARD_ALLOW_HTTP: false,
        METRICS_PORT: 9091,
        METRICS_HOST: '0.0.0.0',
        EXPORT_QUEUE_GAUGES: false,
        SHUTDOWN_TIMEOUT_MS: 30_000,
        JOB_LOCK_MS: 30_000,
        STALLED_INTERVAL_MS: 30_000,
        INTAKE_PROOF_KEYS: [PROOF_KEY],
        RIPIO_WEBHOOK_SECRETS: [],
      },
    });
    if (loaded.ok) {
      expect(loaded.env.HANDLERS_MODULE).toBeUndefined();
      expect(loaded.env.FORWARD_URL).toBeUndefined();
    }
  });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
    ['', false],
  ])('reads HANDLE_CONFLICTS=%j and HANDLE_LATE=%j as %s', (value, expected) => {
    const loaded = loadEnv({ HANDLE_CONFLICTS: value, HANDLE_LATE: value });
    expect(loaded.ok && loaded.env.HANDLE_CONFLICTS).toBe(expected);
    expect(loaded.ok && loaded.env.HANDLE_LATE).toBe(expected);
  });

  it.each([
    [{ HANDLE_CONFLICTS: 'yes' }, 'HANDLE_CONFLICTS'],
    [{ HANDLE_LATE: 'yes' }, 'HANDLE_LATE'],
    [{ WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY'],
    [{ QUEUE_PREFIX: 'a:b' }, 'QUEUE_PREFIX'],
    [{ RETRY_SCHEDULE: '5s,soon' }, 'RETRY_SCHEDULE: "soon" is not a duration'],
    [{ RETRY_SCHEDULE: '' }, 'RETRY_SCHEDULE: at least one delay'],
    [{ BREAKER_FAILURE_RATIO: '0' }, 'BREAKER_FAILURE_RATIO'],
    [{ BREAKER_FAILURE_RATIO: '1.5' }, 'BREAKER_FAILURE_RATIO'],
    [{ BREAKER_OPEN_MS: '0' }, 'BREAKER_OPEN_MS'],
    [{ FORWARD_URL: 'https://hooks.internal/ripio' }, 'FORWARD_SECRET is required'],
    [{ FORWARD_URL: 'ftp://x', FORWARD_SECRET: TEST_FORWARD_SECRET }, 'FORWARD_URL must be an https:// URL'],
    [
      { FORWARD_URL: 'ftp://x', FORWARD_SECRET: TEST_FORWARD_SECRET, FORWARD_ALLOW_HTTP: 'true' },
      'FORWARD_URL must be an http(s) URL',
    ],
    // Plain http carries the forwarded personal data in clear: only with FORWARD_ALLOW_HTTP.
    [
      { FORWARD_URL: 'http://127.0.0.1:9/hook', FORWARD_SECRET: TEST_FORWARD_SECRET },
      'FORWARD_URL must be an https:// URL (set FORWARD_ALLOW_HTTP=true',
    ],
    [{ FORWARD_ALLOW_HTTP: 'yes' }, 'FORWARD_ALLOW_HTTP'],
    [
      { FORWARD_URL: 'https://hooks.internal/ripio', FORWARD_SECRET: 'forward-secret' },
      'FORWARD_SECRET must be at least 32',
    ],
    [
      {
        FORWARD_URL: 'https://hooks.internal/ripio',
        FORWARD_SECRET: 'replace-with-your-forwarding-secret-0123',
      },
      'FORWARD_SECRET is a placeholder',
    ],
    // A Standard Webhooks secret: the prefix, base64, 24 to 64 bytes.
    [
      { FORWARD_URL: 'https://hooks.internal/ripio', FORWARD_SECRET: 'f3a9c1e7b5d2f8a4c6e0b9d3f7a1c5e8' },
      'FORWARD_SECRET must start with "whsec_"',
    ],
    [
      { FORWARD_SECRET: 'whsec_not-base64-at-all-but-long-enough-0123' },
      'FORWARD_SECRET must be "whsec_" then standard base64',
    ],
    [
      { FORWARD_SECRET: `whsec_${Buffer.from('sixteen-bytes-ab').toString('base64')}` },
      'FORWARD_SECRET must decode to 24 to 64 bytes, not 16',
    ],
    [{ DEDUPE_TTL_SECONDS: '0' }, 'DEDUPE_TTL_SECONDS'],
    [{ METRICS_PORT: '70000' }, 'METRICS_PORT'],
    [{ JOB_LOCK_MS: '500' }, 'JOB_LOCK_MS'],
    [{ STALLED_INTERVAL_MS: 'soon' }, 'STALLED_INTERVAL_MS'],
    [{ DEAD_LETTER_RETENTION_DAYS: '0' }, 'DEAD_LETTER_RETENTION_DAYS'],
    [{ ENTITY_RETENTION_DAYS: '0' }, 'ENTITY_RETENTION_DAYS'],
    // Entities must outlive the dedupe records of their events (30 days by default).
    [{ ENTITY_RETENTION_DAYS: '29' }, 'ENTITY_RETENTION_DAYS'],
  ])('refuses %j naming %s', (source, name) => {
    const loaded = loadEnv(source);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.message).toContain(name);
  });

  it('refuses to start without INTAKE_PROOF_KEYS or with a key shorter than 32 characters', () => {
    for (const source of [{}, { INTAKE_PROOF_KEYS: 'short' }, { INTAKE_PROOF_KEYS: `${PROOF_KEY},short` }]) {
      const loaded = loadAnyEnv(source);
      expect(loaded.ok).toBe(false);
      if (!loaded.ok) expect(loaded.message).toContain('INTAKE_PROOF_KEYS');
    }
  });

  it("reads the optional RIPIO_WEBHOOK_SECRETS (the fallback check of Ripio's signature) as a list", () => {
    const [current, previous] = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
    const loaded = loadEnv({ RIPIO_WEBHOOK_SECRETS: ` ${current} , ${previous},` });
    expect(loaded.ok && loaded.env.RIPIO_WEBHOOK_SECRETS).toEqual([current, previous]);
    // They are secrets like the receiver's: a weak entry is refused.
    const weak = loadEnv({ RIPIO_WEBHOOK_SECRETS: `${current},old` });
    expect(weak.ok === false && weak.message).toContain(
      'RIPIO_WEBHOOK_SECRETS (entry 2 of 2) must be at least 32',
    );
  });

  it('takes any stalled-check interval beside the job lock (neither bounds the other)', () => {
    const loaded = loadEnv({ JOB_LOCK_MS: '5000', STALLED_INTERVAL_MS: '60000' });
    expect(loaded.ok && [loaded.env.JOB_LOCK_MS, loaded.env.STALLED_INTERVAL_MS]).toEqual([5_000, 60_000]);
  });

  it('forwards to an https URL with a Standard Webhooks secret', () => {
    const loaded = loadEnv({
      FORWARD_URL: 'https://hooks.internal/ripio',
      FORWARD_SECRET: ` ${TEST_FORWARD_SECRET} `,
    });
    expect(loaded.ok && [loaded.env.FORWARD_URL, loaded.env.FORWARD_SECRET]).toEqual([
      'https://hooks.internal/ripio',
      TEST_FORWARD_SECRET,
    ]);
  });

  it('forwards to a plain http URL only with FORWARD_ALLOW_HTTP', () => {
    const loaded = loadEnv({
      FORWARD_URL: 'http://127.0.0.1:9/hook',
      FORWARD_SECRET: TEST_FORWARD_SECRET,
      FORWARD_ALLOW_HTTP: 'true',
    });
    expect(loaded.ok && [loaded.env.FORWARD_URL, loaded.env.FORWARD_ALLOW_HTTP]).toEqual([
      'http://127.0.0.1:9/hook',
      true,
    ]);
  });

  it('treats an empty FORWARD_URL as unset', () => {
    const loaded = loadEnv({ FORWARD_URL: '', HANDLERS_MODULE: ' ' });
    expect(loaded.ok && loaded.env.FORWARD_URL).toBeUndefined();
    expect(loaded.ok && loaded.env.HANDLERS_MODULE).toBeUndefined();
  });
});
