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
export function createAdminMetrics(readSnapshot: () => Promise<QueueSnapshot>): AdminMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ripio_' });

  let pending: Promise<QueueSnapshot> | undefined;
  /** The gauges of one scrape all call this; they share a single read. */
  const snapshot = (): Promise<QueueSnapshot> => {
    pending ??= readSnapshot().finally(() => {
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

  new Gauge({
    name: 'ripio_queue_jobs',
    help: 'Jobs per queue and state, read at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      const data = await snapshot();
      for (const state of QUEUE_STATES) {
        this.set({ queue: EVENTS_QUEUE, state }, data.events[state]);
        this.set({ queue: DEAD_LETTER_QUEUE, state }, data.deadLetter[state]);
      }
    },
  });
  new Gauge({
    name: 'ripio_queue_oldest_waiting_age_seconds',
    help: 'Age of the oldest job waiting on the queue (0 when none waits)',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.set({ queue: EVENTS_QUEUE }, (await snapshot()).oldestWaitingAgeSeconds);
    },
  });
  new Gauge({
    name: 'ripio_dead_letter_size',
    help: 'Dead-letter entries by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
    async collect() {
      for (const [reason, count] of Object.entries((await snapshot()).deadLetterByReason)) {
        this.set({ reason }, count);
      }
    },
  });
  new Gauge({
    name: 'ripio_redis_used_memory_bytes',
    help: 'Redis INFO used_memory (summed over primaries on a cluster)',
    registers: [registry],
    async collect() {
      this.set((await snapshot()).redisUsedMemoryBytes);
    },
  });

  return { registry, replays };
}
