import { entityRecordEnvFields } from '@ripio-webhooks/core';
import { ENTITY_KINDS, type EntityKind } from '@ripio-webhooks/schemas';
import {
  createDeadLetterStore,
  createEntityStore,
  createHoldIndex,
  createHoldStore,
  entityKeys,
  openEventsQueue,
  readStats,
  type EntityHistoryEntry,
  type RedisClient,
  type ReleaseRecord,
} from '@ripio-webhooks/store';
import { z } from 'zod';
import type { AdminStores, HoldView } from './api.js';
import { releaseHold } from './release-hold.js';

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

/** How the worker keeps an entity's records (DEDUPE_TTL_SECONDS, HISTORY_LIMIT): a release uses the same. */
export interface EntityRecordSettings {
  dedupeTtlSeconds: number;
  historyLimit: number;
}

const recordDefaults = z.object(entityRecordEnvFields).parse({});
export const DEFAULT_ENTITY_RECORDS: EntityRecordSettings = {
  dedupeTtlSeconds: recordDefaults.DEDUPE_TTL_SECONDS,
  historyLimit: recordDefaults.HISTORY_LIMIT,
};

function parsePayload(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody) as unknown;
  } catch {
    return rawBody;
  }
}

/** The real stores over one Redis connection (which the caller owns and closes). */
export function openAdminStores(
  redis: RedisClient,
  queuePrefix: string,
  records: EntityRecordSettings = DEFAULT_ENTITY_RECORDS,
): OpenedStores {
  const deadLetters = createDeadLetterStore({ redis, queuePrefix });
  const holds = createHoldStore({ redis, queuePrefix });
  const index = createHoldIndex(redis, queuePrefix);
  const events = openEventsQueue({ redis, queuePrefix });
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
    async releasedRecord(eventKey) {
      const entity = entityOfEventKey(eventKey);
      if (entity === undefined) return undefined;
      const raw = await redis.get(entityKeys(queuePrefix, entity.kind, entity.id).released(eventKey));
      return raw === null ? undefined : (JSON.parse(raw) as ReleaseRecord);
    },
    async holdOf(kind, id): Promise<HoldView | undefined> {
      const record = await holds.get(kind, id);
      if (record === undefined) return undefined;
      const parked = await Promise.all(
        record.parked.map(async (entry) => {
          const job = await events.getJob(entry.eventKey);
          return { ...entry, payload: job === undefined ? null : parsePayload(job.data.rawBody) };
        }),
      );
      return { hold: record.hold, parked };
    },
    async historyOf(kind, id) {
      const entries = await redis.lrange(entityKeys(queuePrefix, kind, id).history, 0, -1);
      return entries.map((entry) => JSON.parse(entry) as EntityHistoryEntry);
    },
    listHolds: () => index.list(),
    releaseHold: (input) => releaseHold({ holds, index, deadLetters, events, ...records }, input),
    close: async () => {
      await Promise.all([deadLetters.close(), events.close()]);
    },
  };
}
