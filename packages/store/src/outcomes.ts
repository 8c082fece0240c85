/**
 * The outcomes counted per processed event: the `outcome` label of `ripio_events_processed_total` and the fields
 * of the per-minute counters (`/api/stats`). The worker's `ProcessingOutcome` union says when each one happens.
 */
export const PROCESSING_OUTCOMES = [
  'applied',
  'late',
  'conflict',
  'duplicate',
  'invalid',
  'unknown_type',
  'parked',
] as const;
export type OutcomeLabel = (typeof PROCESSING_OUTCOMES)[number];

/** The outcomes that are committed to an entity (recorded in its history). */
export type CommittedOutcome = Extract<OutcomeLabel, 'applied' | 'late' | 'conflict' | 'duplicate'>;
