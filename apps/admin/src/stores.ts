import {
  createDeadLetterStore,
  createEntityStore,
  failingAsUnavailable,
  readStats,
  type RedisClient,
} from '@ripio-webhooks/store';
import type { AdminStores } from './api.js';

export interface OpenedStores extends AdminStores {
  close(): Promise<void>;
}

/**
 * The real stores over one Redis connection (which the caller owns and closes). A call that fails because Redis
 * is unreachable throws store's `RedisUnavailableError`, which the app answers with 503.
 */
export function openAdminStores(redis: RedisClient, queuePrefix: string): OpenedStores {
  const entities = createEntityStore({ redis, queuePrefix });
  const deadLetters = createDeadLetterStore({ redis, queuePrefix });
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      failingAsUnavailable(redis, () => call(...args));
  return {
    entities: { get: guard(entities.get) },
    deadLetters: {
      list: guard(deadLetters.list),
      get: guard(deadLetters.get),
      replay: guard(deadLetters.replay),
      replayMany: guard(deadLetters.replayMany),
      remove: guard(deadLetters.remove),
    },
    readStats: guard(() => readStats({ redis, queuePrefix })),
    close: () => deadLetters.close(),
  };
}
