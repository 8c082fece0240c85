import { statusOfEventType, type EntityKind } from '@ripio-webhooks/schemas';
import { decideTransition } from './decide-transition.js';
import {
  hasCycles,
  hasRecorded,
  placeEvent,
  recordedEventOf,
  type DecidableEvent,
  type EntityProgress,
  type Placement,
  type RecordedEvent,
} from './entity-progress.js';
import { isTerminal } from './machines.js';

/** What one event does to its entity, decided from the entity's recorded progress and the event alone. */
export type EventDecision =
  /**
   * The entity is created, moves, or stays in its status with a new fact. `newCycle`: an off-ramp session's next
   * deposit starts a new cycle, whose status starts over at `to`.
   */
  | { kind: 'applied'; from: string | null; to: string; newCycle: boolean }
  /** The event's status has been passed, in the current cycle or in an earlier one: recorded, status unchanged. */
  | { kind: 'late'; status: string; eventStatus: string; cycle: number }
  /** The event contradicts the entity (see `reason`): recorded and flagged, status unchanged. */
  | { kind: 'conflict'; status: string; eventStatus: string; reason: ConflictReason }
  /** The entity has already recorded this event (type and discriminator) in the cycle it belongs to. */
  | { kind: 'duplicate'; status: string };

/**
 * Why a conflict is one (stored data and the `reason` label of ripio_conflicts_total: never rename one):
 * - `contradicts_status`: the machine has no way between the two statuses (a cancellation after the withdrawal
 *   completed);
 * - `deposit_while_cycle_open`: another deposit while the current cycle is still open: applying it would lose the
 *   open cycle;
 * - `deposit_unknown`: a hash for a type the current cycle recorded before it knew its hash: a resend or another
 *   deposit.
 */
export const CONFLICT_REASONS = [
  'contradicts_status',
  'deposit_while_cycle_open',
  'deposit_unknown',
] as const;
export type ConflictReason = (typeof CONFLICT_REASONS)[number];

/**
 * Decides one event for an entity (`progress` undefined: no entity yet). In order:
 * 1. no entity: `applied`, the entity is created in the event's status;
 * 2. off-ramp only, by `txnHash` (`placeEvent`): an earlier cycle's event is `duplicate` if that cycle recorded
 *    its type, else `late`; another deposit starts a new cycle (`applied`, `newCycle`) when the current cycle is
 *    terminal and is a `conflict` while it is open;
 * 3. an event (type, discriminator) the current cycle has already recorded: `duplicate`, whatever the dedupe
 *    record says (it expires);
 * 4. Sell and Pay: a deposit event about another deposit than the one that finished the order (paid or refunded)
 *    is `applied` and leaves the order's status as it is (an extra deposit and its refund are facts of their own);
 * 5. otherwise the kind's machine (`decideTransition`): `applied`, `late` or `conflict`.
 */
export function decideEvent(
  kind: EntityKind,
  progress: EntityProgress | undefined,
  event: DecidableEvent,
): EventDecision {
  if (progress === undefined) return { kind: 'applied', from: null, to: event.status, newCycle: false };
  const placement = placeEvent(kind, progress, event);
  switch (placement.in) {
    case 'earlier':
      return placement.cycle.eventTypes.includes(event.eventType)
        ? { kind: 'duplicate', status: progress.status }
        : { kind: 'late', status: progress.status, eventStatus: event.status, cycle: placement.cycle.cycle };
    case 'next':
    case 'unknown':
      return decideOtherDeposit(kind, progress, event, placement);
    case 'current':
      return decideInCurrentCycle(kind, progress, event);
    default: {
      const unknownPlacement: never = placement;
      throw new Error(`unknown placement ${JSON.stringify(unknownPlacement)}`);
    }
  }
}

function decideOtherDeposit(
  kind: EntityKind,
  progress: EntityProgress,
  event: DecidableEvent,
  placement: Extract<Placement, { in: 'next' | 'unknown' }>,
): EventDecision {
  // A deposit that was a conflict while the cycle was open starts its cycle once redelivered or replayed.
  if (placement.in === 'next' && isTerminal(kind, progress.status)) {
    return { kind: 'applied', from: progress.status, to: event.status, newCycle: true };
  }
  if (hasRecorded(progress, pairOfOtherDeposit(event, placement.discriminator))) {
    return { kind: 'duplicate', status: progress.status };
  }
  const reason = placement.in === 'next' ? 'deposit_while_cycle_open' : 'deposit_unknown';
  return { kind: 'conflict', status: progress.status, eventStatus: event.status, reason };
}

function decideInCurrentCycle(
  kind: EntityKind,
  progress: EntityProgress,
  event: DecidableEvent,
): EventDecision {
  if (hasRecorded(progress, recordedEventOf(kind, event))) {
    return { kind: 'duplicate', status: progress.status };
  }
  if (isExtraSellAndPayDeposit(kind, progress, event)) {
    return { kind: 'applied', from: progress.status, to: progress.status, newCycle: false };
  }
  const decision = decideTransition(kind, progress.status, event.status);
  switch (decision.kind) {
    case 'applied':
      return { kind: 'applied', from: decision.from, to: decision.to, newCycle: false };
    case 'late':
      return {
        kind: 'late',
        status: decision.status,
        eventStatus: decision.eventStatus,
        cycle: progress.cycle,
      };
    case 'conflict': {
      const { status, eventStatus } = decision;
      return { kind: 'conflict', status, eventStatus, reason: 'contradicts_status' };
    }
    default: {
      const unknownDecision: never = decision;
      throw new Error(`unknown decision ${JSON.stringify(unknownDecision)}`);
    }
  }
}

const SELL_AND_PAY_DEPOSIT_EVENTS: ReadonlySet<string> = new Set([
  'SELL_AND_PAY.DEPOSIT.RECEIVED',
  'SELL_AND_PAY.DEPOSIT.BLOCKED',
  'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING',
]);

/**
 * A finished Sell and Pay order (paid or refunded) and an event about a deposit other than the one(s) that
 * finished it: a customer who paid twice, or paid again after a refund. That deposit's receipt, block and refund
 * are applied (their handlers run) without changing what happened to the order. When the finishing event named
 * no deposit, nothing can be told apart and the machine decides.
 */
function isExtraSellAndPayDeposit(
  kind: EntityKind,
  progress: EntityProgress,
  event: DecidableEvent,
): boolean {
  if (kind !== 'sell-and-pay' || event.discriminator === undefined) return false;
  if (!SELL_AND_PAY_DEPOSIT_EVENTS.has(event.eventType) || !isTerminal(kind, progress.status)) return false;
  const finishing = progress.recordedEvents
    .filter((entry) => statusOfEventType(entry.eventType) === progress.status)
    .map((entry) => entry.discriminator)
    .filter((deposit) => deposit !== null);
  return finishing.length > 0 && !finishing.includes(event.discriminator);
}

function pairOfOtherDeposit(event: DecidableEvent, discriminator: string): RecordedEvent {
  return { eventType: event.eventType, discriminator };
}

/**
 * The entity's progress after `decision` (which `decideEvent` returned for the same kind, progress and event).
 * Store it with the entity for every outcome but `duplicate` (which returns `progress` unchanged).
 */
export function progressAfter(
  kind: EntityKind,
  progress: EntityProgress | undefined,
  event: DecidableEvent,
  decision: EventDecision,
): EntityProgress {
  if (progress === undefined) {
    if (decision.kind !== 'applied') throw new Error(`a new entity is always applied, not ${decision.kind}`);
    return {
      status: decision.to,
      cycle: 1,
      cycleDiscriminator: hasCycles(kind) ? (event.discriminator ?? null) : null,
      recordedEvents: [recordedEventOf(kind, event)],
      earlierCycles: [],
    };
  }
  if (decision.kind === 'duplicate') return progress;
  const placement = placeEvent(kind, progress, event);
  if (decision.kind === 'applied' && decision.newCycle) return nextCycle(progress, event, decision.to);
  switch (placement.in) {
    case 'earlier':
      return withEarlierCycleRecord(progress, placement.cycle.cycle, event.eventType);
    case 'next':
    case 'unknown':
      return record(progress, pairOfOtherDeposit(event, placement.discriminator));
    case 'current': {
      const recorded = record(progress, recordedEventOf(kind, event));
      const status = decision.kind === 'applied' ? decision.to : progress.status;
      return { ...recorded, status, cycleDiscriminator: placement.names ?? progress.cycleDiscriminator };
    }
    default: {
      const unknownPlacement: never = placement;
      throw new Error(`unknown placement ${JSON.stringify(unknownPlacement)}`);
    }
  }
}

function record(progress: EntityProgress, recorded: RecordedEvent): EntityProgress {
  return { ...progress, recordedEvents: [...progress.recordedEvents, recorded] };
}

function nextCycle(progress: EntityProgress, event: DecidableEvent, status: string): EntityProgress {
  const finished = progress.cycleDiscriminator;
  const eventTypes = progress.recordedEvents.filter((e) => e.discriminator === null).map((e) => e.eventType);
  return {
    status,
    cycle: progress.cycle + 1,
    cycleDiscriminator: event.discriminator ?? null,
    recordedEvents: [{ eventType: event.eventType, discriminator: null }],
    earlierCycles:
      finished === null
        ? progress.earlierCycles
        : [...progress.earlierCycles, { cycle: progress.cycle, discriminator: finished, eventTypes }],
  };
}

function withEarlierCycleRecord(progress: EntityProgress, cycle: number, eventType: string): EntityProgress {
  return {
    ...progress,
    earlierCycles: progress.earlierCycles.map((entry) =>
      entry.cycle === cycle ? { ...entry, eventTypes: [...entry.eventTypes, eventType] } : entry,
    ),
  };
}
