export * from './admin-api.js';
export * from './enums.js';
export * from './holds.js';
export * from './event-log.js';
export * from './processing.js';
export * from './event-log-api.js';
export * from './redrives.js';
export * from './stuck.js';
