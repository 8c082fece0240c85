import { shutdownWithoutRedis } from '@ripio-webhooks/test-support';
import { describe, expect, it } from 'vitest';
import { distMain, TOKEN } from './admin.test-helpers.js';

describe('admin process shutdown', () => {
  // It once logged "admin stopped" and then stayed alive until its deadline timer exited with code 1.
  it('exits with code 0 on SIGTERM after its Redis is gone', async () => {
    const { exit, output } = await shutdownWithoutRedis({
      name: 'the admin app',
      script: distMain('admin'),
      env: (port) => ({ ADMIN_HOST: '127.0.0.1', ADMIN_PORT: String(port), ADMIN_TOKEN: TOKEN }),
      readyPath: '/healthz',
      shutdownTimeoutMs: 1_000,
    });

    expect(exit, output).toEqual({ code: 0, signal: null });
    expect(output).toContain('admin stopped');
  });
});
