import { hasCycles, progressAfter, type EntityProgress, type EventDecision } from '@ripio-webhooks/core';
import type { ParsedEvent } from '@ripio-webhooks/schemas';
import type {
  CommittedOutcome,
  EntityState,
  EventJobData,
  HistoryEntry,
  PreparedCommit,
} from '@ripio-webhooks/store';
import { eventLogRecordOf } from './event-log-record.js';

export interface CommitInput {
  event: ParsedEvent;
  eventKey: string;
  /** The lock token the commit must still hold. */
  token: string;
  before: EntityState | undefined;
  /** The progress the decision was made from (undefined: no entity yet). */
  progress: EntityProgress | undefined;
  decision: EventDecision;
  /** A `duplicate`'s raw body, when it differs from the copy recorded first; kept with its history entry. */
  differingBody: string | undefined;
  /** ISO time the receiver read the event. */
  receivedAt: string;
  /** ISO time of this processing. */
  now: string;
  dedupeTtlSeconds: number;
  historyLimit: number;
  /** The job and its attempt count, when the event log is on: the commit appends the event's record. */
  eventLog: { data: EventJobData; attempts: number } | undefined;
}

export interface BuiltCommit {
  outcome: CommittedOutcome;
  /** The entity to store (version + 1), or undefined when it does not change (`duplicate`). */
  next: EntityState | undefined;
  /** The entity as handlers see it afterwards: `next`, or the current state when unchanged. */
  after: EntityState | undefined;
  history: HistoryEntry;
  /** The same, encoded: what commitEvent-8.lua is sent. */
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
      eventLogJson:
        input.eventLog === undefined
          ? ''
          : JSON.stringify(
              eventLogRecordOf(input.eventLog.data, {
                outcome,
                at: input.now,
                attempts: input.eventLog.attempts,
                event,
                ...(next === undefined ? {} : { entity: next }),
              }),
            ),
    },
  };
}

type Plan = Omit<BuiltCommit, 'prepared'>;

function planOf(input: CommitInput): Plan {
  const { event, before, progress, decision, now } = input;
  switch (decision.kind) {
    case 'applied': {
      const next: EntityState = {
        ...before,
        kind: event.kind,
        id: event.entityId,
        status: decision.to,
        fields: event.object,
        version: (before?.version ?? 0) + 1,
        createdAt: before?.createdAt ?? now,
        updatedAt: now,
        progress: progressAfter(event.kind, progress, event, decision),
      };
      return { outcome: 'applied', next, after: next, history: entryOf(input, next, decision.to) };
    }
    case 'late':
    case 'conflict': {
      if (before === undefined) throw new Error(`a ${decision.kind} event needs an entity`);
      const conflict =
        decision.kind === 'conflict'
          ? {
              conflicts: (before.conflicts ?? 0) + 1,
              lastConflict: {
                eventKey: input.eventKey,
                eventType: event.eventType,
                reason: decision.reason,
                status: decision.status,
                eventStatus: decision.eventStatus,
                processedAt: now,
              },
            }
          : {};
      const next: EntityState = {
        ...before,
        ...conflict,
        version: before.version + 1,
        updatedAt: now,
        progress: progressAfter(event.kind, progress, event, decision),
      };
      return { outcome: decision.kind, next, after: next, history: entryOf(input, next, before.status) };
    }
    case 'duplicate':
      return {
        outcome: 'duplicate',
        next: undefined,
        after: before,
        history: entryOf(input, undefined, before?.status ?? null),
      };
    default: {
      const unreachable: never = decision;
      throw new Error(`unknown decision ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * The history entry: what Ripio sent (the event's object; for a `duplicate` only a body that differs from the
 * first copy's, raw), why a conflict is one, and the off-ramp cycle it was recorded in.
 */
function entryOf(input: CommitInput, next: EntityState | undefined, toStatus: string | null): HistoryEntry {
  const { event, decision } = input;
  const kept =
    decision.kind === 'duplicate'
      ? input.differingBody === undefined
        ? {}
        : { rawBody: input.differingBody }
      : { payload: event.object };
  const cycle =
    decision.kind === 'late' ? decision.cycle : (next?.progress?.cycle ?? input.progress?.cycle ?? 1);
  return {
    eventKey: input.eventKey,
    eventType: event.eventType,
    issueDatetime: event.issueDatetime,
    receivedAt: input.receivedAt,
    processedAt: input.now,
    outcome: decision.kind,
    fromStatus: input.before?.status ?? null,
    toStatus,
    ...kept,
    ...(decision.kind === 'conflict' ? { conflictReason: decision.reason } : {}),
    ...(hasCycles(event.kind) ? { cycle } : {}),
  };
}
