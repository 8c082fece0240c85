import type { ConflictReason } from '@ripio-webhooks/core';
import type { ParsedEvent } from '@ripio-webhooks/schemas';
import type { CommittedOutcome, DeadLetterReason, EventJobData, OutcomeLabel } from '@ripio-webhooks/store';

/**
 * What one attempt at an event ends in (discriminant `outcome`), and beside it what each one maps to:
 *
 * | outcome                      | job                          | ripio_events_processed_total | dead-letter reason |
 * | ---------------------------- | ---------------------------- | ---------------------------- | ------------------ |
 * | applied, late, conflict,     | completes: committed         | yes, `outcome` label         | -                  |
 * |   duplicate                  |                              |                              |                    |
 * | unsigned                     | completes: dead-lettered     | yes, `outcome` label         | the same name      |
 * | invalid, unknown_type        | completes: dead-lettered     | yes, `outcome` label         | the same name      |
 * | lock_busy                    | delayed, no attempt spent    | no                           | -                  |
 * | parked                       | delayed, no attempt spent    | yes, when first parked       | -                  |
 * | retry                        | fails, retried after delayMs | no (ripio_retries_total)     | -                  |
 * | handler_failed, exhausted    | completes: dead-lettered     | no                           | the same name      |
 *
 * The names are metric labels and stored data (history entries, dead-letter reasons): never rename one.
 */
export type ProcessingOutcome =
  | CommittedEventOutcome
  | UnsignedJobOutcome
  | RejectedEventOutcome
  | LockBusyOutcome
  | ParkedOutcome
  | RetryOutcome
  | FailedEventOutcome;

/** Committed to its entity: history entry and dedupe record, and the entity itself when applied. */
export interface CommittedEventOutcome {
  outcome: CommittedOutcome;
  event: ParsedEvent;
  eventKey: string;
  /** The entity's status before the event (null: it did not exist). */
  fromStatus: string | null;
  /** The entity's status after the event (an applied event may leave it as it was: a Sell and Pay extra deposit). */
  toStatus: string | null;
  /** Why a `conflict` is one (undefined for the other outcomes). */
  conflictReason: ConflictReason | undefined;
}

/** Another worker holds the entity's lock: the job waits a little, without spending an attempt. */
export interface LockBusyOutcome {
  outcome: 'lock_busy';
}

/**
 * The entity is on hold behind another event: this one is parked (in arrival order) and its job waits `delayMs`
 * for a recheck without spending an attempt, unless the blocker's commit wakes it first.
 */
export interface ParkedOutcome {
  outcome: 'parked';
  event: ParsedEvent;
  eventKey: string;
  /** The blocker it waits behind. */
  blocker: string;
  /** True the first time it parks (a recheck that parks again is not counted again). */
  added: boolean;
  delayMs: number;
}

/** What a dead-lettered outcome records: the job name it is filed under, why, and after how many attempts. */
interface DeadLetterDetails {
  name: string;
  error: string;
  attemptsMade: number;
}

/**
 * The job carries no valid proof that a receiver verified it (it was put on the queue some other way, or its body
 * was changed): dead-lettered on the first attempt, its body never parsed, no entity touched, no handler run.
 */
export interface UnsignedJobOutcome extends DeadLetterDetails {
  outcome: 'unsigned';
  /** The job's data as the dead-letter entry keeps it (fields it lacks filled in, so the entry can be listed). */
  job: EventJobData;
}

/** Invalid, unknown or unstorable: nothing a retry could change, dead-lettered on the first attempt. */
export interface RejectedEventOutcome extends DeadLetterDetails {
  outcome: 'invalid' | 'unknown_type';
}

/** The attempt failed and the retry schedule allows another, `delayMs` from now. */
export interface RetryOutcome {
  outcome: 'retry';
  delayMs: number;
  /** What made the attempt fail. */
  cause: unknown;
  error: string;
  attemptsMade: number;
}

/** The attempt failed and no retry is left, or none could help. */
export interface FailedEventOutcome extends DeadLetterDetails {
  outcome: 'handler_failed' | 'exhausted';
}

/** What the outcomes that end in the dead-letter queue have in common. */
export type DeadLetteredOutcome = UnsignedJobOutcome | RejectedEventOutcome | FailedEventOutcome;

/** What a job returns: BullMQ stores it as the job's return value, and the admin API shows it (stored data). */
export type JobResult =
  { result: 'committed'; outcome: CommittedOutcome } | { result: 'dead-lettered'; reason: DeadLetterReason };

/** The outcomes that complete the job, with what it returns. */
export function jobResultOf(outcome: CommittedEventOutcome | DeadLetteredOutcome): JobResult {
  switch (outcome.outcome) {
    case 'applied':
    case 'late':
    case 'conflict':
    case 'duplicate':
      return { result: 'committed', outcome: outcome.outcome };
    case 'unsigned':
    case 'invalid':
    case 'unknown_type':
    case 'handler_failed':
    case 'exhausted':
      return { result: 'dead-lettered', reason: deadLetterReasonOf(outcome) };
    default: {
      const unreachable: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The dead-letter reason (and `reason` label of ripio_dead_lettered_total): the outcome's own name. */
export function deadLetterReasonOf(outcome: DeadLetteredOutcome): DeadLetterReason {
  return outcome.outcome;
}

/** The `outcome` label of ripio_events_processed_total and of the per-minute counters: the outcome's own name. */
export function processedLabelOf(
  outcome: CommittedEventOutcome | RejectedEventOutcome | UnsignedJobOutcome | ParkedOutcome,
): OutcomeLabel {
  return outcome.outcome;
}
