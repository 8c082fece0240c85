import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { signRipioBody, type Flow } from '@ripio-webhooks/core';
import { sampleEvent, toRipioJson } from '@ripio-webhooks/schemas';
import type { EventJobData } from '@ripio-webhooks/store';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { BENCH_SECRET } from '../bodies.js';
import { BENCH_QUEUE_PREFIX, type RunningServer } from '../servers.js';

/** What one flow's transactions cost in Redis: `used_memory` deltas, and the average MEMORY USAGE per key. */
export interface FlowMemory {
  flow: string;
  eventsPerTransaction: number;
  transactions: number;
  /** used_memory growth per transaction right after every event was processed (all of it). */
  totalPerTransaction: number;
  /** used_memory freed per event by removing the completed jobs (BullMQ keeps them 24 h or the last 100,000). */
  completedJobPerEvent: number;
  /** used_memory freed per event by deleting the dedupe records (`seen`, kept DEDUPE_TTL_SECONDS). */
  seenPerEvent: number;
  /** used_memory freed per transaction by deleting the entity and its history. */
  entityAndHistoryPerTransaction: number;
  /** Average `MEMORY USAGE` of one key of each type (bytes). */
  keyUsage: { job: number; seen: number; entity: number; history: number };
}

export interface MeasureFlowOptions {
  redis: Redis;
  queue: Queue<EventJobData>;
  receiver: RunningServer;
  flow: Flow;
  transactions: number;
}

const PARALLEL_REQUESTS = 32;

async function usedMemory(redis: Redis): Promise<number> {
  const match = /^used_memory:(\d+)/m.exec(await redis.info('memory'));
  return Number(match?.[1] ?? Number.NaN);
}

/** used_memory minus BullMQ's events stream, which grows to a fixed cap whatever the data: a fixed cost. */
async function dataMemory(redis: Redis, queue: Queue<EventJobData>): Promise<number> {
  const stream = Number((await redis.memory('USAGE', queue.toKey('events'), 'SAMPLES', 0)) ?? 0);
  return (await usedMemory(redis)) - stream;
}

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

async function averageUsage(redis: Redis, keys: readonly string[]): Promise<number> {
  const sample = keys.slice(0, 500);
  if (sample.length === 0) return 0;
  let total = 0;
  for (const key of sample) total += Number((await redis.memory('USAGE', key, 'SAMPLES', 0)) ?? 0);
  return Math.round(total / sample.length);
}

async function unlinkAll(redis: Redis, keys: readonly string[]): Promise<void> {
  for (let start = 0; start < keys.length; start += 1000) {
    await redis.unlink(...keys.slice(start, start + 1000));
  }
}

async function post(receiver: RunningServer, body: string): Promise<void> {
  const answer = await fetch(`http://127.0.0.1:${receiver.port}${receiver.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wh-signature-256': signRipioBody(body, BENCH_SECRET) },
    body,
  });
  if (answer.status !== 202) throw new Error(`receiver answered ${answer.status}: ${await answer.text()}`);
}

async function postAll(receiver: RunningServer, bodies: readonly string[]): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < bodies.length; index = next++) await post(receiver, bodies[index] ?? '');
  };
  await Promise.all(Array.from({ length: PARALLEL_REQUESTS }, lane));
}

async function waitCompleted(queue: Queue<EventJobData>, total: number): Promise<void> {
  for (;;) {
    const counts = await queue.getJobCounts('completed', 'failed');
    if ((counts['failed'] ?? 0) > 0) throw new Error(`${counts['failed']} jobs failed`);
    if ((counts['completed'] ?? 0) >= total) return;
    await sleep(50);
  }
}

/** Sends every entity's events stage by stage (Ripio's order, never two of one entity in flight). */
async function sendFlow(options: MeasureFlowOptions, ids: readonly string[]): Promise<void> {
  const startMs = Date.now() - 60_000;
  for (const [stage, eventType] of options.flow.events.entries()) {
    const issueDatetime = new Date(startMs + stage * 1_000).toISOString();
    const bodies = ids.map((entityId) => toRipioJson(sampleEvent(eventType, { entityId, issueDatetime })));
    await postAll(options.receiver, bodies);
    await waitCompleted(options.queue, (stage + 1) * ids.length);
  }
}

/**
 * Runs `transactions` entities through one flow with the real receiver and worker, then takes the data apart
 * (completed jobs, then dedupe records, then entities and histories), reading used_memory before and after each
 * step. Leaves Redis as it found it, but for the fixed-size structures (events stream, stats).
 */
export async function measureFlow(options: MeasureFlowOptions): Promise<FlowMemory> {
  const { redis, queue, flow, transactions } = options;
  const ids = Array.from({ length: transactions }, () => randomUUID());
  const events = flow.events.length * transactions;
  const before = await dataMemory(redis, queue);
  await sendFlow(options, ids);
  const processed = await dataMemory(redis, queue);

  const jobIds = await queue.getRanges(['completed'], 0, -1);
  const jobUsage = await averageUsage(
    redis,
    jobIds.map((id) => queue.toKey(id)),
  );
  await queue.clean(0, events + 1000, 'completed');
  const withoutJobs = await dataMemory(redis, queue);

  const base = `${BENCH_QUEUE_PREFIX}:{${flow.kind}:*}`;
  const seenKeys = await scanKeys(redis, `${base}:seen:*`);
  const seenUsage = await averageUsage(redis, seenKeys);
  await unlinkAll(redis, seenKeys);
  const withoutSeen = await dataMemory(redis, queue);

  const entityKeys = await scanKeys(redis, `${base}:entity`);
  const historyKeys = await scanKeys(redis, `${base}:history`);
  if (entityKeys.length !== transactions) {
    throw new Error(`${flow.name}: ${entityKeys.length} entities written, expected ${transactions}`);
  }
  const keyUsage = {
    job: jobUsage,
    seen: seenUsage,
    entity: await averageUsage(redis, entityKeys),
    history: await averageUsage(redis, historyKeys),
  };
  await unlinkAll(redis, [...entityKeys, ...historyKeys]);
  const after = await dataMemory(redis, queue);
  return {
    flow: flow.name,
    eventsPerTransaction: flow.events.length,
    transactions,
    totalPerTransaction: Math.round((processed - before) / transactions),
    completedJobPerEvent: Math.round((processed - withoutJobs) / events),
    seenPerEvent: Math.round((withoutJobs - withoutSeen) / events),
    entityAndHistoryPerTransaction: Math.round((withoutSeen - after) / transactions),
    keyUsage,
  };
}
