import { z } from 'zod';

/**
 * What processing one event ended in: the `outcome` label of `ripio_events_processed_total`, the keys of
 * `outcomesLastHour` in `/api/stats`, and the value of an event's dedupe record.
 */
export const PROCESSING_OUTCOMES = [
  'applied',
  'late',
  'conflict',
  'duplicate',
  'invalid',
  'unknown_type',
  'unsigned',
] as const;
export const ProcessingOutcome = z.enum(PROCESSING_OUTCOMES);
export type ProcessingOutcome = z.infer<typeof ProcessingOutcome>;

/** The outcomes committed to an entity, so the ones an entity's history shows. */
export const COMMITTED_OUTCOMES = [
  'applied',
  'late',
  'conflict',
  'duplicate',
] as const satisfies readonly ProcessingOutcome[];
export const CommittedOutcome = z.enum(COMMITTED_OUTCOMES);
export type CommittedOutcome = z.infer<typeof CommittedOutcome>;

/** Why an event waits in the dead-letter queue: the `reason` of an entry and of `ripio_dead_letter_size`. */
/** `unsigned`: the job carried no valid proof that a receiver verified it (nothing of it was applied). */
export const DEAD_LETTER_REASONS = [
  'invalid',
  'unknown_type',
  'unsigned',
  'handler_failed',
  'exhausted',
] as const;
export const DeadLetterReason = z.enum(DEAD_LETTER_REASONS);
export type DeadLetterReason = z.infer<typeof DeadLetterReason>;

/** Job states counted per queue: the `state` label of `ripio_queue_jobs` and the keys of `/api/stats` queues. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;
export const QueueState = z.enum(QUEUE_STATES);
export type QueueState = z.infer<typeof QueueState>;

/** What replaying one dead-letter entry did: put back on the events queue, or no such entry. */
export const REPLAY_OUTCOMES = ['replayed', 'missing'] as const;
