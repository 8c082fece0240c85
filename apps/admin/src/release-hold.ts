import type { ReleaseReport } from '@ripio-webhooks/contracts';
import type { EntityKind } from '@ripio-webhooks/schemas';
import {
  promoteEventJob,
  type DeadLetterStore,
  type EventJobData,
  type HoldIndex,
  type HoldStore,
  type ReleaseAction,
} from '@ripio-webhooks/store';
import type { Queue } from 'bullmq';

export interface ReleaseInput {
  kind: EntityKind;
  id: string;
  eventKey: string;
  action: ReleaseAction;
  reason: string;
  operator: string;
}

/** The release's report (the API's 200 answer), or why nothing was released. */
export type ReleaseAnswer =
  ReleaseReport | { outcome: 'not_on_hold' } | { outcome: 'not_blocker'; blocker: string };

export interface ReleaseDeps {
  holds: Pick<HoldStore, 'release'>;
  index: Pick<HoldIndex, 'apply'>;
  deadLetters: Pick<DeadLetterStore, 'remove'>;
  events: Queue<EventJobData>;
  dedupeTtlSeconds: number;
  historyLimit: number;
  now?: () => Date;
}

/** Removes a blocker's job that waits or retries on the events queue (one that runs now cannot be removed). */
async function removeWaitingJob(events: Queue<EventJobData>, eventKey: string): Promise<boolean> {
  const job = await events.getJob(eventKey);
  if (job === undefined) return false;
  const state = await job.getState();
  if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') return false;
  try {
    await job.remove();
    return true;
  } catch {
    return false;
  }
}

/**
 * An operator releases an entity's hold: the store records it (history, released record) and advances the hold;
 * then the next blocker's job is woken, the index updated, and for `discard` the blocker's dead-letter entry and
 * queued job removed. With `skip` the entry stays: a later replay is decided normally (usually `late`).
 */
export async function releaseHold(deps: ReleaseDeps, input: ReleaseInput): Promise<ReleaseAnswer> {
  const result = await deps.holds.release({
    ...input,
    releasedTtlSeconds: deps.dedupeTtlSeconds,
    historyLimit: deps.historyLimit,
  });
  switch (result.outcome) {
    case 'not_on_hold':
      return result;
    case 'not_blocker':
      return result;
    case 'released':
      break;
    default: {
      const unreachable: never = result;
      throw new Error(`unknown release result ${JSON.stringify(unreachable)}`);
    }
  }
  await deps.index.apply(input.kind, input.id, result.hold, (deps.now ?? (() => new Date()))());
  const nextBlocker = result.hold.outcome === 'advanced' ? result.hold.nextBlocker : null;
  if (nextBlocker !== null) await promoteEventJob(deps.events, nextBlocker);
  const discard = input.action === 'discard';
  const deadLetterRemoved = discard ? await deps.deadLetters.remove(input.eventKey) : false;
  const jobRemoved = discard ? await removeWaitingJob(deps.events, input.eventKey) : false;
  return {
    outcome: 'released',
    eventKey: input.eventKey,
    action: input.action,
    nextBlocker,
    deadLetterRemoved,
    jobRemoved,
  };
}
