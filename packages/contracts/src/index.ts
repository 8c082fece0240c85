export * from './admin-api.js';
export * from './enums.js';
export * from './holds.js';
export * from './event-log.js';
export * from './processing.js';
