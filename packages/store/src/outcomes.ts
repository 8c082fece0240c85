/** The processing outcomes live in the contracts package (their one home); store keeps exporting their names. */
export {
  COMMITTED_OUTCOMES,
  PROCESSING_OUTCOMES,
  type CommittedOutcome,
  type ProcessingOutcome,
} from '@ripio-webhooks/contracts';

/** The `outcome` label of `ripio_events_processed_total`: one processing outcome. */
export type { ProcessingOutcome as OutcomeLabel } from '@ripio-webhooks/contracts';
