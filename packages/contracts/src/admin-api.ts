import { z } from 'zod';
import {
  BacklogState,
  CommittedOutcome,
  DeadLetterReason,
  PROCESSING_OUTCOMES,
  ProcessingOutcome,
  QueueState,
  DEAD_LETTER_REASONS,
} from './enums.js';
import { EntryHolds, Hold, ParkedEvent, ReleaseRecord } from './holds.js';

/*
 * The admin JSON API's answers (`/api/...`). The admin app builds each answer as one of these types, and the CLI,
 * the e2e harness and the console read them through these schemas, so a change of shape fails to compile (or to
 * parse) on both sides at once.
 */

const isoTime = z.string().min(1);

/** Every answer with a 4xx/5xx status: `{ "error": "..." }` (a replay of a missing entry adds its report). */
export const ErrorBody = z.looseObject({ error: z.string() });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** One entry of an entity's history (oldest first). */
const HistoryEntry = z.object({
  eventKey: z.string(),
  eventType: z.string(),
  issueDatetime: z.string(),
  receivedAt: isoTime,
  processedAt: isoTime,
  outcome: CommittedOutcome,
  /** Status before the event (null: the entity did not exist). */
  fromStatus: z.string().nullable(),
  /** Status after the event (the same as fromStatus unless applied). */
  toStatus: z.string().nullable(),
  /**
   * What Ripio sent in the event: its object (`transactionObject`, `transaction`, ...). Every outcome but
   * `duplicate` has one (entries written before payloads were kept have none).
   */
  payload: z.record(z.string(), z.unknown()).optional(),
  /** A `duplicate` whose body differs from the copy recorded first (a resend that adds a field): its raw body. */
  rawBody: z.string().optional(),
  /** Why a `conflict` is one: `contradicts_status`, `deposit_while_cycle_open` or `deposit_unknown`. */
  conflictReason: z.string().optional(),
  /** The off-ramp deposit cycle the event was recorded in (other kinds: absent). */
  cycle: z.number().int().min(1).optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** The latest event recorded as a `conflict` on an entity. */
const LastConflict = z.object({
  eventKey: z.string(),
  eventType: z.string(),
  reason: z.string(),
  /** The status the entity kept, and the one the event asked for. */
  status: z.string(),
  eventStatus: z.string(),
  processedAt: isoTime,
});

/** A history entry of an operator's release of the hold this event held (nothing applied). */
const ReleaseHistoryEntry = HistoryEntry.extend({
  outcome: z.literal('released'),
  release: ReleaseRecord,
});
export type ReleaseHistoryEntry = z.infer<typeof ReleaseHistoryEntry>;

/** An entry of an entity's history: an event's committed outcome, or an operator's release. */
export const EntityHistoryEntry = z.union([HistoryEntry, ReleaseHistoryEntry]);
export type EntityHistoryEntry = z.infer<typeof EntityHistoryEntry>;

/** The entity's state as the store keeps it, with its history. */
const EntityRecord = z.object({
  kind: z.string(),
  id: z.string(),
  status: z.string(),
  /** The object of the latest applied event (unknown fields kept). */
  fields: z.record(z.string(), z.unknown()),
  /** 1 when created, +1 for each event that changed what is stored of it (every outcome but `duplicate`). */
  version: z.number().int().min(1),
  createdAt: isoTime,
  updatedAt: isoTime,
  /** The deposit cycle the entity is in: 1, or more for an off-ramp session that took further deposits. */
  cycle: z.number().int().min(1),
  /** Events recorded as `conflict` (ripio_conflicts_total counts them too). */
  conflicts: z.number().int().min(0),
  lastConflict: LastConflict.nullable(),
  history: z.array(EntityHistoryEntry),
});
export type EntityRecord = z.infer<typeof EntityRecord>;

/**
 * `GET /api/entities/:kind/:id`: the entity's current state, its history and its hold. An entity on hold before
 * its first event applied (or whose only event was released) has no state yet: status null, version 0.
 */
export const EntityWithHistory = EntityRecord.extend({
  status: z.string().nullable(),
  version: z.number().int().min(0),
  createdAt: isoTime.nullable(),
  updatedAt: isoTime.nullable(),
  onHold: z.boolean(),
  hold: Hold.nullable(),
  /** The events parked behind the hold, in the order they will be applied, with their payloads. */
  parked: z.array(ParkedEvent),
});
export type EntityWithHistory = z.infer<typeof EntityWithHistory>;

/** One dead-lettered event as listed: what failed and when, without the payload. */
export const DeadLetterEntry = z.object({
  /** The dead-letter entry id: the event key. */
  id: z.string(),
  eventKey: z.string(),
  /** The canonical event type, or the name as received when it is unknown, or `unknown`. */
  eventType: z.string(),
  reason: DeadLetterReason,
  error: z.string(),
  attemptsMade: z.number().int().min(0),
  firstFailedAt: isoTime,
  lastFailedAt: isoTime,
  deadLetteredAt: isoTime,
  /** When the receiver read the event. */
  receivedAt: isoTime,
});
export type DeadLetterEntry = z.infer<typeof DeadLetterEntry>;

/** `GET /api/dead-letter/:id`: the entry with the original body (parsed when it is JSON, else the text). */
export const DeadLetterDetail = DeadLetterEntry.extend({ payload: z.unknown() });
export type DeadLetterDetail = z.infer<typeof DeadLetterDetail>;

/** `GET /api/dead-letter`: newest first; `nextCursor` is set when more entries may follow. */
export const DeadLetterPage = z.object({
  entries: z.array(DeadLetterEntry),
  nextCursor: z.string().optional(),
});
export type DeadLetterPage = z.infer<typeof DeadLetterPage>;

/** `GET /api/dead-letter`: the page, each entry saying which entity it holds (null: none). */
export const DeadLetterListing = z.object({
  entries: z.array(DeadLetterEntry.extend({ holds: EntryHolds.nullable() })),
  nextCursor: z.string().optional(),
});
export type DeadLetterListing = z.infer<typeof DeadLetterListing>;

const Replayed = z.object({
  outcome: z.literal('replayed'),
  eventKey: z.string(),
  /** The outcome already recorded for the event (its dedupe record): then the replay is a duplicate. */
  previousOutcome: ProcessingOutcome.nullable(),
  /** Set when an operator released the hold this event held: its entity moved on without it. */
  expect: z.literal('late').optional(),
  because: z.literal('released').optional(),
});
const Missing = z.object({ outcome: z.literal('missing') });

/** What replaying one entry did (the dead-letter store's answer). */
export const ReplayResult = z.discriminatedUnion('outcome', [Replayed, Missing]);
export type ReplayResult = z.infer<typeof ReplayResult>;

/** `POST /api/dead-letter/:id/replay` (200, or 404 with `outcome: "missing"` and an `error`). */
export const ReplayReport = z.discriminatedUnion('outcome', [
  Replayed.extend({ id: z.string() }),
  Missing.extend({ id: z.string() }),
]);
export type ReplayReport = z.infer<typeof ReplayReport>;

/** `POST /api/dead-letter/replay`: one bounded round of a bulk replay. */
export const BulkReplayReport = z.object({
  replayed: z.number().int().min(0),
  missing: z.number().int().min(0),
  /** More entries may match: repeat the call. */
  more: z.boolean(),
  results: z.array(ReplayReport),
});
export type BulkReplayReport = z.infer<typeof BulkReplayReport>;

/** `DELETE /api/dead-letter/:id`. */
export const DeleteReport = z.object({ id: z.string(), deleted: z.literal(true) });
export type DeleteReport = z.infer<typeof DeleteReport>;

/** Jobs of one queue by state. */
export const QueueCounts = z.record(QueueState, z.number().int().min(0));
export type QueueCounts = z.infer<typeof QueueCounts>;

const countsBy = <K extends readonly [string, ...string[]]>(keys: K) =>
  z.record(z.enum(keys), z.number().int().min(0));

/** `GET /api/stats`. */
export const Stats = z.object({
  queues: z.object({ events: QueueCounts, deadLetter: QueueCounts }),
  /** Seconds since the oldest job still waiting on the events queue was added (0 when none waits). */
  oldestWaitingAgeSeconds: z.number().min(0),
  deadLetterByReason: countsBy(DEAD_LETTER_REASONS),
  /** Events processed in the last 60 whole minutes plus the current one, by outcome. */
  outcomesLastHour: countsBy(PROCESSING_OUTCOMES),
});
export type Stats = z.infer<typeof Stats>;

/** Queue data read for the gauges and `/api/stats` (plain numbers, no metrics library). */
export const QueueSnapshot = z.object({
  events: QueueCounts,
  deadLetter: QueueCounts,
  /** Seconds since the oldest job still waiting on the events queue was added (0 when none waits). */
  oldestWaitingAgeSeconds: z.number().min(0),
  /**
   * The backlog's age per state a job waits in before a worker takes it: `waiting` (the same as
   * oldestWaitingAgeSeconds), `delayed` (retries and parked events) and `prioritized`. 0 when none is there.
   */
  oldestBacklogAgeSeconds: z.record(BacklogState, z.number().min(0)),
  /** Seconds since the oldest dead-letter entry still waiting for an operator was added (0 when empty). */
  deadLetterOldestAgeSeconds: z.number().min(0),
  deadLetterByReason: countsBy(DEAD_LETTER_REASONS),
  /** True when the dead-letter queue held more entries than were counted by reason. */
  deadLetterByReasonTruncated: z.boolean(),
  /** INFO memory `used_memory` (summed over primaries on a cluster). */
  redisUsedMemoryBytes: z.number().min(0),
  /** INFO memory `maxmemory` (summed over primaries on a cluster); 0 means no limit. */
  redisMaxMemoryBytes: z.number().min(0),
});
export type QueueSnapshot = z.infer<typeof QueueSnapshot>;
