import { DEFAULT_ENTITY_RETENTION_DAYS, settledStatuses } from '@ripio-webhooks/core';
import type { EntityKind } from '@ripio-webhooks/schemas';

/** ENTITY_RETENTION_DAYS's default in seconds. */
export const DEFAULT_ENTITY_RETENTION_SECONDS = DEFAULT_ENTITY_RETENTION_DAYS * 86_400;

/**
 * The two script arguments of entity retention: the statuses of `kind` an entity may rest in for good (JSON) and
 * the seconds it is kept after a commit that leaves it in one. A script that changes an entity or its hold ends
 * with the retention rule: settled and not on hold -> EXPIRE entity and history; otherwise PERSIST them.
 */
export function retentionArgs(kind: EntityKind, retentionSeconds: number): [string, number] {
  if (!Number.isInteger(retentionSeconds) || retentionSeconds < 1) {
    throw new RangeError(`entity retention must be a positive number of seconds, got ${retentionSeconds}`);
  }
  return [JSON.stringify(settledStatuses(kind)), retentionSeconds];
}
