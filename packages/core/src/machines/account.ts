import type { StateMachine } from './state-machine.js';

/** A customer's account, keyed by `customerId`: Ripio only reports its (irreversible) closing. */
export const accountMachine: StateMachine = {
  kind: 'account',
  statuses: ['CLOSED'],
  next: { CLOSED: [] },
};
