import type { EntityKind } from '@ripio-webhooks/schemas';

/**
 * Every Redis key the worker writes outside BullMQ. All keys of one entity share the hash tag `{<kind>:<id>}`,
 * so one Lua script may touch all of them on Redis Cluster. The id is URI-encoded inside the tag: an id holding
 * `{`, `}` or `:` can neither break the tag nor collide with another entity's keys (a UUID is unchanged).
 */
export interface EntityKeys {
  /** string (JSON): the entity's current state, no TTL. */
  entity: string;
  /** list of JSON: history entries, oldest first, capped at HISTORY_LIMIT, no TTL. */
  history: string;
  /** string with PX: the per-entity lock token. */
  lock: string;
  /** string with EX DEDUPE_TTL: the durable dedupe record of one event (value: its outcome). */
  seen(eventKey: string): string;
  /** string (JSON), no TTL, present while the entity is on hold: the hold record (blocker, state, attempts). */
  hold: string;
  /** list of JSON, no TTL: the events parked behind the hold, in arrival order. */
  parked: string;
  /** string (JSON) with EX DEDUPE_TTL: an operator released the hold this event held (action, reason, who). */
  released(eventKey: string): string;
}

export function entityTag(kind: EntityKind, id: string): string {
  return `{${kind}:${encodeURIComponent(id)}}`;
}

export function entityKeys(queuePrefix: string, kind: EntityKind, id: string): EntityKeys {
  const base = `${queuePrefix}:${entityTag(kind, id)}`;
  return {
    entity: `${base}:entity`,
    history: `${base}:history`,
    lock: `${base}:lock`,
    seen: (eventKey) => `${base}:seen:${eventKey}`,
    hold: `${base}:hold`,
    parked: `${base}:parked`,
    released: (eventKey) => `${base}:released:${eventKey}`,
  };
}

/**
 * zset `<kind>|<id> -> since (ms)` of the entities on hold: an advisory index for the gauge and the listings,
 * written right after each script that starts or ends a hold (another cluster slot, so never inside one). Readers
 * check each member against its `hold` key.
 */
export function holdsIndexKey(queuePrefix: string): string {
  return `${queuePrefix}:holds`;
}

/**
 * stream of the event log's records (field `r`: an EventLogRecord as JSON), appended by the commit script and
 * the worker's hold and dead-letter paths, read and trimmed by the archiver. Under the queues' hash tag.
 */
export function eventLogKey(queuePrefix: string): string {
  return `{${queuePrefix}}:eventlog`;
}

/** The minute bucket of `nowMs` (whole minutes since the epoch). */
export function minuteOf(nowMs: number): number {
  return Math.floor(nowMs / 60_000);
}

/** hash `outcome -> count` of the events processed in one minute, TTL OUTCOME_STATS_TTL_SECONDS. */
export function outcomesKey(queuePrefix: string, minute: number): string {
  return `${queuePrefix}:stats:outcomes:${minute}`;
}

export const OUTCOME_STATS_TTL_SECONDS = 2 * 3600;

/** string (JSON) with PX: the circuit breaker's state (absent: closed). One key, shared by every worker. */
export function breakerKey(queuePrefix: string): string {
  return `${queuePrefix}:breaker`;
}

/** string (JSON), no TTL, present while an operator has paused processing: why and since when. */
export function processingPauseKey(queuePrefix: string): string {
  return `${queuePrefix}:processing:pause`;
}
