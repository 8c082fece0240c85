import { BREAKER_MODES } from '@ripio-webhooks/contracts';
import { Gauge, type Registry } from 'prom-client';
import type { BreakerGate } from './breaker-gate.js';

/**
 * `ripio_worker_breaker_state{state}`: 1 for the state this worker sees the shared breaker in, 0 for the others;
 * `ripio_processing_paused`: 1 while an operator has paused processing. Both read at scrape time from what the
 * worker last polled.
 */
export function registerBreakerMetrics(
  registry: Registry,
  gate: Pick<BreakerGate, 'current'>,
  paused: () => boolean,
): void {
  new Gauge({
    name: 'ripio_worker_breaker_state',
    help: 'Circuit breaker state as this worker sees it: 1 for the current state (closed, open, half_open).',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const mode = gate.current().mode;
      for (const state of BREAKER_MODES) this.set({ state }, state === mode ? 1 : 0);
    },
  });
  new Gauge({
    name: 'ripio_processing_paused',
    help: '1 while an operator has paused event processing (no worker takes events; intake goes on).',
    registers: [registry],
    collect() {
      this.set(paused() ? 1 : 0);
    },
  });
}
