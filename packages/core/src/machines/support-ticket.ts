import type { StateMachine } from './state-machine.js';

/** A support ticket, keyed by `ticketId`: either it was created or its creation failed; each contradicts the other. */
export const supportTicketMachine: StateMachine = {
  kind: 'support-ticket',
  statuses: ['CREATED', 'FAILED'],
  next: { CREATED: [], FAILED: [] },
};
