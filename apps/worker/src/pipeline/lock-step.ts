import { randomUUID } from 'node:crypto';
import { exponentialBackoffMs } from '@ripio-webhooks/core';
import type {
  EntityState,
  EventJobData,
  Hold,
  HistoryEntry,
  ParkedEntry,
  ReleaseRecord,
} from '@ripio-webhooks/store';
import type { Job } from 'bullmq';
import { holdOnFailure } from '../holds/hold-actions.js';
import type { LockBusyOutcome } from '../outcome.js';
import { lockTtlMs, type PipelineDeps } from './deps.js';
import type { ParsedJob } from './parse-step.js';
import { describeError, end, next, type Step } from './step.js';

/** A parsed event whose entity this attempt holds the lock of, with what was read under it. */
export interface LockedJob extends ParsedJob {
  /** This attempt's lock token. */
  token: string;
  /** The entity before the event (undefined: none yet). */
  before: EntityState | undefined;
  /** The event's dedupe record: its committed outcome when the event key was seen before. */
  seenOutcome: string | undefined;
  /** The entity's history entries, oldest first, with what Ripio sent in each. */
  history: HistoryEntry[];
  /** The entity's hold (undefined: not on hold). */
  hold: Hold | undefined;
  /** An operator released the hold this event held: it is decided normally. */
  released: ReleaseRecord | undefined;
  /** This event's entry in the entity's parked list (undefined: not parked). */
  parked: ParkedEntry | undefined;
}

/**
 * Takes the entity's lock and, in the same round trip, reads the entity, its history, the event's dedupe record
 * and the entity's hold (lockAndLoad-7.lua). When * another worker holds the lock the attempt ends as `lock_busy` (the job waits without spending an attempt).
 */
export async function lockStep(
  deps: Pick<PipelineDeps, 'entities' | 'settings'>,
  parsed: ParsedJob,
): Promise<Step<LockedJob, LockBusyOutcome>> {
  const { event, eventKey } = parsed;
  const token = randomUUID();
  const loaded = await deps.entities.lockAndLoad(
    event.kind,
    event.entityId,
    eventKey,
    token,
    lockTtlMs(deps.settings),
  );
  switch (loaded.outcome) {
    case 'busy':
      return end({ outcome: 'lock_busy' });
    case 'locked':
      return next({
        ...parsed,
        token,
        before: loaded.entity,
        seenOutcome: loaded.seenOutcome,
        history: loaded.history,
        hold: loaded.hold,
        released: loaded.released,
        parked: loaded.parked,
      });
    default: {
      const unreachable: never = loaded;
      throw new Error(`unknown lock answer ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * Runs `body` holding the entity's lock. A commit releases the lock itself (commitEvent-8.lua), and so does
 * parking (parkEvent-3.lua); every other way out (a handler failure, a refused commit, a Redis error) is a failed
 * attempt: holdOnFailure-5.lua puts the entity on hold behind this event (or records the attempt when it is the
 * blocker already) and releases the lock in the same script, so no later event of the entity can take the lock
 * in between and overtake it. Should that script fail, the lock is released alone (or expires).
 */
export async function holdingLock<T>(
  deps: Pick<PipelineDeps, 'entities' | 'logger' | 'holds' | 'now'>,
  locked: LockedJob,
  job: Pick<Job<EventJobData>, 'attemptsMade' | 'data'>,
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const { event, eventKey, token } = locked;
    const releaseLock = () =>
      deps.entities.releaseLock(event.kind, event.entityId, token).catch((releaseError: unknown) => {
        deps.logger.warn(
          { err: releaseError, eventKey },
          'could not release the entity lock (it will expire)',
        );
      });
    await holdOnFailure(
      { ...deps, releaseLock },
      { event, eventKey, receivedAt: job.data.receivedAt },
      token,
      job.attemptsMade + 1,
      describeError(error),
    );
    throw error;
  }
}

/**
 * How long a job waits before trying an entity whose lock another worker holds: short at first, doubling with
 * each wait up to 2 s, half of it jittered. `waits` = times this job already waited (0 the first time).
 */
export function lockWaitDelayMs(waits: number, random: () => number): number {
  return exponentialBackoffMs({
    attempt: Math.max(0, waits),
    baseMs: 50,
    maxMs: 2_000,
    jitter: 'equal',
    random,
  });
}
