export { migrateEventLog, type MigrateOptions } from './migrate.js';
export { writeBatch, type BatchWritten } from './archive-writer.js';
export { parseStreamId, type LogEntry, type LogPosition } from './net-effect.js';
export { applyRetention, ensurePartitions, listPartitions } from './partitions.js';
export type { Month } from './months.js';
