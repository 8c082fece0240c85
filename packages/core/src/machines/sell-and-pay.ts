import type { StateMachine } from './state-machine.js';

/**
 * Sell and Pay transaction, keyed by `transaction.id`. A deposit is either paid out or refunded; a blocked deposit
 * (which may be the first event Ripio sends) can only be refunded.
 */
export const sellAndPayMachine: StateMachine = {
  kind: 'sell-and-pay',
  statuses: ['DEPOSIT_RECEIVED', 'DEPOSIT_BLOCKED', 'PAYMENT_ORDER_COMPLETED', 'DEPOSIT_REFUND_PROCESSING'],
  next: {
    DEPOSIT_RECEIVED: ['PAYMENT_ORDER_COMPLETED', 'DEPOSIT_BLOCKED', 'DEPOSIT_REFUND_PROCESSING'],
    DEPOSIT_BLOCKED: ['DEPOSIT_REFUND_PROCESSING'],
    PAYMENT_ORDER_COMPLETED: [],
    DEPOSIT_REFUND_PROCESSING: [],
  },
};
