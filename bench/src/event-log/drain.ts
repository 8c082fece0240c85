import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeBinary } from '../config.js';
import { cpuSeconds, stopAll, type ChildServer } from '../processes.js';
import type { BenchRedis } from '../redis.js';
import {
  eventsQueue,
  prefill,
  processingJobs,
  waitForFinished,
  waitForWorkers,
} from '../scenarios/processing.js';
import { BENCH_QUEUE_PREFIX, startWorker } from '../servers.js';

export interface DrainRun {
  eventsPerSecond: number;
  workerCpuUs: number;
  /** Records the worker left in the event-log stream. */
  streamLength: number;
}

/** One worker process (apps/worker) drains `events` pre-filled jobs, with the event log on or off. */
export async function drainWithWorker(
  node: NodeBinary,
  redis: BenchRedis,
  events: number,
  concurrency: number,
  eventLog: 'postgres' | 'off',
): Promise<DrainRun> {
  await redis.flush();
  const queue = eventsQueue(redis.url);
  const children: ChildServer[] = [];
  try {
    await queue.pause();
    const jobs = processingJobs(events);
    await prefill(queue, jobs);
    const name = `worker-eventlog-${eventLog}-c${concurrency}`;
    const { child } = await startWorker({
      mode: 'ours',
      node,
      redisUrl: redis.url,
      concurrency,
      name,
      env: { EVENT_LOG: eventLog },
    });
    children.push(child);
    await waitForWorkers(queue, 1, children);
    const cpuBefore = cpuSeconds(child.pid);
    const started = performance.now();
    await queue.resume();
    const finished = await waitForFinished(queue, jobs.length, 180_000);
    const seconds = (performance.now() - started) / 1000;
    if (finished.timedOut) throw new Error(`the worker did not drain ${jobs.length} jobs`);
    const workerCpuUs = ((cpuSeconds(child.pid) - cpuBefore) * 1e6) / jobs.length;
    await sleep(100);
    const streamLength = await redis.client.xlen(`{${BENCH_QUEUE_PREFIX}}:eventlog`);
    return { eventsPerSecond: jobs.length / seconds, workerCpuUs, streamLength };
  } finally {
    await stopAll(children);
    await queue.close();
  }
}
