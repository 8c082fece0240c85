import { entityKeys } from '@ripio-webhooks/store';
import { uniqueEvents } from '../bodies.js';
import type { BenchConfig, NodeBinary } from '../config.js';
import { paced } from '../paced.js';
import { log } from '../log.js';
import { stopAll, type ChildServer } from '../processes.js';
import type { BenchRedis } from '../redis.js';
import { BENCH_QUEUE_PREFIX, startIntakeServer, startWorker, type RunningServer } from '../servers.js';
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

interface Ack {
  sentAtMs: number;
  ackedAtMs: number;
}

/** Starts the receiver and `workerProcesses` workers into `children`; resolves once the workers listen. */
async function startPipeline(
  node: NodeBinary,
  redis: BenchRedis,
  queue: ReturnType<typeof eventsQueue>,
  workers: { processes: number; concurrency: number },
  children: ChildServer[],
): Promise<RunningServer> {
  const receiver = await startIntakeServer('receiver', { node, redisUrl: redis.url, tag: 'e2e' });
  children.push(receiver.child);
  for (let index = 0; index < workers.processes; index += 1) {
    const { child } = await startWorker({
      mode: 'ours',
      node,
      redisUrl: redis.url,
      concurrency: workers.concurrency,
      name: `worker-e2e-${index}`,
    });
    children.push(child);
  }
  await waitForWorkers(queue, workers.processes, children);
  return receiver;
}

/** Paced load on the receiver, keeping for each acknowledged entity when it was sent and acknowledged. */
async function sendAndRecordAcks(
  receiver: RunningServer,
  rate: number,
  durationS: number,
): Promise<{ acks: Map<string, Ack>; ackMs: LatencySummary }> {
  const acks = new Map<string, Ack>();
  const sentAt = new Map<string, number>();
  const source = uniqueEvents();
  const result = await paced(
    { port: receiver.port, path: receiver.path },
    () => {
      const event = source();
      sentAt.set(event.entityId, Date.now());
      return event;
    },
    {
      rate,
      durationS,
      onAck: (event, ackedAtMs) =>
        acks.set(event.entityId, { sentAtMs: sentAt.get(event.entityId) ?? ackedAtMs, ackedAtMs }),
    },
  );
  return { acks, ackMs: result.latencyMs };
}

/** Reads the `processedAt` of each entity's last history entry, in pipelined batches, against its ack. */
async function commitLatencies(
  redis: BenchRedis,
  acks: ReadonlyMap<string, Ack>,
): Promise<{ ackToCommit: Samples; sendToCommit: Samples }> {
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
  return { ackToCommit, sendToCommit };
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
    const workers = { processes: workerProcesses, concurrency: workerConcurrency };
    const receiver = await startPipeline(node, redis, queue, workers, children);
    const { acks, ackMs } = await sendAndRecordAcks(receiver, rate, config.durationS);
    await waitForFinished(queue, acks.size, 60_000);
    const { ackToCommit, sendToCommit } = await commitLatencies(redis, acks);
    const summary: EndToEndResult = {
      rate,
      workerProcesses,
      workerConcurrency,
      acked: acks.size,
      committed: ackToCommit.count,
      ackToCommitMs: summarizeLatency(ackToCommit),
      sendToCommitMs: summarizeLatency(sendToCommit),
      ackMs,
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
