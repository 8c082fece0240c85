import { z } from 'zod';

/**
 * What processing one event ended in: the `outcome` label of `ripio_events_processed_total`, the keys of
 * `outcomesLastHour` in `/api/stats`, and the value of an event's dedupe record (a committed one). `parked`: the
 * event waits behind its entity's blocker (counted once, when it first parks).
 */
export const PROCESSING_OUTCOMES = [
  'applied',
  'late',
  'conflict',
  'duplicate',
  'invalid',
  'unknown_type',
  'unsigned',
  'parked',
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

/**
 * The states in which a job waits for a worker (the backlog): the `state` label of
 * `ripio_queue_oldest_waiting_age_seconds`.
 */
export const BACKLOG_STATES = ['waiting', 'delayed', 'prioritized'] as const satisfies readonly QueueState[];
export const BacklogState = z.enum(BACKLOG_STATES);
export type BacklogState = z.infer<typeof BacklogState>;

/** What replaying one dead-letter entry did: put back on the events queue, or no such entry. */
export const REPLAY_OUTCOMES = ['replayed', 'missing'] as const;

/**
 * The state of an entity's hold, by its blocking event: `retrying` (its attempts fail and it retries),
 * `dead_lettered` (in the dead-letter queue: replay or release it), `draining` (a parked event that became the
 * blocker when the one before it committed). The `state` label of `ripio_entities_on_hold`.
 */
export const HOLD_STATES = ['retrying', 'dead_lettered', 'draining'] as const;
export const HoldState = z.enum(HOLD_STATES);
export type HoldState = z.infer<typeof HoldState>;

/** How an operator releases a hold: `discard` the blocker for good, or `skip` it (a later replay is decided normally). */
const RELEASE_ACTIONS = ['discard', 'skip'] as const;
export const ReleaseAction = z.enum(RELEASE_ACTIONS);
export type ReleaseAction = z.infer<typeof ReleaseAction>;
