import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { REPLAY_OUTCOMES, type HeldEntity, type QueueSnapshot } from '@ripio-webhooks/contracts';
import { registerQueueGauges } from '@ripio-webhooks/store';
import { registerHoldGauges } from './hold-gauges.js';
import { registerStuckGauge, type StuckCount } from './stuck.js';

export interface AdminMetrics {
  registry: Registry;
  replays: Counter<'result'>;
}

/**
 * The admin app's registry: default process metrics, replays, and the queue gauges (store's
 * `registerQueueGauges`, the same series a worker exports with EXPORT_QUEUE_GAUGES=true), the hold gauges and the
 * stuck-entity gauge.
 */
export function createAdminMetrics(
  readSnapshot: () => Promise<QueueSnapshot>,
  onSnapshotError: (error: unknown) => void = () => undefined,
  /** The entities on hold, for the hold gauges (absent: no hold gauges). */
  listHolds?: () => Promise<HeldEntity[]>,
  /** The stuck entities per kind and status, for `ripio_entities_stuck` (absent: no such gauge). */
  countStuck?: () => Promise<StuckCount[]>,
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
  if (listHolds !== undefined) registerHoldGauges(registry, listHolds, onSnapshotError);
  if (countStuck !== undefined) registerStuckGauge(registry, countStuck, onSnapshotError);

  return { registry, replays };
}
