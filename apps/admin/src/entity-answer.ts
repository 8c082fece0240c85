import type { EntityHistoryEntry, EntityWithHistory, Hold, ParkedEvent } from '@ripio-webhooks/contracts';
import type { EntityRecord } from '@ripio-webhooks/store';

/** An entity's hold as the API shows it: the parked events with their payloads (null: the job is gone). */
export interface HoldView {
  hold: Hold;
  parked: ParkedEvent[];
}

/** What the entity route read: the stored entity (if any), its history and its hold (if any). */
export interface EntityReads {
  kind: string;
  id: string;
  record: EntityRecord | undefined;
  /** The history when there is no stored entity (its only event released, or none yet); else unused. */
  history: EntityHistoryEntry[];
  held: HoldView | undefined;
}

/**
 * `GET /api/entities/:kind/:id`'s answer: the entity's state and history (each entry with what Ripio sent), the
 * deposit cycle it is in and its conflicts, and its hold with the parked events. The recorded progress the worker
 * decides from stays internal; an entity stored before cycles and conflict counts were kept reads as cycle 1 with
 * none. An entity on hold before its first event applied (or whose only event was released) has no state yet:
 * status, createdAt and updatedAt null, version 0.
 */
export function entityAnswer({ kind, id, record, history, held }: EntityReads): EntityWithHistory {
  const hold = { onHold: held !== undefined, hold: held?.hold ?? null, parked: held?.parked ?? [] };
  if (record === undefined) {
    const none = { status: null, fields: {}, version: 0, createdAt: null, updatedAt: null };
    return { kind, id, ...none, cycle: 1, conflicts: 0, lastConflict: null, history, ...hold };
  }
  const { progress, conflicts, lastConflict, ...stored } = record;
  return {
    ...stored,
    cycle: progress?.cycle ?? 1,
    conflicts: conflicts ?? 0,
    lastConflict: lastConflict ?? null,
    ...hold,
  };
}
