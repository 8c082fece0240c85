import { retryDelayMs, type RetryPolicy } from '@ripio-webhooks/core';
import {
  bullPrefix,
  EVENTS_QUEUE,
  RETRY_BACKOFF_TYPE,
  type DeadLetterStore,
  type EventJobData,
} from '@ripio-webhooks/store';
import { Worker, type Job, type Queue } from 'bullmq';
import type { Redis, Cluster } from 'ioredis';
import type { Logger } from 'pino';
import { RetryScheduledError } from './errors/retry-scheduled-error.js';
import type { WorkerMetrics } from './metrics.js';
import type { JobResult } from './outcome.js';
import type { EventProcessor } from './process-event.js';

export interface EventWorkerOptions {
  /** A connection with `maxRetriesPerRequest: null` (role `blocking`); BullMQ duplicates it for blocking reads. */
  connection: Redis | Cluster;
  queuePrefix: string;
  processor: EventProcessor;
  concurrency: number;
  retry: RetryPolicy;
  random?: () => number;
  /** Milliseconds between stalled-job checks (STALLED_INTERVAL_MS; BullMQ default 30 s). */
  stalledIntervalMs?: number;
  /** BullMQ job lock (JOB_LOCK_MS); renewed every half of it while the job runs, so it only matters when a worker dies. */
  lockDurationMs?: number;
  name?: string;
}

/**
 * BullMQ's backoff for type `ripio`: the delay the processor already chose (RetryScheduledError), else the same
 * schedule computed from the attempt count.
 */
export function backoffStrategy(policy: RetryPolicy, random: () => number) {
  return (attemptsMade: number, type?: string, error?: Error): number => {
    if (type !== RETRY_BACKOFF_TYPE) throw new Error(`unknown backoff type ${String(type)}`);
    if (error instanceof RetryScheduledError) return error.delayMs;
    return retryDelayMs(Math.max(1, attemptsMade), policy, random);
  };
}

/** One BullMQ Worker on the events queue with the real processor; stalled-job recovery stays on. */
export function createEventWorker(options: EventWorkerOptions): Worker<EventJobData, JobResult> {
  const random = options.random ?? Math.random;
  return new Worker<EventJobData, JobResult>(EVENTS_QUEUE, (job, token) => options.processor(job, token), {
    connection: options.connection,
    prefix: bullPrefix(options.queuePrefix),
    concurrency: options.concurrency,
    settings: { backoffStrategy: backoffStrategy(options.retry, random) },
    maxStalledCount: 1,
    ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
    ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
    ...(options.name === undefined ? {} : { name: options.name }),
  });
}

export interface FailedSweepDeps {
  events: Queue<EventJobData>;
  deadLetters: Pick<DeadLetterStore, 'add'>;
  metrics: WorkerMetrics;
  logger: Logger;
}

const isoOrNow = (ms: number | undefined): string => new Date(ms ?? Date.now()).toISOString();

/**
 * Dead-letters jobs BullMQ failed outside the processor (stalled more than maxStalledCount, or its attempts
 * ceiling) and removes them from the failed set. Idempotent: the dead-letter job id is the event key, so two
 * workers sweeping at once, or a crash half-way, add one entry.
 */
export async function sweepFailedJobs(deps: FailedSweepDeps, batch = 100): Promise<number> {
  const failed: Array<Job<EventJobData> | undefined> = await deps.events.getFailed(0, batch - 1);
  let moved = 0;
  for (const job of failed) {
    if (job === undefined) continue;
    await deps.deadLetters.add(job.name, {
      job: job.data,
      reason: 'exhausted',
      error: job.failedReason === '' ? 'failed by BullMQ' : job.failedReason,
      attemptsMade: job.attemptsMade,
      firstFailedAt: job.data.firstFailedAt ?? isoOrNow(job.processedOn),
      lastFailedAt: isoOrNow(job.finishedOn),
    });
    await job.remove().catch((error: unknown) => {
      deps.logger.debug({ err: error, jobId: job.id }, 'failed job already removed by another sweep');
    });
    deps.metrics.deadLettered.inc({ reason: 'exhausted' });
    deps.logger.error({ jobId: job.id, error: job.failedReason }, 'job failed by BullMQ; dead-lettered');
    moved += 1;
  }
  return moved;
}
