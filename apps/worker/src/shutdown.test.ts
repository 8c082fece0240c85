import { fileURLToPath } from 'node:url';
import { shutdownWithoutRedis } from '@ripio-webhooks/test-support';
import { describe, expect, it } from 'vitest';
import { INTAKE_PROOF_KEY } from './worker.test-helpers.js';

describe('worker process shutdown', () => {
  // A scrape in flight with the queue gauges on is what once kept a worker alive past the deadline (> 60 s): the
  // gauges then read on the blocking connection, whose commands wait for a Redis that never comes back.
  it('exits with code 0 on SIGTERM after its Redis is gone, even with a scrape of the queue gauges in flight', async () => {
    let scrape: Promise<unknown> = Promise.resolve();
    const { exit, output } = await shutdownWithoutRedis({
      name: 'the worker',
      script: fileURLToPath(new URL('../dist/main.js', import.meta.url)),
      env: (port) => ({
        METRICS_HOST: '127.0.0.1',
        METRICS_PORT: String(port),
        EXPORT_QUEUE_GAUGES: 'true',
        INTAKE_PROOF_KEYS: INTAKE_PROOF_KEY,
      }),
      readyPath: '/healthz',
      shutdownTimeoutMs: 1_000,
      beforeSignal: (url) => {
        // Open when the signal comes; whatever it gets back does not matter.
        scrape = fetch(`${url}/metrics`).catch(() => undefined);
      },
    });

    expect(exit, output).toEqual({ code: 0, signal: null });
    expect(output).toContain('worker stopped');
    await scrape;
  });
});
