export * from './admin-api.js';
export * from './enums.js';
