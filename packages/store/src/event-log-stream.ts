import type { RedisClient } from './connection.js';
import { eventLogKey } from './keys.js';

/** The consumer group the archivers share: each entry goes to one of them. */
const EVENT_LOG_GROUP = 'archiver';

/** One entry of the event-log stream: its id (`<ms>-<seq>`) and the record's JSON (`undefined`: no `r` field). */
export interface EventLogEntry {
  id: string;
  recordJson: string | undefined;
}

/** The outbox between the worker and the Postgres event log (see `eventLogKey`). */
export interface EventLogStream {
  /** Appends one record (the paths that can't append inside their own script use this). */
  append(recordJson: string): Promise<void>;
  /** Creates the archivers' group (from the stream's start) unless it exists. */
  ensureGroup(): Promise<void>;
  /** Entries no archiver has been given yet, waiting up to `blockMs` for one (use a connection of its own). */
  readNew(consumer: string, count: number, blockMs: number): Promise<EventLogEntry[]>;
  /** Entries given to an archiver that has not acknowledged them for `minIdleMs` (it died mid-batch). */
  claimStale(consumer: string, minIdleMs: number, count: number): Promise<EventLogEntry[]>;
  /** Marks entries written: they are trimmed by the next `trimArchived`. */
  ack(ids: readonly string[]): Promise<void>;
  /** Removes the entries every archiver is done with; returns how many. */
  trimArchived(): Promise<number>;
  /** The append time (ms) of the oldest entry not yet written to Postgres, or undefined when there is none. */
  oldestUnarchivedMs(): Promise<number | undefined>;
}

export function createEventLogStream(redis: RedisClient, queuePrefix: string): EventLogStream {
  const key = eventLogKey(queuePrefix);
  return {
    async append(recordJson) {
      await redis.xadd(key, '*', 'r', recordJson);
    },
    async ensureGroup() {
      try {
        await redis.xgroup('CREATE', key, EVENT_LOG_GROUP, '0', 'MKSTREAM');
      } catch (error) {
        if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
      }
    },
    async readNew(consumer, count, blockMs) {
      const reply = (await redis.xreadgroup(
        'GROUP',
        EVENT_LOG_GROUP,
        consumer,
        'COUNT',
        count,
        'BLOCK',
        blockMs,
        'STREAMS',
        key,
        '>',
      )) as [string, RawEntry[]][] | null;
      return reply === null ? [] : (reply[0]?.[1] ?? []).map(entryOf);
    },
    async claimStale(consumer, minIdleMs, count) {
      const reply = (await redis.xautoclaim(
        key,
        EVENT_LOG_GROUP,
        consumer,
        minIdleMs,
        '0',
        'COUNT',
        count,
      )) as [string, (RawEntry | null)[]];
      return reply[1].filter((entry): entry is RawEntry => entry !== null).map(entryOf);
    },
    async ack(ids) {
      if (ids.length > 0) await redis.xack(key, EVENT_LOG_GROUP, ...ids);
    },
    async trimArchived() {
      const floor = await unarchivedFloor(redis, key);
      if (floor === undefined) return 0;
      return redis.xtrim(key, 'MINID', floor.id);
    },
    async oldestUnarchivedMs() {
      const floor = await unarchivedFloor(redis, key);
      if (floor === undefined || !floor.exists) return undefined;
      return Number(floor.id.split('-')[0]);
    },
  };
}

type RawEntry = [string, string[]];

function entryOf([id, fields]: RawEntry): EventLogEntry {
  const index = fields.indexOf('r');
  return { id, recordJson: index >= 0 && index % 2 === 0 ? fields[index + 1] : undefined };
}

/**
 * The first id not yet archived: the oldest pending entry, else the first entry after the group's last delivered
 * one (`exists: false`: there is none; `id` is then just past the last delivered). Undefined without the group.
 */
async function unarchivedFloor(
  redis: RedisClient,
  key: string,
): Promise<{ id: string; exists: boolean } | undefined> {
  const groups = (await redis.xinfo('GROUPS', key).catch(noStream)) as unknown[][];
  const group = groups.map(fieldsOf).find((fields) => fields.get('name') === EVENT_LOG_GROUP);
  if (group === undefined) return undefined;
  const summary = (await redis.xpending(key, EVENT_LOG_GROUP)) as [number, string | null, ...unknown[]];
  if (summary[0] > 0 && summary[1] !== null) return { id: summary[1], exists: true };
  const lastDeliveredField = group.get('last-delivered-id');
  const lastDelivered = typeof lastDeliveredField === 'string' ? lastDeliveredField : '0-0';
  const next = (await redis.xrange(key, `(${lastDelivered}`, '+', 'COUNT', 1)) as RawEntry[];
  const first = next[0];
  return first === undefined ? { id: nextId(lastDelivered), exists: false } : { id: first[0], exists: true };
}

function noStream(error: unknown): unknown[] {
  if (String((error as Error).message).includes('no such key')) return [];
  throw error;
}

function fieldsOf(flat: unknown[]): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (let index = 0; index + 1 < flat.length; index += 2) fields.set(String(flat[index]), flat[index + 1]);
  return fields;
}

/** The smallest id after `id` (`<ms>-<seq + 1>`). */
function nextId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms}-${(BigInt(seq) + 1n).toString()}`;
}
