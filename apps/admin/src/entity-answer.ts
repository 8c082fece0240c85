import type { EntityWithHistory } from '@ripio-webhooks/contracts';
import type { EntityRecord } from '@ripio-webhooks/store';

/**
 * `GET /api/entities/:kind/:id`'s answer for a stored entity: its state and history (each entry with what Ripio
 * sent), the deposit cycle it is in and its conflicts. The recorded progress the worker decides from stays
 * internal; an entity stored before cycles and conflict counts were kept reads as cycle 1 with none.
 */
export function entityAnswer(record: EntityRecord): EntityWithHistory {
  const { progress, conflicts, lastConflict, ...stored } = record;
  return {
    ...stored,
    cycle: progress?.cycle ?? 1,
    conflicts: conflicts ?? 0,
    lastConflict: lastConflict ?? null,
  };
}
