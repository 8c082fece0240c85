import { ProcessingOutcome } from '@ripio-webhooks/contracts';
import { eventIdentityOfKey } from '@ripio-webhooks/schemas';
import type { RedisClient } from './connection.js';
import { entityKeys } from './keys.js';

/**
 * What an event's entity records say before a replay: the outcome already recorded for it (its dedupe record,
 * null when never processed), and whether an operator released the hold it held (then it is decided normally on
 * a state that moved on without it: usually `late`).
 */
export async function recordsOf(
  redis: RedisClient,
  queuePrefix: string,
  eventKey: string,
): Promise<{ previousOutcome: ProcessingOutcome | null; released: boolean }> {
  const identity = eventIdentityOfKey(eventKey);
  // A raw key names no entity, so it has no records.
  if (identity === undefined) return { previousOutcome: null, released: false };
  const keys = entityKeys(queuePrefix, identity.kind, identity.entityId);
  const [seen, released] = await Promise.all([
    redis.get(keys.seen(eventKey)),
    redis.exists(keys.released(eventKey)),
  ]);
  const outcome = ProcessingOutcome.safeParse(seen);
  return { previousOutcome: outcome.success ? outcome.data : null, released: released === 1 };
}
