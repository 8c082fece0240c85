import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A key prefix nobody else uses, so tests can share a Redis and clean up only what they wrote. */
export function uniquePrefix(label = 'test'): string {
  return `t-${label}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key containing `prefix` (SCAN, never FLUSH): the cleanup for a test's own keys. */
export async function deleteKeysContaining(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
