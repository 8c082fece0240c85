import type { Registry } from 'prom-client';
import { DEAD_LETTER_QUEUE, EVENTS_QUEUE } from './queue-definition.js';
import { BACKLOG_STATES, DEAD_LETTER_REASONS, QUEUE_STATES, type QueueSnapshot } from './queue-snapshot.js';
import { oneReadPerScrape, snapshotGaugeDefiner } from './scrape-snapshot.js';

/** The queue gauge names, in the order they are registered. */
export const QUEUE_GAUGE_NAMES = [
  'ripio_queue_jobs',
  'ripio_queue_oldest_waiting_age_seconds',
  'ripio_dead_letter_size',
  'ripio_redis_used_memory_bytes',
  'ripio_redis_maxmemory_bytes',
] as const;

/**
 * Registers the queue gauges (`ripio_queue_jobs`, `ripio_queue_oldest_waiting_age_seconds{queue,state}`,
 * `ripio_dead_letter_size`) and the Redis memory gauges (`ripio_redis_used_memory_bytes`,
 * `ripio_redis_maxmemory_bytes`), read from a queue snapshot at scrape time. The one definition both exporters
 * use (admin always, a worker with EXPORT_QUEUE_GAUGES=true), so their series cannot drift apart.
 *
 * The gauges of one scrape share a single snapshot read. When it fails (Redis down), the labelled gauges are
 * left out of that scrape and the two Redis memory gauges are NaN ("unknown", where 0 would be a false
 * reading); the rest of the registry still goes out.
 */
export function registerQueueGauges(
  registry: Registry,
  readSnapshot: () => Promise<QueueSnapshot>,
  onSnapshotError: (error: unknown) => void = () => undefined,
): void {
  const queueGauge = snapshotGaugeDefiner<(typeof QUEUE_GAUGE_NAMES)[number], QueueSnapshot>(
    registry,
    oneReadPerScrape(readSnapshot, onSnapshotError),
  );
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
    'Age of the oldest job waiting on the queue, by the state it waits in (0 when none waits there)',
    ['queue', 'state'],
    (gauge, data) => {
      for (const state of BACKLOG_STATES) {
        gauge.set({ queue: EVENTS_QUEUE, state }, data.oldestBacklogAgeSeconds[state]);
      }
      gauge.set({ queue: DEAD_LETTER_QUEUE, state: 'waiting' }, data.deadLetterOldestAgeSeconds);
    },
  );
  queueGauge('ripio_dead_letter_size', 'Dead-letter entries by reason', ['reason'], (gauge, data) => {
    for (const reason of DEAD_LETTER_REASONS) gauge.set({ reason }, data.deadLetterByReason[reason]);
  });
  queueGauge(
    'ripio_redis_used_memory_bytes',
    'Redis INFO used_memory (summed over primaries on a cluster)',
    [],
    (gauge, data) => gauge.set(data.redisUsedMemoryBytes),
  );
  queueGauge(
    'ripio_redis_maxmemory_bytes',
    'Redis INFO maxmemory (summed over primaries on a cluster); 0 means no limit',
    [],
    (gauge, data) => gauge.set(data.redisMaxMemoryBytes),
  );
}
