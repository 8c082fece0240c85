import { z } from 'zod';

/*
 * Re-drives: running an event's handlers again for events in the event log (Postgres), without touching the
 * entity. The admin API, the worker, the console and the CLI share these shapes.
 */

const isoTime = z.string().min(1);
const isoInstant = z.iso.datetime({ offset: true });

/**
 * The outcomes handlers run for, so the only ones a re-drive selects: an event that was dead-lettered, parked or a
 * duplicate never ran its handlers, and re-driving it would run them for the first time.
 */
export const REDRIVE_OUTCOMES = ['applied', 'conflict', 'late'] as const;
const RedriveOutcome = z.enum(REDRIVE_OUTCOMES);

/**
 * Which events a re-drive runs for: every field narrows the selection (AND); absent fields do not. The time range
 * is on Ripio's `issueDatetime` (`from` inclusive, `to` exclusive). At least one field is required, so an empty
 * filter cannot select the whole log by mistake.
 */
export const RedriveFilter = z
  .strictObject({
    eventType: z.string().min(1).max(200).optional(),
    family: z.string().min(1).max(100).optional(),
    kind: z.string().min(1).max(100).optional(),
    entityId: z.string().min(1).max(1024).optional(),
    outcome: RedriveOutcome.optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    eventKeys: z.array(z.string().min(1).max(1024)).min(1).max(1_000).optional(),
  })
  .refine((filter) => Object.values(filter).some((value) => value !== undefined), {
    message: 'give at least one filter field',
  })
  .refine((filter) => filter.from === undefined || filter.to === undefined || filter.from < filter.to, {
    message: '`from` must be before `to`',
  });
export type RedriveFilter = z.infer<typeof RedriveFilter>;

/** `all` the handlers of each event, or only these names (an event type, `*`, or `forward`). */
export const RedriveHandlers = z.union([
  z.literal('all'),
  z.array(z.string().min(1).max(200)).min(1).max(50),
]);
export type RedriveHandlers = z.infer<typeof RedriveHandlers>;

/** The most events per second a re-drive may run at. */
export const MAX_REDRIVE_RATE = 1_000;

/** `POST /api/redrives`. */
export const CreateRedriveRequest = z.strictObject({
  filter: RedriveFilter,
  handlers: RedriveHandlers.default('all'),
  /** Events per second (handlers of one event run together, so at most this many events start per second). */
  ratePerSecond: z.number().int().min(1).max(MAX_REDRIVE_RATE).default(10),
  /** Answer the count and a sample only; nothing is written. */
  dryRun: z.boolean().default(false),
  reason: z.string().trim().min(1).max(500).optional(),
});
export type CreateRedriveRequest = z.input<typeof CreateRedriveRequest>;

/** One matching event, as a dry run's sample lists it. */
export const RedriveSampleEvent = z.object({
  eventKey: z.string(),
  issuedAt: isoTime,
  kind: z.string().nullable(),
  entityId: z.string().nullable(),
  eventType: z.string().nullable(),
  outcome: z.string(),
});
export type RedriveSampleEvent = z.infer<typeof RedriveSampleEvent>;

/** `POST /api/redrives` with `dryRun: true`: how many events match and the first of them, in run order. */
export const RedriveDryRun = z.object({
  dryRun: z.literal(true),
  count: z.number().int().min(0),
  sample: z.array(RedriveSampleEvent),
});
export type RedriveDryRun = z.infer<typeof RedriveDryRun>;

const REDRIVE_STATES = ['queued', 'running', 'done', 'cancelled', 'failed'] as const;
export const RedriveState = z.enum(REDRIVE_STATES);
export type RedriveState = z.infer<typeof RedriveState>;

/** A re-drive and its progress. `remaining` counts the matching events not yet run. */
export const Redrive = z.object({
  id: z.string(),
  state: RedriveState,
  filter: RedriveFilter,
  handlers: RedriveHandlers,
  ratePerSecond: z.number().int().min(1),
  total: z.number().int().min(0),
  done: z.number().int().min(0),
  failed: z.number().int().min(0),
  remaining: z.number().int().min(0),
  requestedBy: z.string().nullable(),
  reason: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: isoTime,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
});
export type Redrive = z.infer<typeof Redrive>;

/** One handler's run for one event of a re-drive. */
export const RedriveRun = z.object({
  eventKey: z.string(),
  handler: z.string(),
  result: z.enum(['ok', 'failed']),
  error: z.string().nullable(),
  at: isoTime,
});
export type RedriveRun = z.infer<typeof RedriveRun>;

/** `GET /api/redrives/:id`: the re-drive and its latest runs (newest first). */
export const RedriveDetail = Redrive.extend({ runs: z.array(RedriveRun) });
export type RedriveDetail = z.infer<typeof RedriveDetail>;

/** `GET /api/redrives`: newest first. */
export const RedriveList = z.object({ redrives: z.array(Redrive) });
export type RedriveList = z.infer<typeof RedriveList>;
