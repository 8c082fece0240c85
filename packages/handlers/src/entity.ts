import type { EntityKind } from './events.js';

/** An entity (a transaction, a ticket, a customer's KYC or account) as the worker stores it. */
export interface EntitySnapshot {
  kind: EntityKind;
  /** The entity's id: the transaction id, the ticket id, the customer id, or the orphan deposit's id. */
  id: string;
  status: string;
  /** The object of the latest applied event (unknown fields kept). */
  fields: Record<string, unknown>;
  /** 1 when created, +1 for each event recorded on it. */
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Events recorded as `conflict` so far (absent: none). */
  conflicts?: number;
}

/** What an event did to its entity: `applied` moved it; the others left its status as it was. */
export type RecordedOutcome = 'applied' | 'duplicate' | 'late' | 'conflict';

/** One earlier event of the entity, as its history keeps it. */
export interface HistoryRecord {
  eventKey: string;
  eventType: string;
  issueDatetime: string;
  receivedAt: string;
  processedAt: string;
  outcome: RecordedOutcome;
  /** Status before the event (null: the entity did not exist). */
  fromStatus: string | null;
  /** Status after the event (the same as fromStatus unless applied). */
  toStatus: string | null;
  /** What Ripio sent: the event's object, for every outcome but `duplicate`. */
  payload?: Record<string, unknown>;
  /** Why a `conflict` is one. */
  conflictReason?: string;
  /** The off-ramp deposit cycle the event was recorded in (absent: the first). */
  cycle?: number;
}
