import type { Queue } from 'bullmq';
import { eventIdentityOfKey } from '@ripio-webhooks/schemas';
import type { DeadLetterEntry } from '@ripio-webhooks/contracts';
import type { RedisClient } from './connection.js';
import { toDeadLetterEntry } from './dead-letter-scan.js';
import { entityKeys } from './keys.js';
import type { DeadLetterData } from './queue-definition.js';
import { openDeadLetterQueue, type QueueConnection } from './queues.js';

export interface ExpiredDeadLetterOptions {
  /** Entries dead-lettered before this instant are removed (unless they hold their entity). */
  olderThan: Date;
  /** The most entries one call looks at (default 5,000); `more` says when it stopped there. */
  maxScanned?: number;
  /** Hears of each removed entry as it goes (to log and count it). */
  onRemoved?: (entry: DeadLetterEntry) => void;
}

export interface ExpiredDeadLetterReport {
  removed: DeadLetterEntry[];
  /** Entries old enough to go that were kept because their event blocks an entity hold. */
  keptForHold: number;
  /** True when the scan stopped at `maxScanned` before reaching the first entry young enough to stay. */
  more: boolean;
}

const SCAN_BATCH = 200;
const DEFAULT_MAX_SCANNED = 5_000;

/** The hold record of the event's entity (JSON with `blocker`, the blocking event key), by the one key builder. */
function holdKeyOfEvent(queuePrefix: string, eventKey: string): string | undefined {
  const identity = eventIdentityOfKey(eventKey);
  // A raw key names no entity, so its event holds nothing.
  if (identity === undefined) return undefined;
  return entityKeys(queuePrefix, identity.kind, identity.entityId).hold;
}

/**
 * Whether `eventKey` is the blocker of its entity's hold. A hold record that cannot be read counts as held by
 * this event: keeping a dead letter one sweep too long is harmless, removing the one that explains a hold is not.
 * Exported for its tests.
 * @internal
 */
export async function blocksEntityHold(
  redis: RedisClient,
  queuePrefix: string,
  eventKey: string,
): Promise<boolean> {
  const holdKey = holdKeyOfEvent(queuePrefix, eventKey);
  if (holdKey === undefined) return false;
  const hold = await redis.get(holdKey);
  if (hold === null) return false;
  try {
    const blocker = (JSON.parse(hold) as { blocker?: unknown } | null)?.blocker;
    return typeof blocker !== 'string' || blocker === eventKey;
  } catch {
    return true;
  }
}

function deadLetteredAtMs(entry: DeadLetterEntry, addedAtMs: number): number {
  const at = Date.parse(entry.deadLetteredAt);
  return Number.isNaN(at) ? addedAtMs : at;
}

/**
 * Removes the dead-letter entries dead-lettered before `olderThan`, oldest first, except those whose event is the
 * blocker of an entity hold. The queue's wait list is in dead-letter order (newest at the head), so the scan
 * walks from the tail and stops at the first entry young enough to stay. Safe to run from several workers at
 * once: an entry only counts as removed by the call whose removal took it.
 */
export async function removeExpiredDeadLetters(
  connection: QueueConnection,
  options: ExpiredDeadLetterOptions,
): Promise<ExpiredDeadLetterReport> {
  const queue = openDeadLetterQueue(connection);
  try {
    return await removeFromTail(queue, connection, options);
  } finally {
    await queue.close();
  }
}

async function removeFromTail(
  queue: Queue<DeadLetterData>,
  { redis, queuePrefix }: QueueConnection,
  options: ExpiredDeadLetterOptions,
): Promise<ExpiredDeadLetterReport> {
  const cutoffMs = options.olderThan.getTime();
  const maxScanned = options.maxScanned ?? DEFAULT_MAX_SCANNED;
  const removed: DeadLetterEntry[] = [];
  let keptForHold = 0;
  let scanned = 0;
  while (scanned < maxScanned) {
    // Kept entries stay at the tail; removed ones leave it, so the next batch starts after the kept ones.
    const batch = Math.min(SCAN_BATCH, maxScanned - scanned);
    const ids = await queue.getRanges(['wait'], keptForHold, keptForHold + batch - 1, true);
    if (ids.length === 0) return { removed, keptForHold, more: false };
    for (const id of ids) {
      scanned += 1;
      const job = await queue.getJob(id);
      // Replayed or removed meanwhile.
      if (job === undefined) continue;
      const entry = toDeadLetterEntry(job);
      if (deadLetteredAtMs(entry, job.timestamp) >= cutoffMs) return { removed, keptForHold, more: false };
      if (await blocksEntityHold(redis, queuePrefix, entry.eventKey)) {
        keptForHold += 1;
        continue;
      }
      if ((await queue.remove(id)) === 1) {
        removed.push(entry);
        options.onRemoved?.(entry);
      }
    }
  }
  return { removed, keptForHold, more: true };
}
