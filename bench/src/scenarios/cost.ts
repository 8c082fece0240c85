import { setTimeout as sleep } from 'node:timers/promises';
import { bullPrefix, EVENTS_QUEUE } from '@ripio-webhooks/store';
import { eventsWithDuplicates, uniqueEvents, type EventSource } from '../bodies.js';
import type { BenchConfig, NodeBinary } from '../config.js';
import { paced } from '../paced.js';
import { log } from '../log.js';
import type { BenchRedis, CommandCounts } from '../redis.js';
import {
  BENCH_QUEUE_PREFIX,
  startIntakeServer,
  startWorker,
  type IntakeServerId,
  type WorkerMode,
} from '../servers.js';
import { round } from '../stats.js';

export interface CommandCount {
  /** Every command per event: client requests plus the commands run inside Lua scripts. */
  perEvent: number;
  /** Requests sent by clients per event (round trips, unless pipelined). */
  requestsPerEvent: number;
  /** Commands run inside Lua scripts per event. */
  luaPerEvent: number;
  /** Client requests per event by command, largest first. */
  requests: Record<string, number>;
  /** Commands inside Lua scripts per event by command, largest first. */
  inScripts: Record<string, number>;
}

interface PipelineCost {
  events: number;
  intake: CommandCount;
  processing: CommandCount;
  /** used_memory growth per acknowledged event while no worker runs (the queued job and its indexes). */
  inFlightBytesPerJob: number;
}

export interface CostResult {
  ours: PipelineCost & {
    intakeWithDuplicates: CommandCount;
    /** MEMORY USAGE averaged over sample keys. */
    bytes: {
      queuedJobHash: number;
      completedJobHash: number;
      entityRecord: number;
      history: number;
      dedupeRecord: number;
    };
    /** used_memory growth per event once processed (completed job kept by removeOnComplete + entity keys). */
    retainedBytesPerEvent: number;
  };
  naive: PipelineCost;
}

function perEvent(
  counts: Record<string, number>,
  events: number,
): { total: number; byCommand: Record<string, number> } {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((sum, [, calls]) => sum + calls, 0);
  return {
    total: round(total / events, 2),
    byCommand: Object.fromEntries(entries.map(([command, calls]) => [command, round(calls / events, 3)])),
  };
}

function countOf(counts: CommandCounts, events: number): CommandCount {
  const requests = perEvent(counts.client, events);
  const lua = perEvent(counts.lua, events);
  return {
    perEvent: round(requests.total + lua.total, 2),
    requestsPerEvent: requests.total,
    luaPerEvent: lua.total,
    requests: requests.byCommand,
    inScripts: lua.byCommand,
  };
}

async function sampleMemory(redis: BenchRedis, pattern: string, samples = 100): Promise<number> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0' && keys.length < samples);
  const picked = keys.slice(0, samples);
  if (picked.length === 0) return Number.NaN;
  let total = 0;
  for (const key of picked) total += Number(await redis.client.memory('USAGE', key, 'SAMPLES', '0'));
  return Math.round(total / picked.length);
}

async function measureIntake(
  server: IntakeServerId,
  source: EventSource,
  node: NodeBinary,
  redis: BenchRedis,
  events: number,
): Promise<{ acked: number; count: CommandCount; bytesPerJob: number }> {
  const running = await startIntakeServer(server, { node, redisUrl: redis.url, tag: 'cost' });
  try {
    const before = await redis.usedMemory();
    const recorder = await redis.recordCommands();
    const rate = 500;
    const result = await paced({ port: running.port, path: running.path }, source, {
      rate,
      durationS: events / rate,
    });
    const counts = await recorder.stop();
    const after = await redis.usedMemory();
    const acked = result.responses - result.non2xx;
    return { acked, count: countOf(counts, acked), bytesPerJob: Math.round((after - before) / acked) };
  } finally {
    await running.child.stop();
  }
}

/** Starts one worker on the filled queue and counts every command from its start until it stopped. */
async function measureProcessing(
  mode: WorkerMode,
  node: NodeBinary,
  redis: BenchRedis,
  events: number,
): Promise<CommandCount> {
  const completedKey =
    mode === 'ours'
      ? `${bullPrefix(BENCH_QUEUE_PREFIX)}:${EVENTS_QUEUE}:completed`
      : `bull:${EVENTS_QUEUE}:completed`;
  const recorder = await redis.recordCommands();
  const { child } = await startWorker({
    mode,
    node,
    redisUrl: redis.url,
    concurrency: 16,
    name: `worker-${mode}-cost`,
  });
  try {
    for (let attempt = 0; attempt < 1200; attempt += 1) {
      if ((await redis.client.zcard(completedKey)) >= events) break;
      if (child.exited) throw new Error(`worker ${mode} exited (see ${child.logPath})`);
      await sleep(100);
    }
  } finally {
    await child.stop();
  }
  // After the stop, so the worker's own close is counted too (its start is: the recorder started before it).
  return countOf(await recorder.stop(), events);
}

/** Redis memory and commands per event, for the service's pipeline and for the naive one. */
export async function runCost(node: NodeBinary, redis: BenchRedis, config: BenchConfig): Promise<CostResult> {
  const events = Math.min(2000, config.processingEvents);

  await redis.flush();
  const base = await redis.usedMemory();
  const oursIntake = await measureIntake('receiver', uniqueEvents(), node, redis, events);
  const jobPattern = `${bullPrefix(BENCH_QUEUE_PREFIX)}:${EVENTS_QUEUE}:sell-and-pay|*|SELL_AND_PAY.PAYMENT_ORDER.COMPLETED`;
  const queuedJobHash = await sampleMemory(redis, jobPattern);
  const oursProcessing = await measureProcessing('ours', node, redis, oursIntake.acked);
  const retained = await redis.usedMemory();
  const bytes = {
    queuedJobHash,
    completedJobHash: await sampleMemory(redis, jobPattern),
    entityRecord: await sampleMemory(redis, `${BENCH_QUEUE_PREFIX}:{*}:entity`),
    history: await sampleMemory(redis, `${BENCH_QUEUE_PREFIX}:{*}:history`),
    dedupeRecord: await sampleMemory(redis, `${BENCH_QUEUE_PREFIX}:{*}:seen:*`),
  };
  await redis.flush();
  const oursDuplicates = await measureIntake(
    'receiver',
    eventsWithDuplicates(uniqueEvents()),
    node,
    redis,
    events,
  );

  await redis.flush();
  const naiveIntake = await measureIntake('naive-peer', uniqueEvents(), node, redis, events);
  const naiveProcessing = await measureProcessing('naive', node, redis, naiveIntake.acked);

  const result: CostResult = {
    ours: {
      events: oursIntake.acked,
      intake: oursIntake.count,
      intakeWithDuplicates: oursDuplicates.count,
      processing: oursProcessing,
      inFlightBytesPerJob: oursIntake.bytesPerJob,
      bytes,
      retainedBytesPerEvent: Math.round((retained - base) / oursIntake.acked),
    },
    naive: {
      events: naiveIntake.acked,
      intake: naiveIntake.count,
      processing: naiveProcessing,
      inFlightBytesPerJob: naiveIntake.bytesPerJob,
    },
  };
  log(
    `  cost: requests per event: intake ${result.ours.intake.requestsPerEvent} (naive ${result.naive.intake.requestsPerEvent}), processing ` +
      `${result.ours.processing.requestsPerEvent} (naive ${result.naive.processing.requestsPerEvent}); in-flight job ${result.ours.inFlightBytesPerJob} B`,
  );
  return result;
}
