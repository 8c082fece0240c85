import type { EntityStore, UnsettledIndex } from '@ripio-webhooks/store';
import type { Logger } from 'pino';

/** How often a worker repairs the index entries of commits a worker did not follow (and once at start). */
const REPAIR_INTERVAL_MS = 60_000;
/** A pending mark younger than this may belong to a commit in flight: left alone. */
const REPAIR_GRACE_MS = 60_000;
const REPAIR_BATCH = 500;

export interface UnsettledRepairDeps {
  unsettled: Pick<UnsettledIndex, 'repairPending'>;
  entities: Pick<EntityStore, 'get'>;
  logger: Logger;
  now?: () => number;
}

/**
 * Syncs the index of unsettled entities for every entity marked pending before a commit more than a minute ago and
 * never synced (a worker stopped between the commit and the index write, or the write failed), from the stored
 * entity. Batch after batch until none is left. Exported for its test.
 * @internal
 */
export async function repairUnsettledIndex(deps: UnsettledRepairDeps): Promise<number> {
  const now = deps.now ?? Date.now;
  let repaired = 0;
  for (;;) {
    const count = await deps.unsettled.repairPending(
      now() - REPAIR_GRACE_MS,
      REPAIR_BATCH,
      deps.entities.get,
    );
    repaired += count;
    if (count < REPAIR_BATCH) break;
  }
  if (repaired > 0) {
    deps.logger.info({ repaired }, 'unsettled-entity index repaired after unfinished commits');
  }
  return repaired;
}

/** Repairs now and every REPAIR_INTERVAL_MS; returns the stop. */
export function startUnsettledRepair(deps: UnsettledRepairDeps): () => void {
  const repair = (): void => {
    repairUnsettledIndex(deps).catch((error: unknown) =>
      deps.logger.warn({ err: error }, 'unsettled-entity index repair failed'),
    );
  };
  repair();
  const timer = setInterval(repair, REPAIR_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
