import { fileURLToPath } from 'node:url';
import { shutdownWithoutRedis } from '@ripio-webhooks/test-support';
import { describe, expect, it } from 'vitest';
import { INTAKE_PROOF_KEY, SECRET } from './receiver.test-helpers.js';

describe('receiver process shutdown', () => {
  it('exits with code 0 on SIGTERM after its Redis is gone', async () => {
    const { exit, output } = await shutdownWithoutRedis({
      name: 'the receiver',
      script: fileURLToPath(new URL('../dist/main.js', import.meta.url)),
      env: (port) => ({
        HOST: '127.0.0.1',
        PORT: String(port),
        METRICS_PORT: '0',
        RIPIO_WEBHOOK_SECRETS: SECRET,
        INTAKE_PROOF_KEYS: INTAKE_PROOF_KEY,
      }),
      readyPath: '/healthz',
      shutdownTimeoutMs: 1_000,
    });

    expect(exit, output).toEqual({ code: 0, signal: null });
    expect(output).toContain('receiver stopped');
  });
});
