import type { EntityKind } from '@ripio-webhooks/schemas';
import type { RedisClient } from './connection.js';
import { entityKeys } from './keys.js';
import type { CommittedOutcome } from './outcomes.js';
import { runScript } from './scripts.js';

/** An entity's current state: the JSON stored at `<prefix>:{<kind>:<id>}:entity`. */
export interface EntityState {
  kind: EntityKind;
  id: string;
  status: string;
  /** The object of the latest applied event (unknown fields kept). */
  fields: Record<string, unknown>;
  /** 1 after the first applied event, +1 for each applied event after it. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** One entry of an entity's history (oldest first). */
export interface HistoryEntry {
  eventKey: string;
  eventType: string;
  issueDatetime: string;
  receivedAt: string;
  processedAt: string;
  outcome: CommittedOutcome;
  /** Status before the event (null: the entity did not exist). */
  fromStatus: string | null;
  /** Status after the event (the same as fromStatus unless applied). */
  toStatus: string | null;
}

/** What the admin API returns for an entity. */
export interface EntityRecord extends EntityState {
  history: HistoryEntry[];
}

/** What lockAndLoad-3.lua ends in: the entity is ours (with what it read), or another token holds its lock. */
export type LockAndLoadResult =
  | { outcome: 'busy' }
  | { outcome: 'locked'; entity: EntityState | undefined; seenOutcome: string | undefined };

/**
 * One event's commit with its JSON already built (the worker's `buildCommit`): what commitEvent-4.lua is sent,
 * nothing left that can fail to encode. `entityJson` is the new entity (version = expectedVersion + 1).
 */
export interface PreparedCommit {
  kind: EntityKind;
  id: string;
  eventKey: string;
  token: string;
  /** The version read by lockAndLoad (0 when there was no entity). */
  expectedVersion: number;
  /** The new entity's JSON, or '' when the entity does not change. */
  entityJson: string;
  historyJson: string;
  outcome: CommittedOutcome;
  dedupeTtlSeconds: number;
  historyLimit: number;
}

export type CommitResult = 'committed' | 'lock_lost' | 'version_mismatch' | 'already_seen';

export interface EntityStoreOptions {
  redis: RedisClient;
  queuePrefix: string;
}

export interface EntityStore {
  get(kind: EntityKind, id: string): Promise<EntityRecord | undefined>;
  /** Takes the entity lock (or refreshes it if `token` holds it) and reads the entity and the event's dedupe record. */
  lockAndLoad(
    kind: EntityKind,
    id: string,
    eventKey: string,
    token: string,
    ttlMs: number,
  ): Promise<LockAndLoadResult>;
  /** Dedupe record + entity + history entry + unlock, atomically, only if the lock and the version still hold. */
  commit(prepared: PreparedCommit): Promise<CommitResult>;
  /** Releases the lock if `token` still holds it. */
  releaseLock(kind: EntityKind, id: string, token: string): Promise<boolean>;
}

function parseEntity(json: string): EntityState {
  return JSON.parse(json) as EntityState;
}

/** Maps commitEvent-4.lua's reply to a CommitResult; anything else is a bug in the script or its caller. */
function toCommitResult(reply: unknown): CommitResult {
  switch (reply) {
    case 'committed':
    case 'lock_lost':
    case 'version_mismatch':
    case 'already_seen':
      return reply;
    default:
      throw new Error(`commitEvent-4.lua returned an unexpected reply: ${JSON.stringify(reply)}`);
  }
}

function toLockAndLoadResult(reply: unknown): LockAndLoadResult {
  if (!Array.isArray(reply)) throw new Error(`lockAndLoad-3.lua returned ${JSON.stringify(reply)}`);
  const [acquired, entity, seen] = reply as [number, string | null | undefined, string | null | undefined];
  if (acquired === 0) return { outcome: 'busy' };
  return {
    outcome: 'locked',
    entity: typeof entity === 'string' ? parseEntity(entity) : undefined,
    seenOutcome: typeof seen === 'string' ? seen : undefined,
  };
}

export function createEntityStore({ redis, queuePrefix }: EntityStoreOptions): EntityStore {
  const keysOf = (kind: EntityKind, id: string) => entityKeys(queuePrefix, kind, id);

  return {
    async get(kind, id) {
      const keys = keysOf(kind, id);
      // Both keys share one hash tag, so this MULTI is valid on a cluster too.
      const replies = await redis.multi().get(keys.entity).lrange(keys.history, 0, -1).exec();
      if (replies === null) throw new Error('MULTI reading an entity was aborted');
      const [[entityError, entityJson] = [null, null], [historyError, history] = [null, []]] = replies;
      if (entityError) throw entityError;
      if (historyError) throw historyError;
      if (typeof entityJson !== 'string') return undefined;
      return {
        ...parseEntity(entityJson),
        history: (history as string[]).map((entry) => JSON.parse(entry) as HistoryEntry),
      };
    },

    async lockAndLoad(kind, id, eventKey, token, ttlMs) {
      const keys = keysOf(kind, id);
      const reply = await runScript(
        redis,
        'lockAndLoad-3.lua',
        [keys.lock, keys.entity, keys.seen(eventKey)],
        [token, Math.ceil(ttlMs)],
      );
      return toLockAndLoadResult(reply);
    },

    async commit(prepared) {
      const keys = keysOf(prepared.kind, prepared.id);
      const reply = await runScript(
        redis,
        'commitEvent-4.lua',
        [keys.entity, keys.history, keys.seen(prepared.eventKey), keys.lock],
        [
          prepared.token,
          prepared.expectedVersion,
          prepared.entityJson,
          prepared.historyJson,
          prepared.dedupeTtlSeconds,
          prepared.historyLimit,
          prepared.outcome,
        ],
      );
      return toCommitResult(reply);
    },

    async releaseLock(kind, id, token) {
      const reply = await runScript(redis, 'releaseLock-1.lua', [keysOf(kind, id).lock], [token]);
      return reply === 1;
    },
  };
}
