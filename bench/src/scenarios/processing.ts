import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { intakeProver, signRipioBody } from '@ripio-webhooks/core';
import { eventJobOf } from '@ripio-webhooks/schemas';
import { bullPrefix, EVENTS_QUEUE, eventJobOptions, type EventJobData } from '@ripio-webhooks/store';
import { Queue } from 'bullmq';
import { BENCH_INTAKE_PROOF_KEY, BENCH_SECRET, entityIdOf, eventBodyTemplate, newRunTag } from '../bodies.js';
import type { BenchConfig, NodeBinary } from '../config.js';
import { log } from '../log.js';
import { cpuSeconds, stopAll, type ChildServer } from '../processes.js';
import type { BenchRedis } from '../redis.js';
import { BENCH_QUEUE_PREFIX, startWorker, type WorkerMode } from '../servers.js';
import { spreadOf, type Spread } from '../stats.js';

export interface PrefilledJob {
  name: string;
  data: EventJobData;
  eventKey: string;
}

/** The job the receiver would enqueue for this body (same event key, name, data and proof: `eventJobOf`). */
function jobLikeTheReceiver(rawBody: string): PrefilledJob {
  const ripioSignature = { header: 'x-wh-signature-256', value: signRipioBody(rawBody, BENCH_SECRET) };
  return eventJobOf({
    envelope: JSON.parse(rawBody) as Record<string, unknown>,
    rawBody,
    rawText: rawBody,
    receivedAtMs: Date.now(),
    requestId: randomUUID(),
    prove: intakeProver([BENCH_INTAKE_PROOF_KEY], ripioSignature),
  });
}

/**
 * `events` events over `events / 2` Sell and Pay payments: every payment's DEPOSIT.RECEIVED first, then every
 * PAYMENT_ORDER.COMPLETED, so two events of one entity are never in flight together (as with real deliveries,
 * minutes apart) and each entity sees a NEW -> CONFIRMED_DEPOSIT -> COMPLETED history.
 */
export function processingJobs(events: number): PrefilledJob[] {
  const runTag = newRunTag();
  const entities = Math.ceil(events / 2);
  const jobs: PrefilledJob[] = [];
  for (const stage of ['deposit-received', 'payment-completed'] as const) {
    const template = eventBodyTemplate(stage);
    for (let index = 0; index < entities && jobs.length < events; index += 1) {
      jobs.push(jobLikeTheReceiver(template.render(entityIdOf(runTag, index))));
    }
  }
  return jobs;
}

export function eventsQueue(redisUrl: string): Queue<EventJobData> {
  const { port } = new URL(redisUrl);
  return new Queue<EventJobData>(EVENTS_QUEUE, {
    connection: { host: '127.0.0.1', port: Number(port), maxRetriesPerRequest: null },
    prefix: bullPrefix(BENCH_QUEUE_PREFIX),
  });
}

export async function prefill(queue: Queue<EventJobData>, jobs: readonly PrefilledJob[]): Promise<void> {
  const CHUNK = 1000;
  for (let start = 0; start < jobs.length; start += CHUNK) {
    await queue.addBulk(
      jobs
        .slice(start, start + CHUNK)
        .map((job) => ({ name: job.name, data: job.data, opts: eventJobOptions(job.eventKey) })),
    );
  }
}

/** Waits (bounded) until `count` worker connections are registered on the queue. */
export async function waitForWorkers(
  queue: Queue<EventJobData>,
  count: number,
  children: readonly ChildServer[],
): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const dead = children.find((child) => child.exited);
    if (dead !== undefined) throw new Error(`${dead.name} exited at start (see ${dead.logPath})`);
    if ((await queue.getWorkersCount()) >= count) return;
    await sleep(50);
  }
  throw new Error(`only ${await queue.getWorkersCount()} of ${count} workers registered on the queue`);
}

/** Polls the queue until `total` jobs finished (completed or failed); bounded by `timeoutMs`. */
export async function waitForFinished(
  queue: Queue<EventJobData>,
  total: number,
  timeoutMs: number,
): Promise<{ completed: number; failed: number; timedOut: boolean }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts('completed', 'failed');
    const completed = counts['completed'] ?? 0;
    const failed = counts['failed'] ?? 0;
    if (completed + failed >= total) return { completed, failed, timedOut: false };
    if (performance.now() > deadline) return { completed, failed, timedOut: true };
    await sleep(20);
  }
}

export interface ProcessingResult {
  mode: WorkerMode;
  processes: number;
  concurrency: number;
  events: number;
  eventsPerSecond: Spread;
  drainSeconds: Spread;
  /** CPU time of all worker processes per event, in microseconds. */
  workerCpuUs: Spread;
  /** CPU time of redis-server per event, in microseconds. */
  redisCpuUs: Spread;
  /** Summed over the runs. */
  failed: number;
  timedOut: number;
  /** Entity records found after the last run (ours only; expected events / 2). */
  entitiesWritten?: number;
}

async function countKeys(redis: BenchRedis, pattern: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await redis.client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}

interface ProcessingRun {
  eventsPerSecond: number;
  seconds: number;
  failed: number;
  timedOut: boolean;
  entitiesWritten: number | undefined;
  workerCpuUs: number;
  redisCpuUs: number;
}

export interface ProcessingCase {
  mode: WorkerMode;
  processes: number;
  concurrency: number;
}

/**
 * One timed drain of a pre-filled queue: the queue is paused and filled with `events` jobs exactly as the
 * receiver enqueues them, the worker processes start and register, then the queue is resumed and the clock runs
 * until every job is completed (or failed).
 */
async function processingRun(
  testCase: ProcessingCase,
  run: number,
  node: NodeBinary,
  redis: BenchRedis,
  config: BenchConfig,
): Promise<ProcessingRun> {
  const { mode, processes, concurrency } = testCase;
  await redis.flush();
  const queue = eventsQueue(redis.url);
  const children: ChildServer[] = [];
  try {
    await queue.pause();
    const jobs = processingJobs(config.processingEvents);
    await prefill(queue, jobs);
    for (let index = 0; index < processes; index += 1) {
      const name = `worker-${mode}-p${processes}-c${concurrency}-${index}`;
      const { child } = await startWorker({ mode, node, redisUrl: redis.url, concurrency, name });
      children.push(child);
    }
    await waitForWorkers(queue, processes, children);
    const workersCpu = (): number => children.reduce((sum, child) => sum + cpuSeconds(child.pid), 0);
    const workersBefore = workersCpu();
    const redisBefore = cpuSeconds(redis.server.pid);
    const startedAt = performance.now();
    await queue.resume();
    const finished = await waitForFinished(queue, jobs.length, 120_000);
    const seconds = (performance.now() - startedAt) / 1000;
    const workerCpuUs = ((workersCpu() - workersBefore) * 1e6) / jobs.length;
    const redisCpuUs = ((cpuSeconds(redis.server.pid) - redisBefore) * 1e6) / jobs.length;
    const entitiesWritten =
      mode === 'ours' ? await countKeys(redis, `${BENCH_QUEUE_PREFIX}:{*}:entity`) : undefined;
    log(
      `  processing ${mode} p${processes} c${concurrency} run ${run + 1}: ${Math.round(jobs.length / seconds)} events/s ` +
        `(${seconds.toFixed(2)} s, CPU/event worker ${Math.round(workerCpuUs)} us, redis ${Math.round(redisCpuUs)} us, ` +
        `failed ${finished.failed}${finished.timedOut ? ', TIMED OUT' : ''})`,
    );
    return {
      eventsPerSecond: (finished.completed + finished.failed) / seconds,
      seconds,
      failed: finished.failed,
      timedOut: finished.timedOut,
      entitiesWritten,
      workerCpuUs,
      redisCpuUs,
    };
  } finally {
    await stopAll(children);
    await queue.close();
  }
}

/** Every case `runs` times, round-robin (run 1 of each case, then run 2...), so background load hits all alike. */
export async function runProcessingMatrix(
  cases: readonly ProcessingCase[],
  node: NodeBinary,
  redis: BenchRedis,
  config: BenchConfig,
  onSkip: (testCase: ProcessingCase, reason: string) => void,
): Promise<ProcessingResult[]> {
  const runs = new Map<ProcessingCase, ProcessingRun[]>(cases.map((testCase) => [testCase, []]));
  const failing = new Set<ProcessingCase>();
  for (let run = 0; run < config.runs; run += 1) {
    for (const testCase of cases) {
      if (failing.has(testCase)) continue;
      try {
        runs.get(testCase)?.push(await processingRun(testCase, run, node, redis, config));
      } catch (error) {
        failing.add(testCase);
        onSkip(testCase, error instanceof Error ? error.message : String(error));
      }
    }
  }
  return cases
    .filter((testCase) => !failing.has(testCase))
    .map((testCase) => {
      const done = runs.get(testCase) ?? [];
      const entitiesWritten = done[done.length - 1]?.entitiesWritten;
      return {
        ...testCase,
        events: config.processingEvents,
        eventsPerSecond: spreadOf(done.map((one) => one.eventsPerSecond)),
        drainSeconds: spreadOf(done.map((one) => one.seconds)),
        workerCpuUs: spreadOf(done.map((one) => one.workerCpuUs)),
        redisCpuUs: spreadOf(done.map((one) => one.redisCpuUs)),
        failed: done.reduce((sum, one) => sum + one.failed, 0),
        timedOut: done.filter((one) => one.timedOut).length,
        ...(entitiesWritten === undefined ? {} : { entitiesWritten }),
      };
    });
}
