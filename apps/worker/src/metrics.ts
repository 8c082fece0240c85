import { CONFLICT_REASONS } from '@ripio-webhooks/core';
import { ENTITY_KINDS, FAMILIES } from '@ripio-webhooks/schemas';
import {
  DEAD_LETTER_REASONS,
  PROCESSING_OUTCOMES,
  readQueueSnapshot,
  registerQueueGauges,
  type RedisClient,
} from '@ripio-webhooks/store';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The label value used when an event's family or type is not known (invalid or unknown events). */
export const UNKNOWN_LABEL = 'unknown';

export interface WorkerMetrics {
  registry: Registry;
  processed: Counter<'family' | 'event_type' | 'outcome'>;
  processingDuration: Histogram<'outcome'>;
  eventLag: Histogram<'family'>;
  receiptToCommit: Histogram<'family'>;
  transitions: Counter<'kind' | 'from' | 'to'>;
  conflicts: Counter<'kind' | 'reason'>;
  retries: Counter<'family'>;
  deadLettered: Counter<'reason'>;
  deadLettersExpired: Counter<'reason'>;
  handlerFailures: Counter<'handler'>;
  workerUp: Gauge;
}

export interface WorkerMetricsOptions {
  /** Process metrics (CPU, memory, event loop); off in tests that build many workers in one process. */
  defaultMetrics: boolean;
  /**
   * Queue gauges collected on scrape (EXPORT_QUEUE_GAUGES), the same series as the admin app's. When a snapshot
   * read fails, `onSnapshotError` hears of it and the gauges are left out of that scrape.
   */
  queueGauges?:
    { redis: RedisClient; queuePrefix: string; onSnapshotError?: (error: unknown) => void } | undefined;
}

const LAG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400];

/** One registry per worker process; label values come from fixed lists, so series stay bounded. */
export function createWorkerMetrics(options: WorkerMetricsOptions): WorkerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'ripio_' });
  const metrics: WorkerMetrics = {
    registry,
    ...eventMetrics([registry]),
    ...failureMetrics([registry]),
    workerUp: new Gauge({ name: 'ripio_worker_up', help: '1 while the worker runs.', registers: [registry] }),
  };
  metrics.workerUp.set(1);
  for (const outcome of PROCESSING_OUTCOMES) metrics.processingDuration.zero({ outcome });
  for (const reason of DEAD_LETTER_REASONS) {
    metrics.deadLettered.inc({ reason }, 0);
    metrics.deadLettersExpired.inc({ reason }, 0);
  }
  for (const kind of ENTITY_KINDS) {
    for (const reason of CONFLICT_REASONS) metrics.conflicts.inc({ kind, reason }, 0);
  }
  for (const family of FAMILIES) metrics.retries.inc({ family }, 0);
  const gauges = options.queueGauges;
  if (gauges !== undefined) {
    registerQueueGauges(registry, () => readQueueSnapshot(gauges), gauges.onSnapshotError);
  }
  return metrics;
}

/** What processing events ends in, how long it takes, and what it does to entities. */
function eventMetrics(
  registers: Registry[],
): Pick<
  WorkerMetrics,
  'processed' | 'processingDuration' | 'eventLag' | 'receiptToCommit' | 'transitions' | 'conflicts'
> {
  return {
    processed: new Counter({
      name: 'ripio_events_processed_total',
      help: 'Events processed, by family, canonical event type and outcome.',
      labelNames: ['family', 'event_type', 'outcome'],
      registers,
    }),
    processingDuration: new Histogram({
      name: 'ripio_processing_duration_seconds',
      help: 'Time to process one event (lock, decide, handlers, commit), by outcome.',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    eventLag: new Histogram({
      name: 'ripio_event_lag_seconds',
      help: "Time from an event's issueDatetime to its commit, by family.",
      labelNames: ['family'],
      buckets: LAG_BUCKETS,
      registers,
    }),
    receiptToCommit: new Histogram({
      name: 'ripio_receipt_to_commit_seconds',
      help: 'Time from the receiver reading an event to its commit, by family.',
      labelNames: ['family'],
      buckets: LAG_BUCKETS,
      registers,
    }),
    transitions: new Counter({
      name: 'ripio_transitions_total',
      help: 'Applied status transitions, by kind, from (NEW for a new entity) and to.',
      labelNames: ['kind', 'from', 'to'],
      registers,
    }),
    conflicts: new Counter({
      name: 'ripio_conflicts_total',
      help: 'Events that contradicted their entity (recorded with their payload, status unchanged), by kind and reason.',
      labelNames: ['kind', 'reason'],
      registers,
    }),
  };
}

/** Retries, dead letters and handler failures. */
function failureMetrics(
  registers: Registry[],
): Pick<WorkerMetrics, 'retries' | 'deadLettered' | 'deadLettersExpired' | 'handlerFailures'> {
  return {
    retries: new Counter({
      name: 'ripio_retries_total',
      help: 'Failed attempts scheduled for a retry, by family.',
      labelNames: ['family'],
      registers,
    }),
    deadLettered: new Counter({
      name: 'ripio_dead_lettered_total',
      help: 'Events moved to the dead-letter queue, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    deadLettersExpired: new Counter({
      name: 'ripio_dead_letters_expired_total',
      help: 'Dead-letter entries removed after DEAD_LETTER_RETENTION_DAYS, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    handlerFailures: new Counter({
      name: 'ripio_handler_failures_total',
      help: 'Handler failures (throws and timeouts), by handler (event type, *, forward).',
      labelNames: ['handler'],
      registers,
    }),
  };
}
