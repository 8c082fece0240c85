export * from './connection.js';
export * from './queue-definition.js';
