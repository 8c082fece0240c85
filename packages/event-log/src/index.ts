export { migrateEventLog } from './migrate.js';
export { writeBatch } from './archive-writer.js';
export { parseStreamId, type LogEntry } from './net-effect.js';
export { applyRetention } from './partitions.js';
