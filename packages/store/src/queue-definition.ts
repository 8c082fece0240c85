import { catalogEntryOf, eventKeyOfUnvalidated, sha256Hex } from '@ripio-webhooks/schemas';
import type { JobsOptions } from 'bullmq';
import type { DeadLetterReason } from '@ripio-webhooks/contracts';

/** The queue workers consume. */
export const EVENTS_QUEUE = 'events';
/** Where events that cannot be applied wait for an operator; no worker consumes it. */
export const DEAD_LETTER_QUEUE = 'dead-letter';
/** The custom BullMQ backoff type; the worker computes its delays with core's retry schedule. */
export const RETRY_BACKOFF_TYPE = 'ripio';
/**
 * BullMQ's own attempt ceiling. The worker's MAX_ATTEMPTS decides when an event is dead-lettered (the processor
 * moves it to the dead-letter queue itself), so operators can change it without touching queued jobs.
 */
export const BULLMQ_ATTEMPTS_CEILING = 1_000;
/** Approximate cap of each queue's BullMQ events stream (`streams.events.maxLen`), so it cannot grow unbounded. */
export const EVENTS_STREAM_MAX_LEN = 10_000;

/** BullMQ `prefix` for both queues: a hash tag, so every queue key lives in one Redis Cluster slot. */
export function bullPrefix(queuePrefix: string): string {
  return `{${queuePrefix}}`;
}

/** The data of a job on the events queue: what the receiver knew when it acknowledged the event. */
export interface EventJobData {
  /** The exact request body, decoded as UTF-8 (Ripio escapes non-ASCII, so its bodies are ASCII). */
  rawBody: string;
  bodySha256: string;
  /** ISO time the receiver read the request. */
  receivedAt: string;
  eventKey: string;
  requestId: string;
  /** The `eventType` string of the envelope (as sent), when there was one. */
  eventType: string | null;
  /** Set when an operator replayed the event from the dead-letter queue: the time of the replay. */
  replayedAt?: string;
  /** Set by the worker at the first failed attempt (kept for the dead-letter entry; cleared by a replay). */
  firstFailedAt?: string;
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

/** Job name when the envelope names no event type the catalog knows. */
export const UNKNOWN_JOB_NAME = 'unknown';

/** One job for the events queue: its name (canonical event type or `unknown`), id and data. */
export interface EventJob {
  name: string;
  eventKey: string;
  data: EventJobData;
}

export interface EventJobInput {
  /** The decoded body (not validated: the worker validates). */
  envelope: Readonly<Record<string, unknown>>;
  /** The exact request bytes (hashed, and the raw event key's input). */
  rawBody: Uint8Array | string;
  /** `rawBody` decoded as UTF-8. */
  rawText: string;
  receivedAtMs: number;
  requestId: string;
}

/**
 * The job for one signed event, as the receiver enqueues it. The event key is read without validation
 * (`eventKeyOfUnvalidated`); the worker derives the same key from the validated event.
 */
export function eventJobOf(input: EventJobInput): EventJob {
  const wireType = typeof input.envelope.eventType === 'string' ? input.envelope.eventType : null;
  const eventKey = eventKeyOfUnvalidated(input.envelope, input.rawBody);
  return {
    name: (wireType === null ? undefined : catalogEntryOf(wireType)?.eventType) ?? UNKNOWN_JOB_NAME,
    eventKey,
    data: {
      rawBody: input.rawText,
      bodySha256: sha256Hex(input.rawBody),
      receivedAt: new Date(input.receivedAtMs).toISOString(),
      eventKey,
      requestId: input.requestId,
      eventType: wireType,
    },
  };
}
