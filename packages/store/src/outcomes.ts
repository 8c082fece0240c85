/** The `outcome` label of `ripio_events_processed_total`: one processing outcome (its one home is contracts). */
export {
  PROCESSING_OUTCOMES,
  type CommittedOutcome,
  type ProcessingOutcome as OutcomeLabel,
} from '@ripio-webhooks/contracts';
