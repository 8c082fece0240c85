import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { DEAD_LETTER_QUEUE, EVENTS_QUEUE, QUEUE_STATES, type QueueSnapshot } from '@ripio-webhooks/store';

export type ReplayMetricResult = 'replayed' | 'missing';

export interface AdminMetrics {
  registry: Registry;
  replays: Counter<'result'>;
}

/**
 * The admin app's registry: default process metrics, replays, and the queue gauges, which are read from Redis
 * at scrape time (one snapshot per scrape, shared by every gauge).
 */
export function createAdminMetrics(
  readSnapshot: () => Promise<QueueSnapshot>,
  onSnapshotError: (error: unknown) => void = () => undefined,
): AdminMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ripio_' });

  let pending: Promise<QueueSnapshot | undefined> | undefined;
  /**
   * The gauges of one scrape all call this; they share a single read. When Redis does not answer, the queue
   * gauges are left out of that scrape (the process metrics still go out) instead of failing it.
   */
  const snapshot = (): Promise<QueueSnapshot | undefined> => {
    pending ??= readSnapshot()
      .catch((error: unknown) => {
        onSnapshotError(error);
        return undefined;
      })
      .finally(() => {
        setImmediate(() => {
          pending = undefined;
        });
      });
    return pending;
  };

  const replays = new Counter({
    name: 'ripio_replays_total',
    help: 'Dead-letter entries replayed by an operator, by result',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const result of ['replayed', 'missing'] as const satisfies readonly ReplayMetricResult[]) {
    replays.inc({ result }, 0);
  }

  /** A gauge filled from the scrape's snapshot; without one, its series are left out of the scrape. */
  const queueGauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (gauge: Gauge<L>, data: QueueSnapshot) => void,
  ): void => {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const data = await snapshot();
        this.reset();
        if (data !== undefined) fill(this, data);
        // A gauge without labels cannot be left out: NaN says "unknown" where 0 would be a false reading.
        else if (labelNames.length === 0) (this as Gauge).set(Number.NaN);
      },
    });
  };

  queueGauge(
    'ripio_queue_jobs',
    'Jobs per queue and state, read at scrape time',
    ['queue', 'state'],
    (gauge, data) => {
      for (const state of QUEUE_STATES) {
        gauge.set({ queue: EVENTS_QUEUE, state }, data.events[state]);
        gauge.set({ queue: DEAD_LETTER_QUEUE, state }, data.deadLetter[state]);
      }
    },
  );
  queueGauge(
    'ripio_queue_oldest_waiting_age_seconds',
    'Age of the oldest job waiting on the queue (0 when none waits)',
    ['queue'],
    (gauge, data) => gauge.set({ queue: EVENTS_QUEUE }, data.oldestWaitingAgeSeconds),
  );
  queueGauge('ripio_dead_letter_size', 'Dead-letter entries by reason', ['reason'], (gauge, data) => {
    for (const [reason, count] of Object.entries(data.deadLetterByReason)) gauge.set({ reason }, count);
  });
  queueGauge(
    'ripio_redis_used_memory_bytes',
    'Redis INFO used_memory (summed over primaries on a cluster)',
    [],
    (gauge, data) => gauge.set(data.redisUsedMemoryBytes),
  );

  return { registry, replays };
}
