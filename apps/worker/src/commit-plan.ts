import type { Decision } from '@ripio-webhooks/core';
import type { ParsedEvent } from '@ripio-webhooks/schemas';
import type { CommittedOutcome, EntityState, HistoryEntry } from '@ripio-webhooks/store';

/** What the machine decided, or that the event key was already processed. */
export type Verdict = Decision | { outcome: 'duplicate' };

export interface CommitPlan {
  outcome: CommittedOutcome;
  /** The entity to store (version + 1), or undefined when it does not change. */
  next: EntityState | undefined;
  /** The entity as handlers see it afterwards: `next`, or the current state when unchanged. */
  after: EntityState | undefined;
  history: HistoryEntry;
}

export interface PlanInput {
  event: ParsedEvent;
  eventKey: string;
  before: EntityState | undefined;
  verdict: Verdict;
  /** ISO time the receiver read the event. */
  receivedAt: string;
  /** ISO time of this processing. */
  now: string;
}

/** Pure: the entity and history entry one verdict commits. */
export function planCommit({ event, eventKey, before, verdict, receivedAt, now }: PlanInput): CommitPlan {
  const current = before?.status ?? null;
  const entry = (outcome: CommittedOutcome, toStatus: string | null): HistoryEntry => ({
    eventKey,
    eventType: event.eventType,
    issueDatetime: event.issueDatetime,
    receivedAt,
    processedAt: now,
    outcome,
    fromStatus: current,
    toStatus,
  });
  switch (verdict.outcome) {
    case 'applied': {
      const next: EntityState = {
        kind: event.kind,
        id: event.entityId,
        status: verdict.to,
        fields: event.object,
        version: (before?.version ?? 0) + 1,
        createdAt: before?.createdAt ?? now,
        updatedAt: now,
      };
      return { outcome: 'applied', next, after: next, history: entry('applied', verdict.to) };
    }
    case 'late':
    case 'conflict':
    case 'duplicate':
      return {
        outcome: verdict.outcome,
        next: undefined,
        after: before,
        history: entry(verdict.outcome, current),
      };
    default: {
      const unreachable: never = verdict;
      throw new Error(`unknown verdict ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * How long a job waits before trying an entity whose lock another worker holds: short at first, doubling with
 * each wait up to 2 s, half of it jittered. `waits` = times this job already waited (0 the first time).
 */
export function lockWaitDelayMs(waits: number, random: () => number): number {
  const ceiling = Math.min(2_000, 50 * 2 ** Math.min(Math.max(0, waits), 6));
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}
