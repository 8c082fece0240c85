import type { EventJobData } from '@ripio-webhooks/store';
import type { Worker } from 'bullmq';
import { startDeadLetterRetention, type RetentionSweepDeps } from './dead-letter-retention.js';
import { sweepFailedJobs, type FailedSweepDeps } from './event-worker.js';
import type { JobResult } from './outcome.js';
import { startUnsettledRepair, type UnsettledRepairDeps } from './unsettled-repair.js';

/** How often a worker looks for jobs BullMQ failed on its own (stalled too often) to dead-letter them. */
const FAILED_SWEEP_INTERVAL_MS = 60_000;

/** Sweeps now, every FAILED_SWEEP_INTERVAL_MS and whenever BullMQ fails a job for good; returns the stop. */
function startFailedSweep(worker: Worker<EventJobData, JobResult>, deps: FailedSweepDeps): () => void {
  const sweep = (): void => {
    sweepFailedJobs(deps).catch((error: unknown) =>
      deps.logger.warn({ err: error }, 'failed-job sweep failed'),
    );
  };
  worker.on('failed', (job) => {
    if (job?.finishedOn !== undefined) sweep();
  });
  sweep();
  const sweepTimer = setInterval(sweep, FAILED_SWEEP_INTERVAL_MS);
  sweepTimer.unref();
  return () => clearInterval(sweepTimer);
}

/**
 * The worker's background sweeps: failed jobs into the dead-letter queue, dead letters past
 * DEAD_LETTER_RETENTION_DAYS out of it, and the repair of the unsettled-entity index. Returns the one stop for all.
 */
export function startSweeps(
  worker: Worker<EventJobData, JobResult>,
  deps: FailedSweepDeps &
    Omit<RetentionSweepDeps, 'metrics' | 'logger'> &
    Omit<UnsettledRepairDeps, 'logger'>,
): () => void {
  const stopFailed = startFailedSweep(worker, deps);
  const stopRetention = startDeadLetterRetention(deps);
  const stopRepair = startUnsettledRepair(deps);
  return () => {
    stopFailed();
    stopRetention();
    stopRepair();
  };
}
