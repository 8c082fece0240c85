import type { ConflictReason, EntityProgress } from '@ripio-webhooks/core';
import type { EntityKind } from '@ripio-webhooks/schemas';
import type { Hold, HoldAdvance, ParkedEntry, ReleaseRecord } from './hold-types.js';
import type { CommittedOutcome } from './outcomes.js';

/* The entity store's data: the entity, its history, and what its scripts answer. */

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
 * What lockAndLoad-7.lua ends in: the entity is ours (with what it read, its hold included), or another token
 * holds its lock.
 */
export type LockAndLoadResult =
  | { outcome: 'busy' }
  | {
      outcome: 'locked';
      entity: EntityState | undefined;
      seenOutcome: string | undefined;
      /** The entity's history entries, oldest first (with their payloads; an operator's releases left out). */
      history: HistoryEntry[];
      /** The entity's hold (undefined: not on hold). */
      hold: Hold | undefined;
      /** Set when an operator released the hold this event held: it is decided normally, never parked. */
      released: ReleaseRecord | undefined;
      /** This event's entry in the parked list (undefined: not parked). */
      parked: ParkedEntry | undefined;
    };

/**
 * One event's commit with its JSON already built (the worker's `buildCommit`): what commitEvent-8.lua is sent,
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
  /** The event-log record appended with the commit (JSON), or '' when the event log is off. */
  eventLogJson: string;
}

/** Why a commit wrote nothing. `on_hold`: another event blocks the entity (the lock is still held). */
export type CommitRejection = 'lock_lost' | 'version_mismatch' | 'already_seen' | 'on_hold';

/** A commit's answer; a committed blocker advances its entity's hold (`hold`). */
export type CommitResult = { outcome: 'committed'; hold: HoldAdvance } | { outcome: CommitRejection };
