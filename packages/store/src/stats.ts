import type { RedisClient } from './connection.js';
import { minuteOf, outcomesKey } from './keys.js';
import { PROCESSING_OUTCOMES, type ProcessingOutcome, type Stats } from '@ripio-webhooks/contracts';
import { readQueueSnapshot } from './queue-snapshot.js';

/** What `/api/stats` and `ripio-webhooks stats` show: the contract's `Stats`. */
export type { Stats } from '@ripio-webhooks/contracts';

export interface StatsOptions {
  redis: RedisClient;
  queuePrefix: string;
  now?: () => number;
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
