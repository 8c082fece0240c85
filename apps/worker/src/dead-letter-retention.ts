import { removeExpiredDeadLetters, type QueueConnection } from '@ripio-webhooks/store';
import type { Logger } from 'pino';
import type { WorkerMetrics } from './metrics.js';

/** How often a worker removes dead letters older than DEAD_LETTER_RETENTION_DAYS (and once at start). */
const RETENTION_SWEEP_INTERVAL_MS = 3_600_000;

const DAY_MS = 86_400_000;

export interface RetentionSweepDeps {
  connection: QueueConnection;
  retentionDays: number;
  metrics: Pick<WorkerMetrics, 'deadLettersExpired'>;
  logger: Logger;
  now?: () => number;
}

/**
 * Removes the dead letters older than the retention, except those whose event blocks an entity hold (their
 * entity waits on them: an operator must replay or release). Each removal is logged and counted. Exported for
 * its tests.
 * @internal
 */
export async function sweepExpiredDeadLetters(deps: RetentionSweepDeps): Promise<number> {
  const now = deps.now ?? Date.now;
  const olderThan = new Date(now() - deps.retentionDays * DAY_MS);
  const report = await removeExpiredDeadLetters(deps.connection, {
    olderThan,
    onRemoved: (entry) => {
      deps.metrics.deadLettersExpired.inc({ reason: entry.reason });
      deps.logger.info(
        {
          eventKey: entry.eventKey,
          eventType: entry.eventType,
          reason: entry.reason,
          deadLetteredAt: entry.deadLetteredAt,
          retentionDays: deps.retentionDays,
        },
        'dead letter removed: older than DEAD_LETTER_RETENTION_DAYS',
      );
    },
  });
  if (report.keptForHold > 0) {
    deps.logger.warn(
      { kept: report.keptForHold, retentionDays: deps.retentionDays },
      'dead letters past retention kept: each blocks an entity hold (replay or release it)',
    );
  }
  return report.removed.length;
}

/** Sweeps now and every RETENTION_SWEEP_INTERVAL_MS; returns the stop. */
export function startDeadLetterRetention(deps: RetentionSweepDeps): () => void {
  const sweep = (): void => {
    sweepExpiredDeadLetters(deps).catch((error: unknown) =>
      deps.logger.warn({ err: error }, 'dead-letter retention sweep failed'),
    );
  };
  sweep();
  const timer = setInterval(sweep, RETENTION_SWEEP_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
