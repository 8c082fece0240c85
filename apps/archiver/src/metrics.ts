import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ArchiverMetrics {
  registry: Registry;
  archived: Counter<'table'>;
  batchSeconds: Histogram;
  writeErrors: Counter;
  rejected: Counter;
  partitionsDropped: Counter;
}

/**
 * The archiver's metrics. `ripio_event_log_lag_seconds` is read from Redis at each scrape (how old the oldest
 * record not yet in Postgres is), so it keeps growing while Postgres is down.
 */
export function createArchiverMetrics(lagSeconds: () => Promise<number>, defaults = true): ArchiverMetrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry, prefix: 'ripio_' });
  new Gauge({
    name: 'ripio_event_log_lag_seconds',
    help: 'Age of the oldest event-log record not yet written to Postgres (0 when the stream is caught up).',
    registers: [registry],
    async collect() {
      this.set(await lagSeconds());
    },
  });
  return {
    registry,
    archived: new Counter({
      name: 'ripio_event_log_written_total',
      help: 'Rows the archiver inserted or changed in Postgres, by table (events, entity_state).',
      labelNames: ['table'],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'ripio_event_log_batch_seconds',
      help: 'Time to write one batch of stream entries to Postgres.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    writeErrors: new Counter({
      name: 'ripio_event_log_write_errors_total',
      help: 'Batches that failed to write (Postgres down or refusing); the batch is retried, not acknowledged.',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'ripio_event_log_rejected_total',
      help: 'Stream entries that are not an event-log record (logged in full, then acknowledged).',
      registers: [registry],
    }),
    partitionsDropped: new Counter({
      name: 'ripio_event_log_partitions_dropped_total',
      help: 'Month partitions dropped by retention.',
      registers: [registry],
    }),
  };
}
