import type { EntityKind } from '@ripio-webhooks/schemas';
import type { RedisClient } from './connection.js';
import { parseEntity, parseHistoryEntry, toCommitResult, toLockAndLoadResult } from './entity-replies.js';
import { DEFAULT_ENTITY_RETENTION_SECONDS, retentionArgs } from './entity-retention.js';
import type { CommitResult, EntityRecord, LockAndLoadResult, PreparedCommit } from './entity-types.js';
import { entityKeys, eventLogKey, type EntityKeys } from './keys.js';
import { runScript } from './scripts.js';

export type {
  CommitRejection,
  CommitResult,
  EntityHistoryEntry,
  EntityRecord,
  EntityState,
  HistoryEntry,
  LockAndLoadResult,
  PreparedCommit,
} from './entity-types.js';

export interface EntityStoreOptions {
  redis: RedisClient;
  queuePrefix: string;
  /** Clock for the `since` of a hold's next blocker (default: the system clock). */
  now?: () => Date;
  /**
   * ENTITY_RETENTION_DAYS in seconds (default 90 days): a commit that leaves the entity settled and not on hold
   * makes it and its history expire this long after.
   */
  entityRetentionSeconds?: number;
}

export interface EntityStore {
  get(kind: EntityKind, id: string): Promise<EntityRecord | undefined>;
  /**
   * Takes the entity lock (or refreshes it if `token` holds it) and reads the entity, its history, the event's
   * dedupe record, the entity's hold, and whether this event was released or is parked.
   */
  lockAndLoad(
    kind: EntityKind,
    id: string,
    eventKey: string,
    token: string,
    ttlMs: number,
  ): Promise<LockAndLoadResult>;
  /**
   * Dedupe record + entity + history entry + unlock, atomically, only if the lock and the version still hold and
   * no other event blocks the entity (else `on_hold`). Committing the blocker advances the hold.
   */
  commit(prepared: PreparedCommit): Promise<CommitResult>;
  /** Releases the lock if `token` still holds it. */
  releaseLock(kind: EntityKind, id: string, token: string): Promise<boolean>;
}

/** The entity with its history (both keys share one hash tag, so the MULTI is valid on a cluster too). */
async function readEntity(redis: RedisClient, keys: EntityKeys): Promise<EntityRecord | undefined> {
  const replies = await redis.multi().get(keys.entity).lrange(keys.history, 0, -1).exec();
  if (replies === null) throw new Error('MULTI reading an entity was aborted');
  const [[entityError, entityJson] = [null, null], [historyError, history] = [null, []]] = replies;
  if (entityError) throw entityError;
  if (historyError) throw historyError;
  if (typeof entityJson !== 'string') return undefined;
  return { ...parseEntity(entityJson), history: (history as string[]).map(parseHistoryEntry) };
}

/** commitEvent-8.lua's arguments, in its order. */
function commitArgs(
  prepared: PreparedCommit,
  nowIso: string,
  retentionSeconds: number,
): Array<string | number> {
  return [
    prepared.token,
    prepared.expectedVersion,
    prepared.entityJson,
    prepared.historyJson,
    prepared.dedupeTtlSeconds,
    prepared.historyLimit,
    prepared.outcome,
    prepared.eventKey,
    nowIso,
    ...retentionArgs(prepared.kind, retentionSeconds),
    prepared.eventLogJson,
  ];
}

export function createEntityStore({
  redis,
  queuePrefix,
  now,
  entityRetentionSeconds = DEFAULT_ENTITY_RETENTION_SECONDS,
}: EntityStoreOptions): EntityStore {
  const keysOf = (kind: EntityKind, id: string) => entityKeys(queuePrefix, kind, id);
  const clock = now ?? (() => new Date());

  return {
    get: (kind, id) => readEntity(redis, keysOf(kind, id)),

    async lockAndLoad(kind, id, eventKey, token, ttlMs) {
      const keys = keysOf(kind, id);
      const reply = await runScript(
        redis,
        'lockAndLoad-7.lua',
        [
          keys.lock,
          keys.entity,
          keys.seen(eventKey),
          keys.history,
          keys.hold,
          keys.parked,
          keys.released(eventKey),
        ],
        [token, Math.ceil(ttlMs), eventKey],
      );
      return toLockAndLoadResult(reply);
    },

    async commit(prepared) {
      const keys = keysOf(prepared.kind, prepared.id);
      const { eventKey } = prepared;
      const reply = await runScript(
        redis,
        'commitEvent-8.lua',
        [
          keys.entity,
          keys.history,
          keys.seen(eventKey),
          keys.lock,
          keys.hold,
          keys.parked,
          keys.released(eventKey),
          eventLogKey(queuePrefix),
        ],
        commitArgs(prepared, clock().toISOString(), entityRetentionSeconds),
      );
      return toCommitResult(reply);
    },

    async releaseLock(kind, id, token) {
      const reply = await runScript(redis, 'releaseLock-1.lua', [keysOf(kind, id).lock], [token]);
      return reply === 1;
    },
  };
}
