import { ENTITY_KINDS, type EntityKind } from '@ripio-webhooks/schemas';
import {
  createDeadLetterStore,
  createEntityStore,
  entityKeys,
  readStats,
  type RedisClient,
} from '@ripio-webhooks/store';
import type { AdminStores } from './api.js';

/** The entity an event key names (`<kind>|<id>|<type>[|<discriminator>]`), or undefined for a `raw|` key. */
export function entityOfEventKey(eventKey: string): { kind: EntityKind; id: string } | undefined {
  const [kindPart, idPart] = eventKey.split('|');
  if (kindPart === undefined || idPart === undefined) return undefined;
  try {
    const kind = decodeURIComponent(kindPart);
    const known = ENTITY_KINDS.find((candidate) => candidate === kind);
    return known === undefined ? undefined : { kind: known, id: decodeURIComponent(idPart) };
  } catch {
    return undefined;
  }
}

export interface OpenedStores extends AdminStores {
  close(): Promise<void>;
}

/** The real stores over one Redis connection (which the caller owns and closes). */
export function openAdminStores(redis: RedisClient, queuePrefix: string): OpenedStores {
  const deadLetters = createDeadLetterStore({ redis, queuePrefix });
  return {
    entities: createEntityStore({ redis, queuePrefix }),
    deadLetters,
    readStats: () => readStats({ redis, queuePrefix }),
    async seenOutcome(eventKey) {
      const entity = entityOfEventKey(eventKey);
      if (entity === undefined) return undefined;
      const outcome = await redis.get(entityKeys(queuePrefix, entity.kind, entity.id).seen(eventKey));
      return outcome ?? undefined;
    },
    close: () => deadLetters.close(),
  };
}
