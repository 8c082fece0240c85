import { catalogEntryOf, parseEventBody } from '@ripio-webhooks/schemas';
import type { EventJobData } from '@ripio-webhooks/store';
import { DelayedError, type Job } from 'bullmq';
import { RetryScheduledError } from '../errors/retry-scheduled-error.js';
import { markBlockerDeadLettered } from '../holds/hold-actions.js';
import { UNKNOWN_LABEL } from '../metrics.js';
import {
  deadLetterReasonOf,
  jobResultOf,
  processedLabelOf,
  type CommittedEventOutcome,
  type DeadLetteredOutcome,
  type JobResult,
  type ParkedOutcome,
  type ProcessingOutcome,
  type RejectedEventOutcome,
  type RetryOutcome,
  type UnsignedJobOutcome,
} from '../outcome.js';
import type { PipelineDeps } from './deps.js';
import { appendToEventLog } from './event-log-append.js';
import { lockWaitDelayMs } from './lock-step.js';
import { iso } from './step.js';

/** The BullMQ job being processed, its token and when this attempt started. */
export interface Attempt {
  job: Job<EventJobData>;
  token: string | undefined;
  startedMs: number;
}

/**
 * Applies an outcome to the job and the books: dead-letter entry, metrics, outcome counter, logs. Returns what the
 * job completes with, or throws what BullMQ needs to delay (`lock_busy`, `parked`) or retry (`retry`) it.
 */
export async function recordStep(
  deps: PipelineDeps,
  attempt: Attempt,
  outcome: ProcessingOutcome,
): Promise<JobResult> {
  switch (outcome.outcome) {
    case 'lock_busy':
      return waitForLock(deps, attempt);
    case 'parked':
      return waitParked(deps, attempt, outcome);
    case 'retry':
      return scheduleRetry(deps, attempt, outcome);
    case 'applied':
    case 'late':
    case 'conflict':
    case 'duplicate':
      observeCommit(deps, attempt, outcome);
      countProcessed(deps, attempt, outcome);
      deps.logger.debug(
        { eventKey: outcome.eventKey, outcome: outcome.outcome, jobId: attempt.job.id },
        'event committed',
      );
      return jobResultOf(outcome);
    case 'unsigned':
    case 'invalid':
    case 'unknown_type':
      await deadLetter(deps, attempt, outcome);
      countProcessed(deps, attempt, outcome);
      return jobResultOf(outcome);
    case 'handler_failed':
    case 'exhausted':
      await deadLetter(deps, attempt, outcome);
      await markIfBlocker(deps, attempt);
      return jobResultOf(outcome);
    default: {
      const unreachable: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Another worker holds the entity: back to the delayed set for a short jittered wait, no attempt spent. */
async function waitForLock(deps: PipelineDeps, { job, token }: Attempt): Promise<never> {
  if (token === undefined) throw new Error('the processor needs the BullMQ job token to delay a job');
  const waits = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
  await job.moveToDelayed(deps.now() + lockWaitDelayMs(waits, deps.random), token);
  throw new DelayedError();
}

/**
 * Parked behind the entity's blocker: back to the delayed set until the recheck, no attempt spent (the blocker's
 * commit wakes it sooner). Counted once, when it first parks.
 */
async function waitParked(deps: PipelineDeps, attempt: Attempt, outcome: ParkedOutcome): Promise<never> {
  const { job, token } = attempt;
  if (token === undefined) throw new Error('the processor needs the BullMQ job token to delay a job');
  if (outcome.added) {
    await appendToEventLog(deps, job.data, {
      outcome: 'parked',
      at: iso(deps.now()),
      attempts: job.attemptsMade,
      event: outcome.event,
    });
    countProcessed(deps, attempt, outcome);
    deps.logger.info(
      { eventKey: outcome.eventKey, blocker: outcome.blocker, jobId: job.id },
      'event parked behind its entity blocker',
    );
  }
  await job.moveToDelayed(deps.now() + outcome.delayMs, token);
  throw new DelayedError();
}

/** A dead-lettered event that blocks its entity: the hold records it (the entity stays on hold). */
async function markIfBlocker(deps: PipelineDeps, { job }: Attempt): Promise<void> {
  const parsed = parseEventBody(job.data.rawBody);
  if (parsed.ok) await markBlockerDeadLettered(deps, parsed.event, job.data.eventKey);
}

/** Notes the first failure on the job, counts and logs the retry, and hands BullMQ the schedule's delay. */
async function scheduleRetry(deps: PipelineDeps, { job }: Attempt, outcome: RetryOutcome): Promise<never> {
  if (job.data.firstFailedAt === undefined) {
    await job.updateData({ ...job.data, firstFailedAt: iso(deps.now()) });
  }
  await appendToEventLog(deps, job.data, {
    outcome: 'retrying',
    at: iso(deps.now()),
    attempts: outcome.attemptsMade,
    error: outcome.error,
  });
  deps.metrics.retries.inc({ family: catalogEntryOf(job.name)?.family ?? UNKNOWN_LABEL });
  deps.logger.warn(
    {
      eventKey: job.data.eventKey,
      jobId: job.id,
      attemptsMade: outcome.attemptsMade,
      delayMs: outcome.delayMs,
      error: outcome.error,
    },
    'event failed; retrying',
  );
  throw new RetryScheduledError(outcome.delayMs, outcome.cause);
}

async function deadLetter(deps: PipelineDeps, { job }: Attempt, outcome: DeadLetteredOutcome): Promise<void> {
  const failedAt = iso(deps.now());
  const reason = deadLetterReasonOf(outcome);
  const { error, attemptsMade } = outcome;
  // An unsigned job's data is kept as the verify step filed it (its own may lack what an entry needs).
  const data = outcome.outcome === 'unsigned' ? outcome.job : job.data;
  await deps.deadLetters.add(outcome.name, {
    job: data,
    reason,
    error,
    attemptsMade,
    firstFailedAt: data.firstFailedAt ?? failedAt,
    lastFailedAt: failedAt,
  });
  await appendToEventLog(deps, data, {
    outcome: 'dead_lettered',
    at: failedAt,
    attempts: attemptsMade,
    error,
    deadLetterReason: reason,
  });
  deps.metrics.deadLettered.inc({ reason });
  deps.logger.error(
    { eventKey: data.eventKey, jobId: job.id, reason, error, attemptsMade },
    'event dead-lettered',
  );
}

/** Lag, transition and conflict metrics of a committed event. */
function observeCommit(deps: PipelineDeps, { job }: Attempt, committed: CommittedEventOutcome): void {
  const { event, outcome, fromStatus, toStatus, conflictReason } = committed;
  const nowMs = deps.now();
  if (outcome !== 'duplicate') {
    deps.metrics.eventLag.observe(
      { family: event.family },
      Math.max(0, (nowMs - Date.parse(event.issueDatetime)) / 1000),
    );
    deps.metrics.receiptToCommit.observe(
      { family: event.family },
      Math.max(0, (nowMs - Date.parse(job.data.receivedAt)) / 1000),
    );
  }
  if (outcome === 'applied') {
    deps.metrics.transitions.inc({
      kind: event.kind,
      from: fromStatus ?? 'NEW',
      to: toStatus ?? event.status,
    });
  }
  if (conflictReason !== undefined) deps.metrics.conflicts.inc({ kind: event.kind, reason: conflictReason });
}

/** ripio_events_processed_total, ripio_processing_duration_seconds and the per-minute outcome counter. */
function countProcessed(
  deps: PipelineDeps,
  { startedMs }: Attempt,
  outcome: CommittedEventOutcome | RejectedEventOutcome | UnsignedJobOutcome | ParkedOutcome,
): void {
  const label = processedLabelOf(outcome);
  const { family, eventType } =
    'event' in outcome
      ? outcome.event
      : (catalogEntryOf(outcome.name) ?? { family: UNKNOWN_LABEL, eventType: UNKNOWN_LABEL });
  deps.metrics.processed.inc({ family, event_type: eventType, outcome: label });
  deps.metrics.processingDuration.observe({ outcome: label }, (deps.now() - startedMs) / 1000);
  deps.outcomes.record(label);
}
