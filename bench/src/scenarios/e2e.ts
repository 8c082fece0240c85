import { entityKeys } from '@ripio-webhooks/store';
import { uniqueEvents } from '../bodies.js';
import type { BenchConfig, NodeBinary } from '../config.js';
import { paced } from '../load.js';
import { log } from '../log.js';
import { stopAll, type ChildServer } from '../processes.js';
import type { BenchRedis } from '../redis.js';
import { BENCH_QUEUE_PREFIX, startIntakeServer, startWorker } from '../servers.js';
import { Samples, summarizeLatency, type LatencySummary } from '../stats.js';
import { eventsQueue, waitForFinished, waitForWorkers } from './processing.js';

export interface EndToEndResult {
  rate: number;
  workerProcesses: number;
  workerConcurrency: number;
  acked: number;
  committed: number;
  /** Receiver's 202 arriving at the client -> `processedAt` of the entity's history entry (ms resolution). */
  ackToCommitMs: LatencySummary;
  /** Request sent -> committed. */
  sendToCommitMs: LatencySummary;
  ackMs: LatencySummary;
}

/**
 * Receiver and worker running together at a steady rate: for every acknowledged event, the time from the 202 to
 * the commit of its state (the `processedAt` the worker writes in the entity's history, in the same Lua script
 * as the state).
 */
export async function runEndToEnd(
  node: NodeBinary,
  redis: BenchRedis,
  config: BenchConfig,
  rate: number,
  workerProcesses = 1,
  workerConcurrency = 16,
): Promise<EndToEndResult> {
  await redis.flush();
  const children: ChildServer[] = [];
  const queue = eventsQueue(redis.url);
  try {
    const receiver = await startIntakeServer('receiver', { node, redisUrl: redis.url, tag: 'e2e' });
    children.push(receiver.child);
    for (let index = 0; index < workerProcesses; index += 1) {
      const { child } = await startWorker({
        mode: 'ours',
        node,
        redisUrl: redis.url,
        concurrency: workerConcurrency,
        name: `worker-e2e-${index}`,
      });
      children.push(child);
    }
    await waitForWorkers(queue, workerProcesses, children);
    const acks = new Map<string, { sentAtMs: number; ackedAtMs: number }>();
    const target = { port: receiver.port, path: receiver.path };
    const sentAt = new Map<string, number>();
    const source = uniqueEvents();
    const result = await paced(
      target,
      () => {
        const event = source();
        sentAt.set(event.entityId, Date.now());
        return event;
      },
      {
        rate,
        durationS: config.durationS,
        onAck: (event, ackedAtMs) =>
          acks.set(event.entityId, { sentAtMs: sentAt.get(event.entityId) ?? ackedAtMs, ackedAtMs }),
      },
    );
    await waitForFinished(queue, acks.size, 60_000);
    const ackToCommit = new Samples();
    const sendToCommit = new Samples();
    const ids = [...acks.keys()];
    const BATCH = 500;
    for (let start = 0; start < ids.length; start += BATCH) {
      const batch = ids.slice(start, start + BATCH);
      const pipeline = redis.client.pipeline();
      for (const id of batch) pipeline.lindex(entityKeys(BENCH_QUEUE_PREFIX, 'sell-and-pay', id).history, -1);
      const replies = (await pipeline.exec()) ?? [];
      batch.forEach((id, index) => {
        const reply = replies[index]?.[1];
        const ack = acks.get(id);
        if (typeof reply !== 'string' || ack === undefined) return;
        const processedAtMs = Date.parse((JSON.parse(reply) as { processedAt: string }).processedAt);
        ackToCommit.add(processedAtMs - ack.ackedAtMs);
        sendToCommit.add(processedAtMs - ack.sentAtMs);
      });
    }
    const summary: EndToEndResult = {
      rate,
      workerProcesses,
      workerConcurrency,
      acked: acks.size,
      committed: ackToCommit.count,
      ackToCommitMs: summarizeLatency(ackToCommit),
      sendToCommitMs: summarizeLatency(sendToCommit),
      ackMs: result.latencyMs,
    };
    log(
      `  e2e at ${rate}/s: ${summary.committed}/${summary.acked} committed, ack->commit p50 ${summary.ackToCommitMs.p50} ms, ` +
        `p99 ${summary.ackToCommitMs.p99} ms`,
    );
    return summary;
  } finally {
    await stopAll(children);
    await queue.close();
  }
}
