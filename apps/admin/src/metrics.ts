import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { REPLAY_OUTCOMES, type QueueSnapshot } from '@ripio-webhooks/contracts';
import { registerQueueGauges } from '@ripio-webhooks/store';

export interface AdminMetrics {
  registry: Registry;
  replays: Counter<'result'>;
}

/**
 * The admin app's registry: default process metrics, replays, and the queue gauges (store's
 * `registerQueueGauges`, the same series a worker exports with EXPORT_QUEUE_GAUGES=true).
 */
export function createAdminMetrics(
  readSnapshot: () => Promise<QueueSnapshot>,
  onSnapshotError: (error: unknown) => void = () => undefined,
): AdminMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ripio_' });

  const replays = new Counter({
    name: 'ripio_replays_total',
    help: 'Dead-letter entries replayed by an operator, by result',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const result of REPLAY_OUTCOMES) replays.inc({ result }, 0);

  registerQueueGauges(registry, readSnapshot, onSnapshotError);

  return { registry, replays };
}
