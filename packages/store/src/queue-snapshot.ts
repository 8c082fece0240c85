import type { Queue } from 'bullmq';
import type { RedisClient } from './connection.js';
import {
  DEAD_LETTER_REASONS,
  QUEUE_STATES,
  type BacklogState,
  type DeadLetterReason,
  type QueueCounts,
  type QueueSnapshot,
} from '@ripio-webhooks/contracts';
import type { DeadLetterData, EventJobData } from './queue-definition.js';
import { openDeadLetterQueue, openEventsQueue } from './queues.js';

export {
  BACKLOG_STATES,
  DEAD_LETTER_REASONS,
  QUEUE_STATES,
  type QueueCounts,
  type QueueSnapshot,
} from '@ripio-webhooks/contracts';

/** The most dead-letter entries read to count them by reason (beyond it, `deadLetterByReasonTruncated`). */
const DEAD_LETTER_COUNT_LIMIT = 10_000;

/** Jobs read from each end of a sorted set (delayed, prioritized) to find the oldest one. */
const BACKLOG_SAMPLE_PER_END = 1_000;

export interface SnapshotOptions {
  redis: RedisClient;
  queuePrefix: string;
  now?: () => number;
}

interface QueuePair {
  events: Queue<EventJobData>;
  deadLetter: Queue<DeadLetterData>;
}

/** Read-only queue objects, one pair per client and prefix, kept for the life of the client. */
const queueCache = new WeakMap<RedisClient, Map<string, QueuePair>>();

function queuesFor(redis: RedisClient, queuePrefix: string): QueuePair {
  let byPrefix = queueCache.get(redis);
  if (byPrefix === undefined) {
    byPrefix = new Map();
    queueCache.set(redis, byPrefix);
  }
  let pair = byPrefix.get(queuePrefix);
  if (pair === undefined) {
    pair = {
      events: openEventsQueue({ redis, queuePrefix }),
      deadLetter: openDeadLetterQueue({ redis, queuePrefix }),
    };
    byPrefix.set(queuePrefix, pair);
  }
  return pair;
}

async function countJobs(queue: Queue<unknown>): Promise<QueueCounts> {
  const counts = await queue.getJobCounts(...QUEUE_STATES);
  const result = {} as QueueCounts;
  for (const state of QUEUE_STATES) result[state] = counts[state] ?? 0;
  return result;
}

async function oldestWaitingAge(queue: Queue<unknown>, nowMs: number): Promise<number> {
  const [oldest] = await queue.getJobs(['wait'], 0, 0, true);
  if (oldest === undefined) return 0;
  return Math.max(0, (nowMs - oldest.timestamp) / 1000);
}

/**
 * The age of the oldest job in a sorted set of the queue (`delayed`: by due time; `prioritized`: by priority, then
 * arrival), from each job's `timestamp` (when it was first added: a retried job keeps its first one). Neither
 * order is the age order, so it reads the timestamps of every member up to 2 x BACKLOG_SAMPLE_PER_END, and of
 * both ends beyond that (a retry due last is one that failed most often): a bounded read per scrape, never below
 * the true age of the jobs it read.
 */
async function oldestAgeInSortedSet(
  redis: RedisClient,
  queue: Queue<unknown>,
  set: 'delayed' | 'prioritized',
  nowMs: number,
): Promise<number> {
  const key = queue.toKey(set);
  const size = await redis.zcard(key);
  if (size === 0) return 0;
  const ids =
    size <= 2 * BACKLOG_SAMPLE_PER_END
      ? await redis.zrange(key, '0', '-1')
      : [
          ...(await redis.zrange(key, '0', String(BACKLOG_SAMPLE_PER_END - 1))),
          ...(await redis.zrange(key, String(-BACKLOG_SAMPLE_PER_END), '-1')),
        ];
  // Every key of the queue carries the `{<prefix>}` hash tag, so one pipeline is valid on a cluster too.
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hget(queue.toKey(id), 'timestamp');
  const stamps = ((await pipeline.exec()) ?? [])
    .map(([error, value]) => (error ? Number.NaN : Number(value)))
    .filter((stamp) => Number.isFinite(stamp) && stamp > 0);
  if (stamps.length === 0) return 0;
  return Math.max(0, (nowMs - Math.min(...stamps)) / 1000);
}

async function oldestBacklogAges(
  redis: RedisClient,
  queue: Queue<unknown>,
  nowMs: number,
): Promise<Record<BacklogState, number>> {
  const [waiting, delayed, prioritized] = await Promise.all([
    oldestWaitingAge(queue, nowMs),
    oldestAgeInSortedSet(redis, queue, 'delayed', nowMs),
    oldestAgeInSortedSet(redis, queue, 'prioritized', nowMs),
  ]);
  return { waiting, delayed, prioritized };
}

function reasonOf(dataJson: unknown): DeadLetterReason | undefined {
  if (typeof dataJson !== 'string') return undefined;
  try {
    const reason = (JSON.parse(dataJson) as Partial<DeadLetterData>).reason;
    return DEAD_LETTER_REASONS.find((known) => known === reason);
  } catch {
    return undefined;
  }
}

async function countDeadLettersByReason(
  redis: RedisClient,
  queue: Queue<DeadLetterData>,
): Promise<{ byReason: Record<DeadLetterReason, number>; truncated: boolean }> {
  const byReason = Object.fromEntries(DEAD_LETTER_REASONS.map((reason) => [reason, 0])) as Record<
    DeadLetterReason,
    number
  >;
  const ids = await queue.getRanges(['wait'], 0, DEAD_LETTER_COUNT_LIMIT, false);
  const counted = ids.slice(0, DEAD_LETTER_COUNT_LIMIT);
  if (counted.length > 0) {
    // Every key of the queue carries the `{<prefix>}` hash tag, so one pipeline is valid on a cluster too.
    const pipeline = redis.pipeline();
    for (const id of counted) pipeline.hget(queue.toKey(id), 'data');
    const replies = (await pipeline.exec()) ?? [];
    for (const [error, data] of replies) {
      const reason = error ? undefined : reasonOf(data);
      if (reason !== undefined) byReason[reason] += 1;
    }
  }
  return { byReason, truncated: ids.length > DEAD_LETTER_COUNT_LIMIT };
}

/** Redis memory as `INFO memory` reports it; `maxBytes` 0 means no limit (`maxmemory 0`). */
export interface RedisMemory {
  usedBytes: number;
  maxBytes: number;
}

function infoField(info: string, field: string): number {
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(info);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

function memoryOf(info: string): RedisMemory {
  return { usedBytes: infoField(info, 'used_memory'), maxBytes: infoField(info, 'maxmemory') };
}

/**
 * `used_memory` and `maxmemory` from `INFO memory`, summed over the primaries on a cluster. A cluster primary
 * without a limit makes the whole limit 0 (unlimited): a sum that left it out would claim a ceiling that is not
 * there.
 */
export async function readRedisMemory(redis: RedisClient): Promise<RedisMemory> {
  if ('nodes' in redis && typeof redis.nodes === 'function') {
    const infos = await Promise.all(redis.nodes('master').map((node) => node.info('memory')));
    const nodes = infos.map(memoryOf);
    const unlimited = nodes.some((node) => node.maxBytes === 0);
    return {
      usedBytes: nodes.reduce((sum, node) => sum + node.usedBytes, 0),
      maxBytes: unlimited ? 0 : nodes.reduce((sum, node) => sum + node.maxBytes, 0),
    };
  }
  return memoryOf(await redis.info('memory'));
}

export async function readQueueSnapshot({
  redis,
  queuePrefix,
  now = Date.now,
}: SnapshotOptions): Promise<QueueSnapshot> {
  const queues = queuesFor(redis, queuePrefix);
  const nowMs = now();
  const [events, deadLetter, oldestBacklogAgeSeconds, deadLetterOldestAgeSeconds, deadLetters, memory] =
    await Promise.all([
      countJobs(queues.events),
      countJobs(queues.deadLetter),
      oldestBacklogAges(redis, queues.events, nowMs),
      oldestWaitingAge(queues.deadLetter, nowMs),
      countDeadLettersByReason(redis, queues.deadLetter),
      readRedisMemory(redis),
    ]);
  return {
    events,
    deadLetter,
    oldestWaitingAgeSeconds: oldestBacklogAgeSeconds.waiting,
    oldestBacklogAgeSeconds,
    deadLetterOldestAgeSeconds,
    deadLetterByReason: deadLetters.byReason,
    deadLetterByReasonTruncated: deadLetters.truncated,
    redisUsedMemoryBytes: memory.usedBytes,
    redisMaxMemoryBytes: memory.maxBytes,
  };
}
