import { rampMachine } from './ramp.js';
import type { StateMachine } from './state-machine.js';

/** Off-ramp (crypto -> fiat) transaction, keyed by `transactionId`: the shared ramp lifecycle. */
export const offRampMachine: StateMachine = rampMachine('off-ramp');
