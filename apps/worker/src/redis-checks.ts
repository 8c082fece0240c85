import type { RedisClient } from '@ripio-webhooks/store';
import type { Logger } from 'pino';

export type EvictionCheck =
  { result: 'ok' } | { result: 'evicting'; policies: string[] } | { result: 'unknown'; error: string };

async function policiesOf(redis: RedisClient): Promise<string[]> {
  const nodes = 'nodes' in redis && typeof redis.nodes === 'function' ? redis.nodes('master') : [redis];
  const replies = await Promise.all(nodes.map((node) => node.config('GET', 'maxmemory-policy')));
  return replies.map((reply) => {
    const value = (reply as unknown[])[1];
    return typeof value === 'string' ? value : 'unknown';
  });
}

/**
 * Redis must not evict: an evicted dedupe record lets an event apply twice, an evicted job loses an event.
 * Anything but `noeviction` is a loud warning (not a refusal: managed Redis may hide CONFIG).
 */
export async function checkEvictionPolicy(redis: RedisClient, logger: Logger): Promise<EvictionCheck> {
  let policies: string[];
  try {
    policies = await policiesOf(redis);
  } catch (error) {
    const message = (error as Error).message;
    logger.warn(
      { error: message },
      'could not read maxmemory-policy (CONFIG GET refused?); make sure it is noeviction',
    );
    return { result: 'unknown', error: message };
  }
  const evicting = policies.filter((policy) => policy !== 'noeviction');
  if (evicting.length === 0) return { result: 'ok' };
  logger.warn(
    { maxmemoryPolicy: policies },
    'REDIS MAY EVICT KEYS: maxmemory-policy is not noeviction. Evicted dedupe records or jobs break exactly-once ' +
      'processing. Set maxmemory-policy noeviction.',
  );
  return { result: 'evicting', policies };
}
