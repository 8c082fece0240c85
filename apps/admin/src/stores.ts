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
  const guarded = <R>(call: () => Promise<R>): Promise<R> => failingAsUnavailable(redis, call);
  return {
    entities: { get: (kind, id) => guarded(() => entities.get(kind, id)) },
    deadLetters: {
      list: (options) => guarded(() => deadLetters.list(options)),
      get: (id) => guarded(() => deadLetters.get(id)),
      replay: (id) => guarded(() => deadLetters.replay(id)),
      replayMany: (filter, max) => guarded(() => deadLetters.replayMany(filter, max)),
      remove: (id) => guarded(() => deadLetters.remove(id)),
    },
    readStats: () => guarded(() => readStats({ redis, queuePrefix })),
    close: () => deadLetters.close(),
  };
}
