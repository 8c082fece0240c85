import type { Queue } from 'bullmq';
import type {
  BulkReplayReport,
  DeadLetterDetail,
  DeadLetterPage,
  ReplayReport,
  ReplayResult,
} from '@ripio-webhooks/contracts';
import { compareArrival, type ArrivalKey } from './arrival-order.js';
import type { RedisClient } from './connection.js';
import {
  listDeadLetters,
  matchingArrivalKeys,
  toDeadLetterEntry,
  type DeadLetterFilter,
  type DeadLetterListOptions,
} from './dead-letter-scan.js';
import {
  DEFAULT_RETENTION,
  deadLetterJobOptions,
  eventJobOptions,
  type DeadLetterData,
  type EventJobData,
  type RetentionOptions,
} from './queue-definition.js';
import { openDeadLetterQueue, openEventsQueue } from './queues.js';
import { recordsOf } from './replay-records.js';

export type { DeadLetterFilter, DeadLetterListOptions } from './dead-letter-scan.js';

/** The admin API's dead-letter answers (their one home is the contracts package). */
export type {
  BulkReplayReport,
  DeadLetterDetail,
  DeadLetterPage,
  ReplayResult,
} from '@ripio-webhooks/contracts';

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

function parsePayload(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody) as unknown;
  } catch {
    return rawBody;
  }
}

/** The queues and settings a replay uses. */
interface ReplayContext {
  redis: RedisClient;
  queuePrefix: string;
  deadLetter: Queue<DeadLetterData>;
  events: Queue<EventJobData>;
  retention: RetentionOptions;
  now: () => Date;
}

async function replayEntry(context: ReplayContext, id: string): Promise<ReplayResult> {
  const { redis, queuePrefix, deadLetter, events, retention, now } = context;
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
  const replay = (id: string): Promise<ReplayResult> =>
    replayEntry({ redis, queuePrefix, deadLetter, events, retention, now }, id);

  return {
    list: (listOptions) => listDeadLetters(deadLetter, listOptions),

    async get(id) {
      const job = await deadLetter.getJob(id);
      if (job === undefined) return undefined;
      return { ...toDeadLetterEntry(job), payload: parsePayload(job.data.job.rawBody) };
    },

    replay,

    replayMany: async (filter, max) =>
      replayInArrivalOrder(await matchingArrivalKeys(deadLetter, filter), replay, max),

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
