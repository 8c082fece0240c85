import type { RedisClient } from './connection.js';
import { minuteOf, OUTCOME_STATS_TTL_SECONDS, outcomesKey } from './keys.js';
import { PROCESSING_OUTCOMES, type ProcessingOutcome } from './outcomes.js';
import { readQueueSnapshot, type QueueCounts } from './queue-snapshot.js';
import type { DeadLetterReason } from './queue-definition.js';

export interface StatsOptions {
  redis: RedisClient;
  queuePrefix: string;
  now?: () => number;
}

/** What `/api/stats` and `ripio-webhooks stats` show. */
export interface Stats {
  queues: { events: QueueCounts; deadLetter: QueueCounts };
  oldestWaitingAgeSeconds: number;
  deadLetterByReason: Record<DeadLetterReason, number>;
  /** Events processed in the last 60 whole minutes plus the current one, by outcome. */
  outcomesLastHour: Record<ProcessingOutcome, number>;
}

/**
 * Counts one processed event in this minute's bucket (HINCRBY + EXPIRE in one round trip). Kept out of the
 * entity's commit script: the bucket lives in another cluster slot.
 */
export async function recordOutcome(
  redis: RedisClient,
  queuePrefix: string,
  outcome: ProcessingOutcome,
  nowMs: number = Date.now(),
): Promise<void> {
  const key = outcomesKey(queuePrefix, minuteOf(nowMs));
  await redis.pipeline().hincrby(key, outcome, 1).expire(key, OUTCOME_STATS_TTL_SECONDS).exec();
}

export async function readOutcomesLastHour(
  redis: RedisClient,
  queuePrefix: string,
  nowMs: number = Date.now(),
): Promise<Record<ProcessingOutcome, number>> {
  const current = minuteOf(nowMs);
  const minutes = Array.from({ length: 61 }, (_, back) => current - back);
  // One bucket per minute, each in its own slot: separate commands, not a MULTI.
  const buckets = await Promise.all(minutes.map((minute) => redis.hgetall(outcomesKey(queuePrefix, minute))));
  const totals = Object.fromEntries(PROCESSING_OUTCOMES.map((outcome) => [outcome, 0])) as Record<
    ProcessingOutcome,
    number
  >;
  for (const bucket of buckets) {
    for (const outcome of PROCESSING_OUTCOMES) totals[outcome] += Number(bucket[outcome] ?? 0);
  }
  return totals;
}

export async function readStats({ redis, queuePrefix, now = Date.now }: StatsOptions): Promise<Stats> {
  const [snapshot, outcomesLastHour] = await Promise.all([
    readQueueSnapshot({ redis, queuePrefix, now }),
    readOutcomesLastHour(redis, queuePrefix, now()),
  ]);
  return {
    queues: { events: snapshot.events, deadLetter: snapshot.deadLetter },
    oldestWaitingAgeSeconds: snapshot.oldestWaitingAgeSeconds,
    deadLetterByReason: snapshot.deadLetterByReason,
    outcomesLastHour,
  };
}
