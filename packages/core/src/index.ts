export * from './signature/verify-ripio-signature.js';
export * from './machines/state-machine.js';
export * from './machines/machines.js';
export * from './machines/decide-transition.js';
export * from './retry/retry-schedule.js';
export * from './flows/flows.js';
export * from './random/seeded-random.js';
export * from './settings/parse-settings.js';
