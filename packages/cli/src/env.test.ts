import { TEST_ADMIN_TOKEN, TEST_WEBHOOK_SECRET } from '@ripio-webhooks/test-support';
import { describe, expect, it } from 'vitest';
import { loadEnv } from './env.js';

describe('CLI env', () => {
  it('reads no secret when none is set, and strong ones as they are', () => {
    expect(loadEnv({})).toEqual({ ADMIN_URL: 'http://127.0.0.1:8081' });
    expect(
      loadEnv({ ADMIN_TOKEN: TEST_ADMIN_TOKEN, RIPIO_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET }),
    ).toMatchObject({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      RIPIO_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    });
  });

  it.each([
    ['ADMIN_TOKEN', 'change-me'],
    ['ADMIN_TOKEN', 'replace-with-a-long-random-token-openssl-rand-hex-32'],
    ['RIPIO_WEBHOOK_SECRET', 'secret'],
    ['RIPIO_WEBHOOK_SECRET', 'replace-with-the-secret-from-ripio'],
  ])('refuses a weak %s from the environment, naming it', (name, value) => {
    expect(() => loadEnv({ [name]: value })).toThrow(
      new RegExp(`${name}: ${name} (must be at least|is a placeholder)`),
    );
  });
});
