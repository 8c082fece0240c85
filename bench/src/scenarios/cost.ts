import { setTimeout as sleep } from 'node:timers/promises';
import { bullPrefix, EVENTS_QUEUE } from '@ripio-webhooks/store';
import { eventsWithDuplicates, uniqueEvents, type EventSource } from '../bodies.js';
import type { BenchConfig, NodeBinary } from '../config.js';
import { paced } from '../load.js';
import { log } from '../log.js';
import type { BenchRedis } from '../redis.js';
import {
  BENCH_QUEUE_PREFIX,
  startIntakeServer,
  startWorker,
  type IntakeServerId,
  type WorkerMode,
} from '../servers.js';
import { round } from '../stats.js';

/** Commands of the benchmark itself (stats reads), left out of the counts. */
const OWN_COMMANDS = new Set(['info', 'config', 'scan', 'memory', 'flushall', 'client|list', 'client']);

export interface CommandCount {
  /** Commands per event as Redis counts them (commands run inside Lua scripts included). */
  perEvent: number;
  /** Client requests per event (`total_commands_processed`: EVALSHA counts once, its inner calls do not). */
  requestsPerEvent: number;
  /** Per command, per event, largest first. */
  byCommand: Record<string, number>;
}

export interface PipelineCost {
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

function countOf(
  stats: Record<string, number>,
  processed: number,
  events: number,
  own: { command: string; calls: number } | undefined,
): CommandCount {
  const byCommand: Record<string, number> = {};
  let total = 0;
  for (const [command, calls] of Object.entries(stats)) {
    if (OWN_COMMANDS.has(command)) continue;
    const net = own !== undefined && own.command === command ? calls - own.calls : calls;
    if (net <= 0) continue;
    byCommand[command] = round(net / events, 3);
    total += net;
  }
  const ownTotal = Object.entries(stats)
    .filter(([command]) => OWN_COMMANDS.has(command))
    .reduce((sum, [, calls]) => sum + calls, 0);
  const sorted = Object.fromEntries(Object.entries(byCommand).sort((a, b) => b[1] - a[1]));
  return {
    perEvent: round(total / events, 2),
    requestsPerEvent: round((processed - ownTotal - (own?.calls ?? 0)) / events, 2),
    byCommand: sorted,
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
    await redis.resetStats();
    const rate = 1000;
    const result = await paced({ port: running.port, path: running.path }, source, {
      rate,
      durationS: events / rate,
    });
    const stats = await redis.commandStats();
    const processed = await redis.commandsProcessed();
    const after = await redis.usedMemory();
    const acked = result.responses - result.non2xx;
    return {
      acked,
      count: countOf(stats, processed, acked, undefined),
      bytesPerJob: Math.round((after - before) / acked),
    };
  } finally {
    await running.child.stop();
  }
}

/** Starts one worker on the filled queue and counts the commands until `events` jobs are completed. */
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
  await redis.resetStats();
  const { child } = await startWorker({
    mode,
    node,
    redisUrl: redis.url,
    concurrency: 16,
    name: `worker-${mode}-cost`,
  });
  let polls = 0;
  try {
    for (let attempt = 0; attempt < 1200; attempt += 1) {
      polls += 1;
      if ((await redis.client.zcard(completedKey)) >= events) break;
      if (child.exited) throw new Error(`worker ${mode} exited (see ${child.logPath})`);
      await sleep(100);
    }
    const stats = await redis.commandStats();
    const processed = await redis.commandsProcessed();
    return countOf(stats, processed, events, { command: 'zcard', calls: polls });
  } finally {
    await child.stop();
  }
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
    `  cost: intake ${result.ours.intake.perEvent} cmds/event (naive ${result.naive.intake.perEvent}), processing ` +
      `${result.ours.processing.perEvent} (naive ${result.naive.processing.perEvent}); in-flight job ${result.ours.inFlightBytesPerJob} B`,
  );
  return result;
}
