export { migrateEventLog } from './migrate.js';
export { writeBatch } from './archive-writer.js';
export { parseStreamId, type LogEntry } from './net-effect.js';
export { applyRetention } from './partitions.js';
export { createEventLogReader, EventLogUnavailableError, type EventLogReader } from './search/reader.js';
export { parseMatch, type BodyMatch, type EventFilter } from './search/filter.js';
export type { LoggedEntity } from './search/read.js';
export { openEventLogPool, type EventLogPool } from './pool.js';
export * from './redrive/index.js';
