import type { Decision } from '@ripio-webhooks/core';
import type { ParsedEvent } from '@ripio-webhooks/schemas';
import type { CommittedOutcome, EntityState, HistoryEntry, PreparedCommit } from '@ripio-webhooks/store';

/** What the machine decided, or that the event key was already processed. */
export type EventDecision = Decision | { kind: 'duplicate' };

export interface CommitInput {
  event: ParsedEvent;
  eventKey: string;
  /** The lock token the commit must still hold. */
  token: string;
  before: EntityState | undefined;
  decision: EventDecision;
  /** ISO time the receiver read the event. */
  receivedAt: string;
  /** ISO time of this processing. */
  now: string;
  dedupeTtlSeconds: number;
  historyLimit: number;
}

export interface BuiltCommit {
  outcome: CommittedOutcome;
  /** The entity to store (version + 1), or undefined when it does not change. */
  next: EntityState | undefined;
  /** The entity as handlers see it afterwards: `next`, or the current state when unchanged. */
  after: EntityState | undefined;
  history: HistoryEntry;
  /** The same, encoded: what commitEvent-7.lua is sent. */
  prepared: PreparedCommit;
}

/**
 * Pure: the whole commit one decision makes, built before any side effect. The event's depth was checked when it
 * was parsed, and a parsed event is plain JSON, so encoding cannot fail (if it did, that would be a bug: it throws).
 */
export function buildCommit(input: CommitInput): BuiltCommit {
  const { event, before } = input;
  const { outcome, next, after, history } = planOf(input);
  return {
    outcome,
    next,
    after,
    history,
    prepared: {
      kind: event.kind,
      id: event.entityId,
      eventKey: input.eventKey,
      token: input.token,
      expectedVersion: before?.version ?? 0,
      entityJson: next === undefined ? '' : JSON.stringify(next),
      historyJson: JSON.stringify(history),
      outcome,
      dedupeTtlSeconds: input.dedupeTtlSeconds,
      historyLimit: input.historyLimit,
    },
  };
}

function planOf({
  event,
  eventKey,
  before,
  decision,
  receivedAt,
  now,
}: CommitInput): Omit<BuiltCommit, 'prepared'> {
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
  switch (decision.kind) {
    case 'applied': {
      const next: EntityState = {
        kind: event.kind,
        id: event.entityId,
        status: decision.to,
        fields: event.object,
        version: (before?.version ?? 0) + 1,
        createdAt: before?.createdAt ?? now,
        updatedAt: now,
      };
      return { outcome: 'applied', next, after: next, history: entry('applied', decision.to) };
    }
    case 'late':
    case 'conflict':
    case 'duplicate':
      return {
        outcome: decision.kind,
        next: undefined,
        after: before,
        history: entry(decision.kind, current),
      };
    default: {
      const unreachable: never = decision;
      throw new Error(`unknown decision ${JSON.stringify(unreachable)}`);
    }
  }
}
