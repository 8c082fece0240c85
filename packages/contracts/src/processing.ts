import { z } from 'zod';

/*
 * Event processing as operators control and watch it: paused by hand (or not), and the circuit breaker the
 * workers open when the handlers keep failing. The store keeps the breaker in Redis in this shape.
 */

/** The circuit breaker's state; times in epoch milliseconds. */
export const BreakerStateRecord = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('closed') }),
  z.object({
    mode: z.literal('open'),
    openedAtMs: z.number(),
    /** No event is taken before this time; then one event probes the downstream (half-open). */
    untilMs: z.number(),
    reason: z.string(),
  }),
  z.object({
    mode: z.literal('half_open'),
    openedAtMs: z.number(),
    reason: z.string(),
    /** The event now probing (its token, and until when its lease holds); absent: the next event probes. */
    probe: z.object({ token: z.string(), untilMs: z.number() }).optional(),
  }),
]);
export type BreakerStateRecord = z.infer<typeof BreakerStateRecord>;

export const BREAKER_MODES = ['closed', 'open', 'half_open'] as const;

/** `POST /api/processing/pause`: why (shown to the next operator). */
export const PauseRequest = z.object({ reason: z.string().trim().min(1).max(500).optional() });
export type PauseRequest = z.infer<typeof PauseRequest>;

/** An operator's pause, as recorded beside BullMQ's: why (null: no reason given) and since when. */
export const PauseRecord = z.object({ reason: z.string().nullable(), since: z.string() });
export type PauseRecord = z.infer<typeof PauseRecord>;

/** `GET /api/processing` (and the answer of pause and resume). */
export const ProcessingStatus = z.object({
  /** True while an operator has paused processing: no worker takes an event; intake goes on. */
  paused: z.boolean(),
  /** Why and since when, as the operator who paused said (absent when not paused, or paused outside the API). */
  pause: PauseRecord.optional(),
  breaker: BreakerStateRecord,
});
export type ProcessingStatus = z.infer<typeof ProcessingStatus>;
