import { randomUUID } from 'node:crypto';
import { decideRetry, decideTransition, type RetryPolicy } from '@ripio-webhooks/core';
import {
  catalogEntryOf,
  eventKeyOfEvent,
  parseEventBody,
  type ParsedEvent,
  type ParseFailureReason,
} from '@ripio-webhooks/schemas';
import {
  createOutcomeCounter,
  prepareCommit,
  unstorableFieldsIssue,
  type CommittedOutcome,
  type DeadLetterReason,
  type DeadLetterStore,
  type EntityStore,
  type EventJobData,
  type ProcessingOutcome,
  type RedisClient,
} from '@ripio-webhooks/store';
import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { lockWaitDelayMs, planCommit, type Verdict } from './commit-plan.js';
import { CommitRejectedError } from './errors/commit-rejected-error.js';
import { HandlerFailedError } from './errors/handler-failed-error.js';
import { RetryScheduledError } from './errors/retry-scheduled-error.js';
import { isUnrecoverable } from './errors/unrecoverable-event-error.js';
import type { HandlerRunner } from './handlers/run-handlers.js';
import { UNKNOWN_LABEL, type WorkerMetrics } from './metrics.js';

/**
 * The entity lock outlives the longest handler run by this margin (lock + handlers + commit), unless the settings
 * give one: the worker service uses JOB_LOCK_MS (30 s by default), sized like it for the longest pause.
 */
export const LOCK_TTL_MARGIN_MS = 30_000;

export interface ProcessorSettings {
  queuePrefix: string;
  handlerTimeoutMs: number;
  /** Entity lock TTL = handlerTimeoutMs + this (default LOCK_TTL_MARGIN_MS). */
  lockTtlMarginMs?: number;
  handleConflicts: boolean;
  dedupeTtlSeconds: number;
  historyLimit: number;
  retry: RetryPolicy;
}

export interface ProcessorDeps {
  settings: ProcessorSettings;
  /** For the per-minute outcome counters. */
  redis: RedisClient;
  entities: EntityStore;
  deadLetters: Pick<DeadLetterStore, 'add'>;
  handlers: HandlerRunner;
  metrics: WorkerMetrics;
  logger: Logger;
  /** Jitter source for retries and lock waits (tests inject one). */
  random?: () => number;
  now?: () => number;
}

/** What a job returns (BullMQ stores it as the job's return value). */
export type JobResult =
  { result: 'committed'; outcome: CommittedOutcome } | { result: 'dead-lettered'; reason: DeadLetterReason };

export type EventProcessor = (job: Job<EventJobData>, token?: string) => Promise<JobResult>;

const iso = (ms: number): string => new Date(ms).toISOString();

export function createEventProcessor(deps: ProcessorDeps): EventProcessor {
  const { settings, entities, metrics, logger } = deps;
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const lockTtlMs = settings.handlerTimeoutMs + (settings.lockTtlMarginMs ?? LOCK_TTL_MARGIN_MS);
  // Per-minute outcome counters, written once a second and whenever no job is in flight (which includes the
  // end of a shutdown's drain): no Redis request per event. A failed write is retried with the next one.
  const outcomes = createOutcomeCounter({
    redis: deps.redis,
    queuePrefix: settings.queuePrefix,
    now,
    onError: (error) => logger.warn({ err: error }, 'could not record the outcome counters'),
  });
  let inFlight = 0;

  function countOutcome(outcome: ProcessingOutcome, family: string, eventType: string, startedMs: number) {
    metrics.processed.inc({ family, event_type: eventType, outcome });
    metrics.processingDuration.observe({ outcome }, (now() - startedMs) / 1000);
    outcomes.record(outcome);
  }

  async function deadLetter(
    job: Job<EventJobData>,
    name: string,
    reason: DeadLetterReason,
    error: string,
    attemptsMade: number,
  ): Promise<JobResult> {
    const failedAt = iso(now());
    await deps.deadLetters.add(name, {
      job: job.data,
      reason,
      error,
      attemptsMade,
      firstFailedAt: job.data.firstFailedAt ?? failedAt,
      lastFailedAt: failedAt,
    });
    metrics.deadLettered.inc({ reason });
    logger.error(
      { eventKey: job.data.eventKey, jobId: job.id, reason, error, attemptsMade },
      'event dead-lettered',
    );
    return { result: 'dead-lettered', reason };
  }

  /** Invalid, unknown or unstorable: nothing a retry could change, so straight to the dead-letter queue. */
  async function deadLetterAtOnce(
    job: Job<EventJobData>,
    reason: ParseFailureReason,
    name: string,
    issues: string[],
    startedMs: number,
  ): Promise<JobResult> {
    const entry = catalogEntryOf(name);
    const result = await deadLetter(job, name, reason, issues.join('; '), 0);
    countOutcome(reason, entry?.family ?? UNKNOWN_LABEL, entry?.eventType ?? UNKNOWN_LABEL, startedMs);
    return result;
  }

  /**
   * Steps 3-6 under the entity lock: decide, build the commit, run handlers, commit. Throws to retry; the caller
   * unlocks. A commit that can never be stored is answered before any handler runs.
   */
  async function decideAndCommit(
    job: Job<EventJobData>,
    event: ParsedEvent,
    eventKey: string,
    lockToken: string,
    loaded: { entity: Parameters<typeof planCommit>[0]['before']; seenOutcome: string | undefined },
  ): Promise<{ kind: 'committed'; outcome: CommittedOutcome } | { kind: 'unstorable'; error: string }> {
    const before = loaded.entity;
    const verdict: Verdict =
      loaded.seenOutcome !== undefined
        ? { outcome: 'duplicate' }
        : decideTransition(event.kind, before?.status ?? null, event.status);
    const plan = planCommit({
      event,
      eventKey,
      before,
      verdict,
      receivedAt: job.data.receivedAt,
      now: iso(now()),
    });

    // Everything the commit sends is encoded now, before any side effect.
    const prepared = prepareCommit({
      kind: event.kind,
      id: event.entityId,
      eventKey,
      token: lockToken,
      expectedVersion: before?.version ?? 0,
      entity: plan.next,
      history: plan.history,
      dedupeTtlSeconds: settings.dedupeTtlSeconds,
      historyLimit: settings.historyLimit,
    });
    if (!prepared.ok) return { kind: 'unstorable', error: prepared.error };

    const runsHandlers =
      plan.after !== undefined &&
      (plan.outcome === 'applied' || (plan.outcome === 'conflict' && settings.handleConflicts));
    if (runsHandlers && plan.after !== undefined) {
      await deps.handlers.run({
        event,
        eventKey,
        outcome: plan.outcome === 'applied' ? 'applied' : 'conflict',
        before,
        after: plan.after,
        receivedAt: job.data.receivedAt,
        attempt: job.attemptsMade + 1,
      });
    }

    const result = await entities.commit(prepared.commit);
    switch (result.outcome) {
      case 'committed':
        return { kind: 'committed', outcome: plan.outcome };
      case 'lock_lost':
      case 'version_mismatch':
      case 'already_seen':
      case 'on_hold':
        throw new CommitRejectedError(eventKey, result.outcome);
      default: {
        const unreachable: never = result;
        throw new Error(`unknown commit result ${String(unreachable)}`);
      }
    }
  }

  function recordCommitted(
    event: ParsedEvent,
    outcome: CommittedOutcome,
    before: string | null,
    job: Job<EventJobData>,
  ) {
    const nowMs = now();
    if (outcome !== 'duplicate') {
      metrics.eventLag.observe(
        { family: event.family },
        Math.max(0, (nowMs - Date.parse(event.issueDatetime)) / 1000),
      );
      metrics.receiptToCommit.observe(
        { family: event.family },
        Math.max(0, (nowMs - Date.parse(job.data.receivedAt)) / 1000),
      );
    }
    if (outcome === 'applied') {
      metrics.transitions.inc({ kind: event.kind, from: before ?? 'NEW', to: event.status });
    }
    if (outcome === 'conflict') metrics.conflicts.inc({ kind: event.kind });
  }

  /** The pipeline: parse -> lock + load -> decide -> handlers -> commit -> metrics. */
  async function processEvent(job: Job<EventJobData>, token: string | undefined): Promise<JobResult> {
    const startedMs = now();
    // 1. Parse. Invalid and unknown events are dead-lettered at once.
    const parsed = parseEventBody(job.data.rawBody);
    if (!parsed.ok) {
      const name = parsed.identity?.eventType ?? parsed.eventType ?? UNKNOWN_LABEL;
      return deadLetterAtOnce(job, parsed.reason, name, parsed.issues, startedMs);
    }
    const { event } = parsed;
    const eventKey = eventKeyOfEvent(event);
    if (eventKey !== job.data.eventKey) {
      logger.warn(
        { jobEventKey: job.data.eventKey, eventKey },
        'job id differs from the event key computed here',
      );
    }
    // An object too deep to store as an entity is invalid whatever the entity's state: found before the lock.
    const unstorable = unstorableFieldsIssue(event.object);
    if (unstorable !== undefined) {
      return deadLetterAtOnce(job, 'invalid', event.eventType, [unstorable], startedMs);
    }

    // 2. Lock the entity and load it with the event's dedupe record, in one round trip.
    const lockToken = randomUUID();
    const loaded = await entities.lockAndLoad(event.kind, event.entityId, eventKey, lockToken, lockTtlMs);
    if (!loaded.acquired) {
      // Another worker is on this entity: wait a little without spending an attempt.
      if (token === undefined) throw new Error('the processor needs the BullMQ job token to delay a job');
      const waits = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
      await job.moveToDelayed(now() + lockWaitDelayMs(waits, random), token);
      throw new DelayedError();
    }

    // 3-6. Decide, run handlers, commit (which releases the lock). On any failure, release it here.
    const releaseLock = () =>
      entities.releaseLock(event.kind, event.entityId, lockToken).catch((releaseError: unknown) => {
        logger.warn({ err: releaseError, eventKey }, 'could not release the entity lock (it will expire)');
      });
    let committed: Awaited<ReturnType<typeof decideAndCommit>>;
    try {
      committed = await decideAndCommit(job, event, eventKey, lockToken, loaded);
    } catch (error) {
      await releaseLock();
      throw error;
    }
    let outcome: CommittedOutcome;
    switch (committed.kind) {
      case 'committed':
        outcome = committed.outcome;
        break;
      case 'unstorable':
        await releaseLock();
        return deadLetterAtOnce(job, 'invalid', event.eventType, [committed.error], startedMs);
      default: {
        const unreachable: never = committed;
        throw new Error(`unknown commit answer ${JSON.stringify(unreachable)}`);
      }
    }

    // 7. Metrics.
    recordCommitted(event, outcome, loaded.entity?.status ?? null, job);
    countOutcome(outcome, event.family, event.eventType, startedMs);
    logger.debug({ eventKey, outcome, jobId: job.id }, 'event committed');
    return { result: 'committed', outcome };
  }

  /** A failed attempt: retry with the schedule's delay, or dead-letter and complete the job. */
  async function handleFailure(job: Job<EventJobData>, error: unknown): Promise<JobResult> {
    const attemptsMade = job.attemptsMade + 1;
    const family = catalogEntryOf(job.name)?.family ?? UNKNOWN_LABEL;
    const decision = decideRetry(
      attemptsMade,
      settings.retry,
      {
        unrecoverable: isUnrecoverable(error) || (error instanceof HandlerFailedError && error.unrecoverable),
      },
      random,
    );
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    switch (decision.kind) {
      case 'retry': {
        if (job.data.firstFailedAt === undefined) {
          await job.updateData({ ...job.data, firstFailedAt: iso(now()) });
        }
        metrics.retries.inc({ family });
        logger.warn(
          {
            eventKey: job.data.eventKey,
            jobId: job.id,
            attemptsMade,
            delayMs: decision.delayMs,
            error: message,
          },
          'event failed; retrying',
        );
        throw new RetryScheduledError(decision.delayMs, error);
      }
      case 'dead-letter': {
        const reason: DeadLetterReason = error instanceof HandlerFailedError ? 'handler_failed' : 'exhausted';
        return deadLetter(job, job.name, reason, message, attemptsMade);
      }
      default: {
        const unreachable: never = decision;
        throw new Error(`unknown retry decision ${JSON.stringify(unreachable)}`);
      }
    }
  }

  return async (job, token) => {
    inFlight += 1;
    try {
      return await processEvent(job, token);
    } catch (error) {
      if (error instanceof DelayedError) throw error;
      return await handleFailure(job, error);
    } finally {
      inFlight -= 1;
      if (inFlight === 0) outcomes.flushSoon();
    }
  };
}
