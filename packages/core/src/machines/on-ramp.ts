import { rampMachine } from './ramp.js';
import type { StateMachine } from './state-machine.js';

/** On-ramp (fiat -> crypto) transaction, keyed by `transactionId`: the shared ramp lifecycle. */
export const onRampMachine: StateMachine = rampMachine('on-ramp');
