import type { EventJobData } from '@ripio-webhooks/store';
import { parkBehindBlocker } from '../holds/hold-actions.js';
import { parkRecheckDelayMs } from '../holds/park-recheck.js';
import type { LockBusyOutcome, ParkedOutcome } from '../outcome.js';
import { DEFAULT_PARK_RECHECK, type PipelineDeps } from './deps.js';
import type { LockedJob } from './lock-step.js';
import { end, next, type Step } from './step.js';

/**
 * While the entity is on hold behind another event, this event is parked (not decided, no handler, no state
 * change) and its job waits for a recheck. Passes on the blocker itself, an event an operator released (decided
 * normally), and an event already seen (its `duplicate` commit changes nothing). An event that arrived before
 * the blocker takes its place and proceeds (parkEvent-3.lua). When the hold ended between the load and the park,
 * the lock is released and the job comes back after a short wait to be decided.
 */
export async function parkStep(
  deps: Pick<PipelineDeps, 'holds' | 'logger' | 'now' | 'random' | 'settings'>,
  locked: LockedJob,
  job: Pick<EventJobData, 'receivedAt'>,
): Promise<Step<LockedJob, ParkedOutcome | LockBusyOutcome>> {
  const { hold, eventKey, event } = locked;
  const mayProceed =
    hold === undefined ||
    hold.blocker === eventKey ||
    locked.released !== undefined ||
    locked.seenOutcome !== undefined;
  if (mayProceed) return next(locked);

  const parked = await parkBehindBlocker(deps, { event, eventKey, receivedAt: job.receivedAt }, locked.token);
  switch (parked.outcome) {
    case 'not_on_hold':
      return end({ outcome: 'lock_busy' });
    case 'preempted':
      // It arrived before the blocker, which never committed: it is the blocker now, and still holds the lock.
      deps.logger.info(
        { eventKey, previousBlocker: hold.blocker },
        'event took the place of a later blocker',
      );
      return next(locked);
    case 'parked': {
      const recheck = deps.settings.parkRecheck ?? DEFAULT_PARK_RECHECK;
      const delayMs = parkRecheckDelayMs(locked.parked?.parkedAt, deps.now(), deps.random, recheck);
      return end({ outcome: 'parked', event, eventKey, blocker: hold.blocker, added: parked.added, delayMs });
    }
    default: {
      const unreachable: never = parked;
      throw new Error(`unknown park result ${JSON.stringify(unreachable)}`);
    }
  }
}
