import type { StateMachine } from './state-machine.js';

/**
 * On-ramp and off-ramp transactions follow the same lifecycle (Ripio documents the off-ramp flows; the on-ramp
 * ones are the same by symmetry).
 */
export function rampMachine(kind: 'on-ramp' | 'off-ramp'): StateMachine {
  return {
    kind,
    statuses: [
      'DEPOSIT_RECEIVED',
      'TRADE_COMPLETED',
      'WITHDRAWAL_PROCESSING',
      'WITHDRAWAL_COMPLETED',
      'ORDER_CANCELLED',
      'ORDER_REFUNDED',
    ],
    next: {
      DEPOSIT_RECEIVED: ['TRADE_COMPLETED', 'ORDER_CANCELLED'],
      TRADE_COMPLETED: ['WITHDRAWAL_PROCESSING'],
      WITHDRAWAL_PROCESSING: ['WITHDRAWAL_COMPLETED'],
      WITHDRAWAL_COMPLETED: [],
      ORDER_CANCELLED: ['ORDER_REFUNDED'],
      ORDER_REFUNDED: [],
    },
  };
}
