import { decideTransition } from '@ripio-webhooks/core';
import type { EventJobData } from '@ripio-webhooks/store';
import { buildCommit, type BuiltCommit, type EventDecision } from './build-commit.js';
import type { PipelineDeps } from './deps.js';
import type { LockedJob } from './lock-step.js';
import { iso } from './step.js';

/** A locked event with its decision and the commit it makes. */
export interface DecidedJob extends LockedJob {
  commit: BuiltCommit;
}

/**
 * Decides what the event does to its entity (`duplicate` when its key was seen, else the kind's machine) and
 * builds the commit of that decision. Pure but for the clock.
 */
export function decideStep(
  deps: Pick<PipelineDeps, 'settings' | 'now'>,
  locked: LockedJob,
  job: Pick<EventJobData, 'receivedAt'>,
): DecidedJob {
  const { event, before } = locked;
  const decision: EventDecision =
    locked.seenOutcome !== undefined
      ? { kind: 'duplicate' }
      : decideTransition(event.kind, before?.status ?? null, event.status);
  const commit = buildCommit({
    event,
    eventKey: locked.eventKey,
    token: locked.token,
    before,
    decision,
    receivedAt: job.receivedAt,
    now: iso(deps.now()),
    dedupeTtlSeconds: deps.settings.dedupeTtlSeconds,
    historyLimit: deps.settings.historyLimit,
  });
  return { ...locked, commit };
}
