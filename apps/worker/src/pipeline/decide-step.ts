import { decideEvent, type EventDecision } from '@ripio-webhooks/core';
import type { ParsedEvent } from '@ripio-webhooks/schemas';
import type { EventJobData, HistoryEntry } from '@ripio-webhooks/store';
import { buildCommit, type BuiltCommit } from './build-commit.js';
import type { PipelineDeps } from './deps.js';
import type { LockedJob } from './lock-step.js';
import { progressOfStored } from './stored-progress.js';
import { iso } from './step.js';

/** A locked event with its decision and the commit it makes. */
export interface DecidedJob extends LockedJob {
  decision: EventDecision;
  commit: BuiltCommit;
}

/**
 * Decides what the event does to its entity: `duplicate` when its dedupe record exists, else `decideEvent` on the
 * entity's recorded progress (which makes a copy `duplicate` after its dedupe record expired). Builds the commit
 * of that decision. Pure but for the clock.
 */
export function decideStep(
  deps: Pick<PipelineDeps, 'settings' | 'now' | 'eventLog'>,
  locked: LockedJob,
  job: EventJobData,
  attempts: number,
): DecidedJob {
  const { event, before, history } = locked;
  const progress = progressOfStored(event.kind, before, history);
  const decision: EventDecision =
    locked.seenOutcome !== undefined
      ? { kind: 'duplicate', status: before?.status ?? event.status }
      : decideEvent(event.kind, progress, event);
  const commit = buildCommit({
    event,
    eventKey: locked.eventKey,
    token: locked.token,
    before,
    progress,
    decision,
    differingBody: decision.kind === 'duplicate' ? bodyIfDifferent(history, event, job.rawBody) : undefined,
    receivedAt: job.receivedAt,
    now: iso(deps.now()),
    dedupeTtlSeconds: deps.settings.dedupeTtlSeconds,
    historyLimit: deps.settings.historyLimit,
    eventLog: deps.eventLog === undefined ? undefined : { data: job, attempts },
  });
  return { ...locked, decision, commit };
}

/**
 * A duplicate's raw body, unless an earlier entry of the same type recorded this very event: the same issue time
 * and object, or the same raw body. An exact redelivery keeps nothing (Redis memory); a resend that adds a field
 * (a refund's `refundTxnHash`), or a copy whose first entry is no longer in the history, keeps its body.
 */
function bodyIfDifferent(
  history: readonly HistoryEntry[],
  event: ParsedEvent,
  rawBody: string,
): string | undefined {
  const object = JSON.stringify(event.object);
  const recorded = history.some(
    (entry) =>
      entry.eventType === event.eventType &&
      (entry.rawBody === rawBody ||
        (entry.payload !== undefined &&
          entry.issueDatetime === event.issueDatetime &&
          JSON.stringify(entry.payload) === object)),
  );
  return recorded ? undefined : rawBody;
}
