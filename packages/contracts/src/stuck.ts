import { z } from 'zod';

/** One entity resting in a status it is expected to leave for longer than that status's STUCK_AFTER. */
export const StuckEntity = z.object({
  kind: z.string(),
  id: z.string(),
  status: z.string(),
  /** ISO time the entity entered the status (Ripio's `issueDatetime` of that event, or its processing if earlier). */
  since: z.string(),
  ageSeconds: z.number().min(0),
  /** The status's STUCK_AFTER in seconds. */
  thresholdSeconds: z.number().int().min(1),
});
export type StuckEntity = z.infer<typeof StuckEntity>;

/** A status an entity waits in, and after how long it counts as stuck (0: never). */
const StuckThreshold = z.object({
  kind: z.string(),
  status: z.string(),
  afterSeconds: z.number().int().min(0),
});

/** `GET /api/entities/stuck`: the stuck entities, oldest first, with the thresholds in force. */
export const StuckListing = z.object({
  entities: z.array(StuckEntity),
  /** True when more stuck entities exist than `limit`. */
  truncated: z.boolean(),
  thresholds: z.array(StuckThreshold),
});
export type StuckListing = z.infer<typeof StuckListing>;
