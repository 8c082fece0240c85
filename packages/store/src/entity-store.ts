import type { ConflictReason, EntityProgress } from '@ripio-webhooks/core';
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
  /** 1 when created, +1 for each commit that writes the entity (every outcome but `duplicate`). */
  version: number;
  createdAt: string;
  updatedAt: string;
  /**
   * What `decideEvent` decides from (status, deposit cycles, recorded events), written in the same commit as the
   * status. Absent on an entity stored before progress existed: the worker rebuilds it from the history.
   */
  progress?: EntityProgress;
  /** Events recorded as `conflict` so far (absent: none). */
  conflicts?: number;
  /** The latest of them. */
  lastConflict?: LastConflict;
}

/** The latest conflict of an entity, kept on the entity so an operator sees it without reading the history. */
export interface LastConflict {
  eventKey: string;
  eventType: string;
  reason: ConflictReason;
  /** The status the entity kept, and the one the event asked for. */
  status: string;
  eventStatus: string;
  processedAt: string;
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
  /**
   * What Ripio sent: the event's object (`transactionObject`, `cryptoDeposit`, ...) for every outcome but
   * `duplicate`. Absent on entries written before payloads were kept.
   */
  payload?: Record<string, unknown>;
  /** A `duplicate` whose body differs from the copy recorded first (a resend that adds a field): its raw body. */
  rawBody?: string;
  /** Why a `conflict` is one. */
  conflictReason?: ConflictReason;
  /** The off-ramp deposit cycle the event was recorded in (absent: 1, or an entry from before cycles). */
  cycle?: number;
}

/** What the admin API returns for an entity. */
export interface EntityRecord extends EntityState {
  history: HistoryEntry[];
}

/** What lockAndLoad-4.lua ends in: the entity is ours (with what it read), or another token holds its lock. */
export type LockAndLoadResult =
  | { outcome: 'busy' }
  | {
      outcome: 'locked';
      entity: EntityState | undefined;
      seenOutcome: string | undefined;
      /** The entity's history entries, oldest first (with their payloads). */
      history: HistoryEntry[];
    };

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
  /**
   * Takes the entity lock (or refreshes it if `token` holds it) and reads the entity, its history and the event's
   * dedupe record.
   */
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

function parseHistoryEntry(json: string): HistoryEntry {
  return JSON.parse(json) as HistoryEntry;
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
  if (!Array.isArray(reply)) throw new Error(`lockAndLoad-4.lua returned ${JSON.stringify(reply)}`);
  const [acquired, entity, seen, history] = reply as [
    number,
    string | null | undefined,
    string | null | undefined,
    string[] | undefined,
  ];
  if (acquired === 0) return { outcome: 'busy' };
  return {
    outcome: 'locked',
    entity: typeof entity === 'string' ? parseEntity(entity) : undefined,
    seenOutcome: typeof seen === 'string' ? seen : undefined,
    history: (history ?? []).map(parseHistoryEntry),
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
        history: (history as string[]).map(parseHistoryEntry),
      };
    },

    async lockAndLoad(kind, id, eventKey, token, ttlMs) {
      const keys = keysOf(kind, id);
      const reply = await runScript(
        redis,
        'lockAndLoad-4.lua',
        [keys.lock, keys.entity, keys.seen(eventKey), keys.history],
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
