import { historyEnvFields, dedupeEnvFields, entityRetentionEnvFields } from '@ripio-webhooks/core';
import {
  createDeadLetterStore,
  createEntityStore,
  createHoldIndex,
  createHoldStore,
  createProcessingControl,
  entityKeys,
  failingAsUnavailable,
  openEventsQueue,
  readStats,
  type EntityHistoryEntry,
  type ProcessingControl,
  type RedisClient,
} from '@ripio-webhooks/store';
import { z } from 'zod';
import type { AdminStores, HoldView } from './api.js';
import { releaseHold } from './release-hold.js';

export interface OpenedStores extends AdminStores {
  close(): Promise<void>;
}

/**
 * How the worker keeps an entity's records (DEDUPE_TTL_SECONDS, HISTORY_LIMIT, ENTITY_RETENTION_DAYS in seconds):
 * a release uses the same.
 */
export interface EntityRecordSettings {
  dedupeTtlSeconds: number;
  historyLimit: number;
  entityRetentionSeconds: number;
}

const recordDefaults = z
  .object({ ...dedupeEnvFields, ...historyEnvFields, ...entityRetentionEnvFields })
  .parse({});
const DEFAULT_ENTITY_RECORDS: EntityRecordSettings = {
  dedupeTtlSeconds: recordDefaults.DEDUPE_TTL_SECONDS,
  historyLimit: recordDefaults.HISTORY_LIMIT,
  entityRetentionSeconds: recordDefaults.ENTITY_RETENTION_DAYS * 86_400,
};

function parsePayload(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody) as unknown;
  } catch {
    return rawBody;
  }
}

/**
 * The real stores over one Redis connection (which the caller owns and closes). A call that fails because Redis
 * is unreachable throws store's `RedisUnavailableError`, which the app answers with 503.
 */
export function openAdminStores(
  redis: RedisClient,
  queuePrefix: string,
  records: EntityRecordSettings = DEFAULT_ENTITY_RECORDS,
): OpenedStores {
  const entities = createEntityStore({ redis, queuePrefix });
  const deadLetters = createDeadLetterStore({ redis, queuePrefix });
  const holds = createHoldStore({
    redis,
    queuePrefix,
    entityRetentionSeconds: records.entityRetentionSeconds,
  });
  const index = createHoldIndex(redis, queuePrefix);
  const events = openEventsQueue({ redis, queuePrefix });
  const processing = createProcessingControl(redis, queuePrefix);
  const guarded = <R>(call: () => Promise<R>): Promise<R> => failingAsUnavailable(redis, call);

  async function holdOf(
    kind: Parameters<AdminStores['holdOf']>[0],
    id: string,
  ): Promise<HoldView | undefined> {
    const record = await holds.get(kind, id);
    if (record === undefined) return undefined;
    const parked = await Promise.all(
      record.parked.map(async (entry) => {
        const job = await events.getJob(entry.eventKey);
        return { ...entry, payload: job === undefined ? null : parsePayload(job.data.rawBody) };
      }),
    );
    return { hold: record.hold, parked };
  }

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
    holdOf: (kind, id) => guarded(() => holdOf(kind, id)),
    historyOf: (kind, id) =>
      guarded(async () => {
        const entries = await redis.lrange(entityKeys(queuePrefix, kind, id).history, 0, -1);
        return entries.map((entry) => JSON.parse(entry) as EntityHistoryEntry);
      }),
    listHolds: () => guarded(() => index.list()),
    releaseHold: (input) =>
      guarded(() => releaseHold({ holds, index, deadLetters, events, ...records }, input)),
    processing: guardedProcessing(redis, processing),
    close: async () => {
      await Promise.all([deadLetters.close(), events.close(), processing.close()]);
    },
  };
}

/** The processing control, each call answered as 503 (RedisUnavailableError) while Redis is unreachable. */
function guardedProcessing(redis: RedisClient, control: ProcessingControl): AdminStores['processing'] {
  return {
    status: () => failingAsUnavailable(redis, () => control.status()),
    pause: (input) => failingAsUnavailable(redis, () => control.pause(input)),
    resume: () => failingAsUnavailable(redis, () => control.resume()),
  };
}
