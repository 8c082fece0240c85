import type { ParsedEvent } from '@ripio-webhooks/schemas';
import {
  createHoldIndex,
  createHoldStore,
  promoteEventJob,
  type EventJobData,
  type HoldAdvance,
  type HoldIndex,
  type HoldStore,
  type ParkResult,
  type RedisClient,
} from '@ripio-webhooks/store';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';

/** The hold side of the store as the worker uses it: the scripts, the advisory index, waking a parked job. */
export interface WorkerHolds {
  store: Pick<HoldStore, 'park' | 'holdOnFailure' | 'markDeadLettered'>;
  index: Pick<HoldIndex, 'add' | 'apply'>;
  /** Wakes the delayed job of a parked event that became the blocker (`promoteEventJob` on the events queue). */
  promote(eventKey: string): Promise<unknown>;
}

export function createWorkerHolds(
  redis: RedisClient,
  queuePrefix: string,
  events: Queue<EventJobData>,
): WorkerHolds {
  return {
    store: createHoldStore({ redis, queuePrefix }),
    index: createHoldIndex(redis, queuePrefix),
    promote: (eventKey) => promoteEventJob(events, eventKey),
  };
}

/** What the hold actions use. */
export interface HoldDeps {
  holds: WorkerHolds;
  logger: Logger;
  now: () => number;
}

/** The event an attempt is about, as the hold steps need it. */
export interface HeldEvent {
  event: ParsedEvent;
  eventKey: string;
  /** ISO time the receiver read it. */
  receivedAt: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Parks the event behind its entity's blocker and releases the lock (parkEvent-3.lua). */
export function parkBehindBlocker(deps: HoldDeps, held: HeldEvent, token: string): Promise<ParkResult> {
  const { event, eventKey, receivedAt } = held;
  return deps.holds.store.park(event.kind, event.entityId, token, {
    eventKey,
    eventType: event.eventType,
    issueDatetime: event.issueDatetime,
    receivedAt,
    parkedAt: iso(deps.now()),
  });
}

/**
 * The failure path of an attempt that holds the lock: holds the entity behind this event (or records the attempt
 * when it is the blocker) and releases the lock in the same script. Should that fail (Redis), the lock is
 * released on its own and the error logged: the lock expires otherwise, and the next attempt holds the entity.
 */
export async function holdOnFailure(
  deps: HoldDeps & { releaseLock(): Promise<unknown> },
  held: HeldEvent,
  token: string,
  attemptsMade: number,
  error: string,
): Promise<void> {
  const { event, eventKey, receivedAt } = held;
  try {
    const result = await deps.holds.store.holdOnFailure(
      event.kind,
      event.entityId,
      token,
      { eventKey, eventType: event.eventType, issueDatetime: event.issueDatetime, receivedAt },
      attemptsMade,
      error,
    );
    if (result.outcome === 'held') {
      deps.logger.warn(
        { eventKey, kind: event.kind, id: event.entityId },
        'entity on hold behind a failing event',
      );
      await deps.holds.index.add(event.kind, event.entityId, result.hold.since);
    }
  } catch (holdError) {
    deps.logger.error({ err: holdError, eventKey }, 'could not record the hold of a failed attempt');
    await deps.releaseLock();
  }
}

/**
 * After a commit (or a release) advanced a hold: the index follows, and the new blocker's job is woken. Neither
 * can undo the commit, so failures are logged: the index is advisory, and a parked job wakes on its recheck.
 */
export async function followHoldAdvance(
  deps: HoldDeps,
  event: Pick<ParsedEvent, 'kind' | 'entityId'>,
  advance: HoldAdvance,
): Promise<void> {
  if (advance.outcome === 'unchanged') return;
  try {
    await deps.holds.index.apply(event.kind, event.entityId, advance, new Date(deps.now()));
    if (advance.outcome === 'advanced') await deps.holds.promote(advance.nextBlocker);
  } catch (error) {
    deps.logger.warn({ err: error, kind: event.kind, id: event.entityId }, 'could not follow a hold advance');
  }
}

/** The event was dead-lettered: if it blocks its entity, the hold says so (and how many events wait). */
export async function markBlockerDeadLettered(
  deps: HoldDeps,
  event: Pick<ParsedEvent, 'kind' | 'entityId'>,
  eventKey: string,
): Promise<void> {
  try {
    const result = await deps.holds.store.markDeadLettered(event.kind, event.entityId, eventKey);
    if (result.outcome === 'marked') {
      deps.logger.error(
        { eventKey, kind: event.kind, id: event.entityId, parked: result.parkedCount },
        'entity on hold behind a dead-lettered event: replay it after the fix, or release the hold',
      );
    }
  } catch (error) {
    deps.logger.warn({ err: error, eventKey }, 'could not mark the hold of a dead-lettered event');
  }
}
