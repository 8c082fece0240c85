import { z } from 'zod';
import { DeadLetterReason } from './enums.js';

/**
 * What the event log records about an event: the outcomes of `ripio_events_processed_total` that end or pause
 * it, plus `retrying` (an attempt failed, another is scheduled) and `dead_lettered`.
 */
const EVENT_LOG_OUTCOMES = [
  'applied',
  'late',
  'conflict',
  'duplicate',
  'parked',
  'retrying',
  'dead_lettered',
] as const;
export const EventLogOutcome = z.enum(EVENT_LOG_OUTCOMES);
export type EventLogOutcome = z.infer<typeof EventLogOutcome>;

/**
 * One entry of the event-log stream: written by the worker in the same Redis step as the outcome it records
 * (the commit, the hold, the park) or right after the dead-letter entry, read by the archiver into Postgres.
 * Stored data: add optional fields only, never rename one.
 */
export const EventLogRecord = z.object({
  v: z.literal(1),
  eventKey: z.string().min(1),
  outcome: EventLogOutcome,
  /** ISO time the outcome was reached. */
  at: z.string(),
  receivedAt: z.string(),
  /** Ripio's `issueDatetime` when the body has a readable one. */
  issuedAt: z.string().nullable(),
  kind: z.string().nullable(),
  entityId: z.string().nullable(),
  /** The canonical event type, or the envelope's `eventType` as sent when the catalog does not know it. */
  eventType: z.string().nullable(),
  family: z.string().nullable(),
  rawBody: z.string(),
  bodySha256: z.string(),
  requestId: z.string().nullable(),
  /** The receiver's intake proof, as the job carried it (null when it had none). */
  proof: z.unknown().nullable(),
  attempts: z.number().int().nonnegative(),
  error: z.string().nullable(),
  deadLetterReason: DeadLetterReason.nullable(),
  replayedAt: z.string().nullable(),
  /** The entity right after a committed event (null for the other outcomes). */
  entity: z
    .object({ status: z.string(), version: z.number().int().nonnegative(), state: z.unknown() })
    .nullable(),
});
export type EventLogRecord = z.infer<typeof EventLogRecord>;
