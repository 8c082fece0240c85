/** What processing one event ended in (the `outcome` label of `ripio_events_processed_total`). */
export const PROCESSING_OUTCOMES = [
  'applied',
  'late',
  'conflict',
  'duplicate',
  'invalid',
  'unknown_type',
] as const;
export type ProcessingOutcome = (typeof PROCESSING_OUTCOMES)[number];

/** The outcomes that are committed to an entity (recorded in its history). */
export type CommittedOutcome = Extract<ProcessingOutcome, 'applied' | 'late' | 'conflict' | 'duplicate'>;
