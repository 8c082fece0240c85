import type { EntityKind, EventType } from '@ripio-webhooks/schemas';

/** What the decision reads from an event. A `ParsedEvent` of `@ripio-webhooks/schemas` has all of it. */
export interface DecidableEvent {
  /** Canonical event type (aliases resolved). */
  eventType: EventType;
  /** The status the event moves its entity to. */
  status: string;
  /**
   * What the event is about inside its entity (`ParsedEvent.discriminator`): the deposit (off-ramp `txnHash`,
   * Sell and Pay `cryptoDeposit.id`) or the KYC submission. Undefined when the event does not say.
   */
  discriminator: string | undefined;
}

/**
 * One event an entity has recorded (applied, late or conflict): its type and what it was about. In an off-ramp
 * cycle the cycle names the deposit, so the events of the cycle itself are recorded with `discriminator: null`;
 * a deposit that could not open a new cycle yet (a conflict) keeps its `txnHash`.
 */
export interface RecordedEvent {
  eventType: string;
  discriminator: string | null;
}

/** A finished off-ramp deposit cycle: its deposit and the types it recorded (so a late copy is a duplicate). */
export interface EarlierCycle {
  cycle: number;
  discriminator: string;
  eventTypes: string[];
}

/**
 * What an entity must keep, besides its data, for `decideEvent`: JSON-safe (nulls, no undefined), small, and
 * stored with the entity in the same write as its status.
 */
export interface EntityProgress {
  status: string;
  /** 1 for the entity's first deposit cycle; only off-ramp sessions start further cycles. */
  cycle: number;
  /** The current cycle's deposit (off-ramp `txnHash`) once an event has named it; null otherwise. */
  cycleDiscriminator: string | null;
  /** Every event recorded in the current cycle. A second event with the same pair is a duplicate. */
  recordedEvents: RecordedEvent[];
  /** Finished off-ramp cycles whose deposit is known, oldest first. */
  earlierCycles: EarlierCycle[];
}

/**
 * Kinds whose entity can go through several deposit cycles. An off-ramp `transactionId` "often corresponds to the
 * session ID" (Ripio's Off-Ramp page) and a session takes many deposits, so one entity may see the whole flow
 * again for another `txnHash`.
 */
const CYCLE_KINDS: ReadonlySet<EntityKind> = new Set<EntityKind>(['off-ramp']);

export function hasCycles(kind: EntityKind): boolean {
  return CYCLE_KINDS.has(kind);
}

/** The pair an event is recorded under in the current cycle of its entity. */
export function recordedEventOf(kind: EntityKind, event: DecidableEvent): RecordedEvent {
  return {
    eventType: event.eventType,
    discriminator: hasCycles(kind) ? null : (event.discriminator ?? null),
  };
}

export function hasRecorded(progress: EntityProgress, recorded: RecordedEvent): boolean {
  return progress.recordedEvents.some(
    (entry) => entry.eventType === recorded.eventType && entry.discriminator === recorded.discriminator,
  );
}

/** Where an off-ramp event belongs among its entity's cycles, read from the event's `txnHash` alone. */
export type Placement =
  /** The current cycle (no hash, or the cycle's own, or the first hash the cycle sees). */
  | { in: 'current'; names: string | undefined }
  /** A finished cycle. */
  | { in: 'earlier'; cycle: EarlierCycle }
  /** A deposit not seen yet: a new cycle. */
  | { in: 'next'; discriminator: string }
  /** A hash arriving for a type the current cycle recorded before it knew its hash: a resend or a new deposit. */
  | { in: 'unknown'; discriminator: string };

export function placeEvent(kind: EntityKind, progress: EntityProgress, event: DecidableEvent): Placement {
  const hash = event.discriminator;
  if (!hasCycles(kind) || hash === undefined || hash === progress.cycleDiscriminator) {
    return { in: 'current', names: undefined };
  }
  const earlier = progress.earlierCycles.find((cycle) => cycle.discriminator === hash);
  if (earlier !== undefined) return { in: 'earlier', cycle: earlier };
  if (progress.cycleDiscriminator !== null) return { in: 'next', discriminator: hash };
  return hasRecorded(progress, recordedEventOf(kind, event))
    ? { in: 'unknown', discriminator: hash }
    : { in: 'current', names: hash };
}
