// `pnpm run build && pnpm --filter @ripio-webhooks/bench run memory`: measures the Redis memory one transaction
// costs, per kind of key, with the real receiver and worker (child processes) on a redis-server of its own, and
// prints the sizing table of docs/operations.md. MEMORY_TRANSACTIONS (default 2000) entities per flow.
import { FLOWS } from '@ripio-webhooks/core';
import { LocalRedisServer } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';
import { log } from './log.js';
import { measureFlow, type FlowMemory } from './memory/measure-flow.js';
import { sizingTable } from './memory/sizing.js';
import { stopAll, type ChildServer } from './processes.js';
import { startIntakeServer, startWorker } from './servers.js';
import { eventsQueue, waitForWorkers } from './scenarios/processing.js';

/** The transaction flows measured: every success and cancellation flow of the three transaction kinds. */
const FLOW_NAMES = [
  'off-ramp-success',
  'on-ramp-success',
  'sell-and-pay-success',
  'off-ramp-cancellation',
  'sell-and-pay-cancellation-and-refund',
] as const;

function transactionsPerFlow(): number {
  const value = Number(process.env['MEMORY_TRANSACTIONS'] ?? 2000);
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError('MEMORY_TRANSACTIONS must be a positive integer');
  }
  return value;
}

async function main(): Promise<void> {
  const transactions = transactionsPerFlow();
  // No AOF: used_memory would also count the AOF buffers, which do not grow with the data.
  const server = await LocalRedisServer.start({ appendonly: false });
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  const node = { label: 'node', version: process.version, path: process.execPath };
  const children: ChildServer[] = [];
  const queue = eventsQueue(server.url);
  try {
    const receiver = await startIntakeServer('receiver', { node, redisUrl: server.url, tag: 'memory' });
    children.push(receiver.child);
    const worker = await startWorker({
      mode: 'ours',
      node,
      redisUrl: server.url,
      concurrency: 16,
      name: 'worker-memory',
    });
    children.push(worker.child);
    await waitForWorkers(queue, 1, children);
    const results: FlowMemory[] = [];
    for (const name of FLOW_NAMES) {
      const flow = FLOWS.find((candidate) => candidate.name === name);
      if (flow === undefined) throw new Error(`no flow named ${name}`);
      const result = await measureFlow({ redis, queue, receiver, flow, transactions });
      log(`  ${name}: ${JSON.stringify(result)}`);
      results.push(result);
    }
    const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
    process.stdout.write(`${sizingTable(results, { redisVersion: version, transactions })}\n`);
  } finally {
    await stopAll(children);
    await queue.close();
    redis.disconnect();
    await server.stop();
  }
}

await main();
