import { hasCycles, type EntityProgress, type RecordedEvent } from '@ripio-webhooks/core';
import { catalogEntryOf, eventIdentityOfKey, type EntityKind } from '@ripio-webhooks/schemas';
import type { EntityState, HistoryEntry } from '@ripio-webhooks/store';

/**
 * The progress `decideEvent` decides from: the one stored with the entity, or, for an entity stored before
 * progress existed, one rebuilt from its status and history (best effort, see docs/worker.md): every recorded
 * (non-duplicate) entry is a recorded event of cycle 1, with the discriminator its event key carries; an off-ramp
 * cycle is named by the `txnHash` of the first entry whose key has one. Entries the history limit trimmed are
 * lost to it, as they are to the history. Undefined when there is no entity.
 */
export function progressOfStored(
  kind: EntityKind,
  entity: EntityState | undefined,
  history: readonly HistoryEntry[],
): EntityProgress | undefined {
  if (entity === undefined) return undefined;
  if (entity.progress !== undefined) return entity.progress;
  const recorded = history.filter((entry) => entry.outcome !== 'duplicate');
  const recordedEvents: RecordedEvent[] = [];
  for (const entry of recorded) {
    const pair = { eventType: entry.eventType, discriminator: recordedDiscriminator(kind, entry) };
    const known = recordedEvents.some(
      (seen) => seen.eventType === pair.eventType && seen.discriminator === pair.discriminator,
    );
    if (!known) recordedEvents.push(pair);
  }
  const cycleDiscriminator = hasCycles(kind)
    ? (recorded.map(keyPartOf).find((part) => part !== undefined) ?? null)
    : null;
  return { status: entity.status, cycle: 1, cycleDiscriminator, recordedEvents, earlierCycles: [] };
}

/** Inside an off-ramp cycle the type alone is recorded; elsewhere the key's part, where the type is keyed by one. */
function recordedDiscriminator(kind: EntityKind, entry: HistoryEntry): string | null {
  if (hasCycles(kind)) return null;
  if (catalogEntryOf(entry.eventType)?.keyedBy !== 'discriminator') return null;
  return keyPartOf(entry) ?? null;
}

/** The discriminator the entry's event key carries (none, or an issue time standing in for one: undefined). */
function keyPartOf(entry: HistoryEntry): string | undefined {
  return eventIdentityOfKey(entry.eventKey)?.discriminator;
}
