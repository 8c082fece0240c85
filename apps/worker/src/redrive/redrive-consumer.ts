import { failRedrive } from '@ripio-webhooks/event-log';
import { bullPrefix, REDRIVES_QUEUE, type RedriveJobData, type RedisClient } from '@ripio-webhooks/store';
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { runRedrive, type RedriveDeps, type RedriveEnd } from './run-redrive.js';

export interface RedriveConsumerOptions extends Omit<RedriveDeps, 'stopping'> {
  /** A connection with `maxRetriesPerRequest: null` (role `blocking`). */
  connection: RedisClient;
  queuePrefix: string;
  logger: Logger;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export interface RedriveConsumer {
  worker: Worker<RedriveJobData, RedriveEnd>;
  /** Stops after the event in hand; a re-drive still running goes back to the queue and resumes later. */
  close(): Promise<void>;
}

/**
 * A BullMQ worker on the `redrives` queue, one re-drive at a time. A crash leaves the job's lock to expire and
 * BullMQ's stalled check hands it to a live worker, which resumes after the last event settled (an event whose
 * handlers were running is settled as failed, not run twice). A failing attempt (Postgres down) retries with
 * backoff; the last one marks the re-drive failed.
 */
export function createRedriveConsumer(options: RedriveConsumerOptions): RedriveConsumer {
  let stopping = false;
  const deps: RedriveDeps = { ...options, stopping: () => stopping };
  const processJob = async (job: Job<RedriveJobData>, token?: string): Promise<RedriveEnd> => {
    const { redriveId } = job.data;
    let end: RedriveEnd;
    try {
      end = await runRedrive(deps, redriveId);
    } catch (error) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        await failRedrive(options.pool, redriveId, (error as Error).message).catch(() => undefined);
      }
      throw error;
    }
    options.logger.info({ redriveId, end }, 're-drive run ended');
    if (end === 'stopped' && token !== undefined) {
      // Shutting down mid-run: back to the queue without using an attempt; another worker resumes it.
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    return end;
  };
  const worker = new Worker<RedriveJobData, RedriveEnd>(REDRIVES_QUEUE, processJob, {
    connection: options.connection,
    prefix: bullPrefix(options.queuePrefix),
    concurrency: 1,
    // A crash loop gives up after this many stalls (the job fails; the operator sees the re-drive failed).
    maxStalledCount: 10,
    ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
    ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
  });
  worker.on('error', (error) => options.logger.error({ err: error }, 're-drive worker error'));
  worker.on('failed', (job, error) =>
    options.logger.warn({ redriveId: job?.data.redriveId, err: error }, 're-drive attempt failed'),
  );
  return {
    worker,
    close: async () => {
      stopping = true;
      await worker.close();
    },
  };
}
