import type { Job, Queue } from 'bullmq';
import type {
  BulkReplayReport,
  DeadLetterDetail,
  DeadLetterEntry,
  DeadLetterPage,
  ReplayReport,
  ReplayResult,
} from '@ripio-webhooks/contracts';
import { compareArrival, issueDatetimeOf, type ArrivalKey } from './arrival-order.js';
import type { RedisClient } from './connection.js';
import {
  DEFAULT_RETENTION,
  deadLetterJobOptions,
  eventJobOptions,
  type DeadLetterData,
  type DeadLetterReason,
  type EventJobData,
  type RetentionOptions,
} from './queue-definition.js';
import { openDeadLetterQueue, openEventsQueue } from './queues.js';
import { recordsOf } from './replay-records.js';

/** The admin API's dead-letter answers (their one home is the contracts package). */
export type {
  BulkReplayReport,
  DeadLetterDetail,
  DeadLetterEntry,
  DeadLetterPage,
  ReplayReport,
  ReplayResult,
} from '@ripio-webhooks/contracts';

export interface DeadLetterFilter {
  reason?: DeadLetterReason;
  eventType?: string;
}

export interface DeadLetterListOptions extends DeadLetterFilter {
  limit: number;
  /** Opaque; from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface DeadLetterStoreOptions {
  redis: RedisClient;
  queuePrefix: string;
  /** Job retention for replayed events (default: the receiver's default). */
  retention?: RetentionOptions;
  now?: () => Date;
}

export interface DeadLetterStore {
  /** Newest first. A page scans a bounded number of entries, so a filtered page may be short with a cursor. */
  list(options: DeadLetterListOptions): Promise<DeadLetterPage>;
  get(id: string): Promise<DeadLetterDetail | undefined>;
  /**
   * Puts the event back on the events queue with fresh attempts and removes the entry. The event goes through
   * dedupe like any other, so replaying an event that was applied meanwhile is a harmless duplicate: the answer
   * says so up front (`previousOutcome`, its dedupe record read before the replay).
   */
  replay(id: string): Promise<ReplayResult>;
  /**
   * Replays up to `max` entries matching `filter` in arrival order: by the time the receiver read each event, then
   * its `issueDatetime`, the oldest `max` of them, never newest first, so each entity's events are replayed in the
   * order they came. The one bulk replay (the admin API's); `more` is set when more entries match.
   */
  replayMany(filter: DeadLetterFilter, max: number): Promise<BulkReplayReport>;
  remove(id: string): Promise<boolean>;
  /** Adds an entry (the worker). Idempotent: an entry with the same event key already there is kept. */
  add(name: string, data: Omit<DeadLetterData, 'deadLetteredAt'>): Promise<void>;
  /** Closes the queues the store opened (not the Redis connection it was given). */
  close(): Promise<void>;
}

/** Entries read per round trip while listing; and the most a single `list` call scans. */
const SCAN_BATCH = 200;
const MAX_SCANNED_PER_PAGE = 5_000;

export function toDeadLetterEntry(job: Job<DeadLetterData>): DeadLetterEntry {
  const { data } = job;
  return {
    id: job.id ?? data.job.eventKey,
    eventKey: data.job.eventKey,
    eventType: job.name,
    reason: data.reason,
    error: data.error,
    attemptsMade: data.attemptsMade,
    firstFailedAt: data.firstFailedAt,
    lastFailedAt: data.lastFailedAt,
    deadLetteredAt: data.deadLetteredAt,
    receivedAt: data.job.receivedAt,
  };
}

function matches(entry: DeadLetterEntry, filter: DeadLetterFilter): boolean {
  return (
    (filter.reason === undefined || entry.reason === filter.reason) &&
    (filter.eventType === undefined || entry.eventType === filter.eventType)
  );
}

function parsePayload(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody) as unknown;
  } catch {
    return rawBody;
  }
}

function parseCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const offset = Number(cursor);
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`invalid dead-letter cursor: ${cursor}`);
  return offset;
}

/** Replays the oldest `max` of the entries, one at a time, so the events queue receives them in that order. */
async function replayInArrivalOrder(
  keys: ArrivalKey[],
  replay: DeadLetterStore['replay'],
  max: number,
): Promise<BulkReplayReport> {
  const selected = keys.sort(compareArrival).slice(0, Math.max(0, max));
  const results: ReplayReport[] = [];
  for (const { id } of selected) results.push({ id, ...(await replay(id)) });
  const replayed = results.filter((report) => report.outcome === 'replayed').length;
  return { replayed, missing: results.length - replayed, more: keys.length > selected.length, results };
}

export function createDeadLetterStore(options: DeadLetterStoreOptions): DeadLetterStore {
  const { redis, queuePrefix } = options;
  const deadLetter: Queue<DeadLetterData> = openDeadLetterQueue({ redis, queuePrefix });
  const events: Queue<EventJobData> = openEventsQueue({ redis, queuePrefix });
  const retention = options.retention ?? DEFAULT_RETENTION;
  const now = options.now ?? (() => new Date());

  async function list({ limit, cursor, ...filter }: DeadLetterListOptions): Promise<DeadLetterPage> {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`limit must be a positive integer, got ${limit}`);
    }
    let offset = parseCursor(cursor);
    const entries: DeadLetterEntry[] = [];
    let scanned = 0;
    while (scanned < MAX_SCANNED_PER_PAGE) {
      // The wait list holds every entry (nobody consumes the queue); index 0 is the newest.
      const ids = await deadLetter.getRanges(['wait'], offset, offset + SCAN_BATCH - 1, false);
      const jobs = await Promise.all(ids.map((id) => deadLetter.getJob(id)));
      for (const job of jobs) {
        offset += 1;
        scanned += 1;
        if (job === undefined) continue;
        const entry = toDeadLetterEntry(job);
        if (!matches(entry, filter)) continue;
        entries.push(entry);
        if (entries.length === limit) return { entries, nextCursor: String(offset) };
      }
      if (ids.length < SCAN_BATCH) return { entries };
    }
    return { entries, nextCursor: String(offset) };
  }

  /** Every entry matching `filter`, as arrival keys (the whole list, in batches). */
  async function arrivalKeys(filter: DeadLetterFilter): Promise<ArrivalKey[]> {
    const keys: ArrivalKey[] = [];
    for (let offset = 0; ; offset += SCAN_BATCH) {
      const ids = await deadLetter.getRanges(['wait'], offset, offset + SCAN_BATCH - 1, false);
      for (const job of await Promise.all(ids.map((id) => deadLetter.getJob(id)))) {
        if (job === undefined || !matches(toDeadLetterEntry(job), filter)) continue;
        const { receivedAt, rawBody, eventKey } = job.data.job;
        keys.push({ id: job.id ?? eventKey, receivedAt, issueDatetime: issueDatetimeOf(rawBody) });
      }
      if (ids.length < SCAN_BATCH) return keys;
    }
  }

  async function replay(id: string): Promise<ReplayResult> {
    const entry = await deadLetter.getJob(id);
    if (entry === undefined) return { outcome: 'missing' };
    const { firstFailedAt: _firstFailedAt, ...original } = entry.data.job;
    const eventKey = original.eventKey;
    // Read before the replay: a worker may process the replayed event at once.
    const { previousOutcome, released } = await recordsOf(redis, queuePrefix, eventKey);
    // A finished job keeps its id in the completed/failed set, and adding a job with a known id is a no-op.
    const previous = await events.getJob(eventKey);
    if (previous !== undefined) {
      const state = await previous.getState();
      if (state === 'completed' || state === 'failed') await previous.remove();
    }
    await events.add(
      entry.name,
      { ...original, replayedAt: now().toISOString() },
      eventJobOptions(eventKey, retention),
    );
    // Removed only after the add: a crash in between leaves the entry, and replaying it again is a duplicate.
    await entry.remove();
    const expectation = released ? ({ expect: 'late', because: 'released' } as const) : {};
    return { outcome: 'replayed', eventKey, previousOutcome, ...expectation };
  }

  return {
    list,

    async get(id) {
      const job = await deadLetter.getJob(id);
      if (job === undefined) return undefined;
      return { ...toDeadLetterEntry(job), payload: parsePayload(job.data.job.rawBody) };
    },

    replay,

    replayMany: async (filter, max) => replayInArrivalOrder(await arrivalKeys(filter), replay, max),

    async remove(id) {
      const job = await deadLetter.getJob(id);
      if (job === undefined) return false;
      await job.remove();
      return true;
    },

    async add(name, data) {
      const full: DeadLetterData = { ...data, deadLetteredAt: now().toISOString() };
      await deadLetter.add(name, full, deadLetterJobOptions(data.job.eventKey));
    },

    async close() {
      await Promise.all([deadLetter.close(), events.close()]);
    },
  };
}
