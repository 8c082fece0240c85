import type { EntityKind } from '@ripio-webhooks/schemas';
import type { RedisClient } from './connection.js';
import {
  parseHold,
  toHoldAdvance,
  type Hold,
  type HoldAdvance,
  type ParkedEntry,
  type ReleaseRecord,
} from './hold-types.js';
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

/** A history entry recording that an operator released the hold this event held (nothing applied). */
export interface ReleaseHistoryEntry extends Omit<HistoryEntry, 'outcome'> {
  outcome: 'released';
  release: ReleaseRecord;
}

/** An entry of an entity's history as stored: an event's outcome, or an operator's release. */
export type EntityHistoryEntry = HistoryEntry | ReleaseHistoryEntry;

/** What the admin API returns for an entity. */
export interface EntityRecord extends EntityState {
  history: EntityHistoryEntry[];
}

/**
 * What lockAndLoad-6.lua ends in: the entity is ours (with what it read, its hold included), or another token
 * holds its lock.
 */
export type LockAndLoadResult =
  | { outcome: 'busy' }
  | {
      outcome: 'locked';
      entity: EntityState | undefined;
      seenOutcome: string | undefined;
      /** The entity's hold (undefined: not on hold). */
      hold: Hold | undefined;
      /** Set when an operator released the hold this event held: it is decided normally, never parked. */
      released: ReleaseRecord | undefined;
      /** This event's entry in the parked list (undefined: not parked). */
      parked: ParkedEntry | undefined;
    };

/**
 * One event's commit with its JSON already built (the worker's `buildCommit`): what commitEvent-7.lua is sent,
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

/** Why a commit wrote nothing. `on_hold`: another event blocks the entity (the lock is still held). */
export type CommitRejection = 'lock_lost' | 'version_mismatch' | 'already_seen' | 'on_hold';

/** A commit's answer; a committed blocker advances its entity's hold (`hold`). */
export type CommitResult = { outcome: 'committed'; hold: HoldAdvance } | { outcome: CommitRejection };

export interface EntityStoreOptions {
  redis: RedisClient;
  queuePrefix: string;
  /** Clock for the `since` of a hold's next blocker (default: the system clock). */
  now?: () => Date;
}

export interface EntityStore {
  get(kind: EntityKind, id: string): Promise<EntityRecord | undefined>;
  /**
   * Takes the entity lock (or refreshes it if `token` holds it) and reads the entity, the event's dedupe record,
   * the entity's hold, and whether this event was released or is parked.
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

function parseEntity(json: string): EntityState {
  return JSON.parse(json) as EntityState;
}

/** Maps commitEvent-7.lua's reply to a CommitResult; anything else is a bug in the script or its caller. */
function toCommitResult(reply: unknown): CommitResult {
  const [status, hold, nextBlocker] = Array.isArray(reply) ? (reply as unknown[]) : [reply];
  switch (status) {
    case 'committed':
      return { outcome: 'committed', hold: toHoldAdvance(hold, nextBlocker) };
    case 'lock_lost':
    case 'version_mismatch':
    case 'already_seen':
    case 'on_hold':
      return { outcome: status };
    default:
      throw new Error(`commitEvent-7.lua returned an unexpected reply: ${JSON.stringify(reply)}`);
  }
}

const jsonOrUndefined = <T>(raw: unknown): T | undefined =>
  typeof raw === 'string' ? (JSON.parse(raw) as T) : undefined;

function toLockAndLoadResult(reply: unknown): LockAndLoadResult {
  if (!Array.isArray(reply)) throw new Error(`lockAndLoad-6.lua returned ${JSON.stringify(reply)}`);
  const [acquired, entity, seen, hold, released, parked] = reply as unknown[];
  if (acquired === 0) return { outcome: 'busy' };
  return {
    outcome: 'locked',
    entity: typeof entity === 'string' ? parseEntity(entity) : undefined,
    seenOutcome: typeof seen === 'string' ? seen : undefined,
    hold: parseHold(hold),
    released: jsonOrUndefined<ReleaseRecord>(released),
    parked: jsonOrUndefined<ParkedEntry>(parked),
  };
}

export function createEntityStore({ redis, queuePrefix, now }: EntityStoreOptions): EntityStore {
  const keysOf = (kind: EntityKind, id: string) => entityKeys(queuePrefix, kind, id);
  const clock = now ?? (() => new Date());

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
        history: (history as string[]).map((entry) => JSON.parse(entry) as EntityHistoryEntry),
      };
    },

    async lockAndLoad(kind, id, eventKey, token, ttlMs) {
      const keys = keysOf(kind, id);
      const reply = await runScript(
        redis,
        'lockAndLoad-6.lua',
        [keys.lock, keys.entity, keys.seen(eventKey), keys.hold, keys.parked, keys.released(eventKey)],
        [token, Math.ceil(ttlMs), eventKey],
      );
      return toLockAndLoadResult(reply);
    },

    async commit(prepared) {
      const keys = keysOf(prepared.kind, prepared.id);
      const reply = await runScript(
        redis,
        'commitEvent-7.lua',
        [
          keys.entity,
          keys.history,
          keys.seen(prepared.eventKey),
          keys.lock,
          keys.hold,
          keys.parked,
          keys.released(prepared.eventKey),
        ],
        [
          prepared.token,
          prepared.expectedVersion,
          prepared.entityJson,
          prepared.historyJson,
          prepared.dedupeTtlSeconds,
          prepared.historyLimit,
          prepared.outcome,
          prepared.eventKey,
          clock().toISOString(),
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
