import type { StateMachine } from './state-machine.js';

/**
 * A crypto deposit at a Sell and Pay address with no transaction behind it, keyed by `cryptoDeposit.id`. Its one
 * event may come twice (before and after the refund hash is known): same status, new information.
 */
export const sellAndPayOrphanDepositMachine: StateMachine = {
  kind: 'sell-and-pay-orphan-deposit',
  statuses: ['DEPOSIT_WITHOUT_SELL_AND_PAY_REFUND_PROCESSING'],
  next: { DEPOSIT_WITHOUT_SELL_AND_PAY_REFUND_PROCESSING: [] },
};
