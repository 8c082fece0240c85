import { z } from 'zod';
import { HoldState, ReleaseAction } from './enums.js';

/*
 * Entity holds as the admin API shows them (and as the store keeps them in Redis): an entity is on hold behind its
 * blocking event, from that event's first failed attempt until it is committed or an operator releases the hold;
 * the entity's other events are parked meanwhile, then applied in arrival order.
 */

const isoTime = z.string().min(1);

/** `<prefix>:{<kind>:<id>}:hold`: the entity waits behind `blocker`. */
export const Hold = z.object({
  /** The event key of the event the entity waits for. */
  blocker: z.string(),
  blockerType: z.string(),
  /** The blocker's `issueDatetime` and the time the receiver read it. */
  issueDatetime: z.string(),
  receivedAt: isoTime,
  /** When this event became the blocker. */
  since: isoTime,
  state: HoldState,
  /** Attempts of the blocker that failed (0 for a draining blocker that has not failed). */
  attempts: z.number().int().min(0),
  lastError: z.string().optional(),
  lastFailedAt: isoTime.optional(),
  deadLetteredAt: isoTime.optional(),
});
export type Hold = z.infer<typeof Hold>;

/** One event parked behind a hold (its payload stays in its events-queue job, whose id is the event key). */
export const ParkedEntry = z.object({
  eventKey: z.string(),
  eventType: z.string(),
  issueDatetime: z.string(),
  receivedAt: isoTime,
  /** When it was first parked. */
  parkedAt: isoTime,
  /**
   * Set on a dead-lettered blocker parked because an event that arrived before it took its place: when it becomes
   * the blocker again, the hold is `dead_lettered`.
   */
  deadLettered: z.literal(true).optional(),
});
export type ParkedEntry = z.infer<typeof ParkedEntry>;

/** A parked event as the entity answer shows it: with its payload (null when its job is gone). */
export const ParkedEvent = ParkedEntry.extend({ payload: z.unknown() });
export type ParkedEvent = z.infer<typeof ParkedEvent>;

/** An operator's release of a hold, kept with the released event and in the entity's history. */
export const ReleaseRecord = z.object({
  action: ReleaseAction,
  reason: z.string().min(1),
  operator: z.string().min(1),
  at: isoTime,
});
export type ReleaseRecord = z.infer<typeof ReleaseRecord>;

/** An entity on hold, as `GET /api/holds` lists it. */
export const HeldEntity = z.object({
  kind: z.string(),
  id: z.string(),
  hold: Hold,
  /** Events parked behind the hold. */
  parked: z.number().int().min(0),
});
export type HeldEntity = z.infer<typeof HeldEntity>;

/** `GET /api/holds`: every entity on hold, oldest hold first. */
export const HoldList = z.object({ holds: z.array(HeldEntity) });
export type HoldList = z.infer<typeof HoldList>;

/** Which entity a dead-letter entry holds, and how many events wait behind it. */
export const EntryHolds = z.object({ kind: z.string(), id: z.string(), parked: z.number().int().min(0) });
export type EntryHolds = z.infer<typeof EntryHolds>;

/**
 * `POST /api/entities/:kind/:id/release` with `{ eventKey, action, reason }`. The operator recorded is the one the
 * request is authenticated as (an `operator` field sent by an older client is ignored).
 */
export const ReleaseRequest = z.object({
  eventKey: z.string().min(1).max(2048),
  action: ReleaseAction,
  reason: z.string().trim().min(1, 'a reason is required').max(2000),
});
export type ReleaseRequest = z.infer<typeof ReleaseRequest>;

/** The answer of a release (200). 404: the entity is not on hold; 409 (`{ error, blocker }`): another blocker. */
export const ReleaseReport = z.object({
  outcome: z.literal('released'),
  eventKey: z.string(),
  action: ReleaseAction,
  /** The parked event that is the blocker now (its job was woken), or null when the hold ended. */
  nextBlocker: z.string().nullable(),
  /** discard: the blocker's dead-letter entry was removed (false: there was none). */
  deadLetterRemoved: z.boolean(),
  /** discard: the blocker's waiting or delayed events-queue job was removed. */
  jobRemoved: z.boolean(),
});
export type ReleaseReport = z.infer<typeof ReleaseReport>;
