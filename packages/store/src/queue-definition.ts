import type { EventJobData } from '@ripio-webhooks/schemas';
import type { JobsOptions } from 'bullmq';
import type { DeadLetterReason } from '@ripio-webhooks/contracts';

/** The events queue's job data is defined with the pure job building in `@ripio-webhooks/schemas`. */
export type { EventJobData };

/** The queue workers consume. */
export const EVENTS_QUEUE = 'events';
/** Where events that cannot be applied wait for an operator; no worker consumes it. */
export const DEAD_LETTER_QUEUE = 'dead-letter';
/** The custom BullMQ backoff type; the worker computes its delays with core's retry schedule. */
export const RETRY_BACKOFF_TYPE = 'ripio';
/**
 * BullMQ's own attempt ceiling. The worker's RETRY_SCHEDULE decides when an event is dead-lettered (the processor
 * moves it to the dead-letter queue itself), so operators can change it without touching queued jobs.
 */
const BULLMQ_ATTEMPTS_CEILING = 1_000;
/** Approximate cap of each queue's BullMQ events stream (`streams.events.maxLen`), so it cannot grow unbounded. */
export const EVENTS_STREAM_MAX_LEN = 10_000;

/** BullMQ `prefix` for both queues: a hash tag, so every queue key lives in one Redis Cluster slot. */
export function bullPrefix(queuePrefix: string): string {
  return `{${queuePrefix}}`;
}

export type { DeadLetterReason } from '@ripio-webhooks/contracts';

/** The data of a job on the dead-letter queue. */
export interface DeadLetterData {
  job: EventJobData;
  reason: DeadLetterReason;
  error: string;
  attemptsMade: number;
  firstFailedAt: string;
  lastFailedAt: string;
  deadLetteredAt: string;
}

export interface RetentionOptions {
  /** Seconds a completed job is kept (it also keeps the receiver's job-id dedupe alive that long). */
  completedAgeSeconds: number;
  completedCount: number;
}

export const DEFAULT_RETENTION: RetentionOptions = {
  completedAgeSeconds: 24 * 3600,
  completedCount: 100_000,
};

/** Job options for every event enqueued, by the receiver or by a replay. */
export function eventJobOptions(
  eventKey: string,
  retention: RetentionOptions = DEFAULT_RETENTION,
): JobsOptions {
  return {
    jobId: eventKey,
    attempts: BULLMQ_ATTEMPTS_CEILING,
    backoff: { type: RETRY_BACKOFF_TYPE },
    removeOnComplete: { age: retention.completedAgeSeconds, count: retention.completedCount },
    removeOnFail: { age: 7 * 24 * 3600, count: 100_000 },
  };
}

/** Job options on the dead-letter queue: entries stay until an operator replays or deletes them. */
export function deadLetterJobOptions(eventKey: string): JobsOptions {
  return { jobId: eventKey, removeOnComplete: false, removeOnFail: false };
}
