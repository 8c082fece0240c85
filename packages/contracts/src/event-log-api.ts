import { z } from 'zod';
import { EventLogOutcome } from './event-log.js';

/*
 * The admin API's event-log answers (`/api/events...`): what the Postgres event log keeps of each event. Times are
 * ISO strings (UTC); `issuedAt` is Ripio's `issueDatetime` (the receipt time when the body had none).
 */

const isoTime = z.string().min(1);

/** One event as a search lists it (no body). */
export const LoggedEvent = z.object({
  eventKey: z.string(),
  issuedAt: isoTime,
  receivedAt: isoTime,
  /** When the latest outcome was reached. */
  processedAt: isoTime,
  kind: z.string().nullable(),
  entityId: z.string().nullable(),
  eventType: z.string().nullable(),
  family: z.string().nullable(),
  customerId: z.string().nullable(),
  outcome: EventLogOutcome,
  deadLetterReason: z.string().nullable(),
  attempts: z.number().int().min(0),
  /** Deliveries of this event (1 + the duplicates Ripio sent). */
  deliveries: z.number().int().min(0),
  /** The entity's status and version right after the event (committed events only). */
  entityStatus: z.string().nullable(),
  entityVersion: z.number().int().nullable(),
  lastError: z.string().nullable(),
  replayedAt: isoTime.nullable(),
  redrives: z.number().int().min(0),
  lastRedriveAt: isoTime.nullable(),
});
export type LoggedEvent = z.infer<typeof LoggedEvent>;

/** `GET /api/events/:eventKey`: the event with what Ripio sent. */
export const LoggedEventDetail = LoggedEvent.extend({
  /** The body parsed (null when it was not JSON). */
  body: z.unknown(),
  /** The body exactly as received (what the signature covers). */
  rawBody: z.string(),
  bodySha256: z.string(),
  /** The receiver's intake proof (null when the job carried none). */
  proof: z.unknown().nullable(),
  requestId: z.string().nullable(),
});
export type LoggedEventDetail = z.infer<typeof LoggedEventDetail>;

/** How many events match: exact up to the count cap, else the planner's estimate (never below the cap). */
export const EventTotal = z.object({ count: z.number().int().min(0), exact: z.boolean() });
export type EventTotal = z.infer<typeof EventTotal>;

/**
 * `GET /api/events`: newest first (by `issuedAt`, then event key). `nextCursor` is set when more may follow;
 * `total` is given on the first page (no cursor) only.
 */
export const EventPage = z.object({
  events: z.array(LoggedEvent),
  nextCursor: z.string().optional(),
  total: EventTotal.nullable(),
});
export type EventPage = z.infer<typeof EventPage>;

export const EVENT_EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export const EventExportFormat = z.enum(EVENT_EXPORT_FORMATS);
export type EventExportFormat = z.infer<typeof EventExportFormat>;

/**
 * The search filters of `GET /api/events` and `GET /api/events/export`, as query parameters (all optional, all
 * combined with AND). `from`/`to` bound `issuedAt` (from inclusive, to exclusive); `receivedFrom`/`receivedTo`
 * bound the receipt time the same way. `match` (repeatable) is `path.to.field=value` on the body.
 */
export const EVENT_FILTER_PARAMS = [
  'eventType',
  'family',
  'kind',
  'entityId',
  'customerId',
  'outcome',
  'from',
  'to',
  'receivedFrom',
  'receivedTo',
  'match',
] as const;
export type EventFilterParam = (typeof EVENT_FILTER_PARAMS)[number];
