import type { StateMachine } from './state-machine.js';

/**
 * A customer's KYC, keyed by `customerId`. A submission is reviewed, then completes or fails; a resubmission after
 * a failure can still complete, so FAILED leads to COMPLETED.
 */
export const kycMachine: StateMachine = {
  kind: 'kyc',
  statuses: ['IN_REVIEW', 'COMPLETED', 'FAILED'],
  next: {
    IN_REVIEW: ['COMPLETED', 'FAILED'],
    FAILED: ['COMPLETED'],
    COMPLETED: [],
  },
};
